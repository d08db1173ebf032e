// fault: injected failures for testing clients and retries. A share of the
// requests (percent), or only those that carry `header`, wait delay_ms and/or
// get abort_status instead of reaching the upstream. The delay pauses the
// exchange on its loop (Context::pause_for): no thread sleeps.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "config/object_reader.hpp"
#include "middleware/builtin/builtins.hpp"
#include "middleware/options.hpp"

namespace weir::mw {

namespace {

struct FaultState {
  uint32_t status = 0;
  uint32_t delay_ms = 0;
  double percent = 100;
  std::string header;
  std::atomic<uint64_t> seq{0};

  // The same low-discrepancy sequence as splits and mirrors: exactly
  // `percent` of each run of requests, with no random number generator.
  bool pick() noexcept {
    if (percent >= 100) return true;
    uint64_t n = seq.fetch_add(1, std::memory_order_relaxed) + 1;
    uint64_t fraction = (n * 0x9E3779B97F4A7C15ULL) >> 11;  // 53 bits
    return static_cast<double>(fraction) / 9007199254740992.0 * 100.0 < percent;
  }
};

}  // namespace

MiddlewareResult make_fault(std::string_view json) {
  Options o(json, {"type", "name", "delay_ms", "abort_status", "percent", "header"});
  auto st = std::make_shared<FaultState>();
  config::ObjectReader& r = o.reader();
  r.read("delay_ms", st->delay_ms);
  if (r.ok() && r.get("delay_ms") && (st->delay_ms == 0 || st->delay_ms > 600000))
    r.fail("delay_ms", "must be 1..600000");
  r.read("abort_status", st->status);
  if (r.ok() && r.get("abort_status") && (st->status < 200 || st->status > 599))
    r.fail("abort_status", "must be 200..599");
  if (r.ok() && !st->delay_ms && !st->status) r.fail("abort_status", "required (or delay_ms)");
  read_number(r, "percent", st->percent, 100, true);
  r.read("header", st->header);
  st->header = config::ascii_lowered(std::move(st->header));
  if (r.ok() && r.get("header") && !valid_field_name(st->header))
    r.fail("header", "expected a header name");
  if (!o.ok()) return failure(o.error());

  MiddlewareResult res;
  res.middleware.on_request = [st](Context& ctx) {
    if (!st->header.empty() && ctx.request().header(st->header).empty()) return;
    if (!st->pick()) return;
    if (!st->delay_ms) {
      ctx.respond_error(static_cast<uint16_t>(st->status), "fault injected");
    } else if (!st->status) {
      ctx.pause_for(st->delay_ms);
    } else {
      ctx.pause_for(st->delay_ms, [st](Context& later) {
        later.respond_error(static_cast<uint16_t>(st->status), "fault injected");
      });
    }
  };
  return res;
}

}  // namespace weir::mw
