// access_log: one JSON line per exchange (observe/access_record.hpp), written
// from the log phase, so errors, local answers and client aborts are logged
// too. Lines go through observe::AccessLog: a buffer per thread, written by a
// background thread, never blocking a worker. Values set by middleware (the
// "consumer" of the auth middleware, ...) are added under "values".
#include <atomic>
#include <cstring>
#include <memory>
#include <string>

#include "config/object_reader.hpp"
#include "http/json_escape.hpp"
#include "middleware/builtin/builtins.hpp"
#include "middleware/options.hpp"
#include "observe/access_log.hpp"
#include "observe/access_record.hpp"
#include "observe/pseudonymiser.hpp"

namespace weir::mw {

namespace {

struct Spec {
  std::shared_ptr<observe::AccessLog> log;
  std::unique_ptr<observe::Pseudonymiser> pseudonymiser;
};

// The buffer a thread writes to: each thread that logs gets its own index, so
// each buffer has one producer. The log drops and counts the lines of threads
// beyond AccessLog::kMaxProducers.
uint32_t producer_index() {
  static std::atomic<uint32_t> next{0};
  thread_local uint32_t index = next.fetch_add(1, std::memory_order_relaxed);
  return index;
}

// Values the trace middleware sets, which have fields of their own.
constexpr std::string_view kTraceId = "trace_id", kSpanId = "span_id";

bool logged_value(std::string_view key) { return key != kTraceId && key != kSpanId; }

// One walk over the exchange's values: the trace ids, and the room the
// others need in the line.
size_t read_values(const Context& ctx, observe::AccessRecord& rec) {
  size_t n = 16;
  for (const auto& [key, value] : ctx.edits()->values) {
    if (key == kTraceId) rec.trace_id = value;
    else if (key == kSpanId) rec.span_id = value;
    else n += 8 + http::kJsonEscapeGrowth * (key.size() + value.size());
  }
  return n;
}

// The exchange's values as a "values" member, then the end of the line.
char* write_values_and_end(char* out, const Context& ctx) {
  bool any = false;
  for (const auto& [key, value] : ctx.edits()->values) {
    if (!logged_value(key)) continue;
    std::string_view open = any ? ",\"" : ",\"values\":{\"";
    std::memcpy(out, open.data(), open.size());
    out += open.size();
    out = http::write_json_escaped(out, key);
    std::memcpy(out, "\":\"", 3);
    out = http::write_json_escaped(out + 3, value);
    *out++ = '"';
    any = true;
  }
  if (any) *out++ = '}';
  *out++ = '}';
  *out++ = '\n';
  return out;
}

}  // namespace

MiddlewareResult make_access_log(std::string_view json) {
  Options o(json, {"type", "name", "path", "pseudonymise_client"});
  config::ObjectReader& r = o.reader();
  observe::AccessLogOptions lo;
  r.read("path", lo.path);
  if (r.ok() && lo.path.empty()) r.fail("path", "must not be empty (\"-\" is standard output)");
  std::string key_file;
  if (const picojson::value* p = r.get("pseudonymise_client")) {
    config::ObjectReader pr(*p, r.path_of("pseudonymise_client"), {"key_file"});
    require(pr, "key_file");
    pr.read("key_file", key_file);
    r.adopt(pr.error());
  }
  if (!o.ok()) return failure(o.error());
  auto spec = std::make_shared<Spec>();
  std::string err;
  if (!key_file.empty()) {
    spec->pseudonymiser = observe::Pseudonymiser::from_key_file(key_file, &err);
    if (!spec->pseudonymiser) return failure("pseudonymise_client.key_file: " + err);
  }
  spec->log = observe::AccessLog::open(lo, &err);
  if (!spec->log) {
    // AccessLog names itself "access_log.path"; the entry's path says that.
    if (err.starts_with("access_log.")) err.erase(0, 11);
    return failure(err.empty() ? "path: cannot open" : err);
  }

  MiddlewareResult res;
  res.middleware.on_log = [spec](Context& ctx) {
    const ExchangeInfo* info = ctx.exchange();
    if (!info) return;
    const Request& req = ctx.request();
    // Every member in one initialiser, with no call or condition inside it:
    // otherwise the compiler clears the whole record first (`rep stos`).
    const std::string_view request_id = ctx.request_id(), client = ctx.client_ip();
    const std::string_view path = req.path.empty() ? req.target : req.path;
    const std::string_view reason = info->aborted ? std::string_view("aborted") : info->reason;
    const std::string_view unset;  // the trace ids, read_values() sets them
    observe::AccessRecord rec{
        .time_ms = info->start_ms,
        .method = req.method,
        .path = path,
        .route = req.route,
        .request_id = request_id,
        .trace_id = unset,
        .span_id = unset,
        .client = client,
        .user_agent = req.user_agent,
        .upstream = info->upstream,
        .reason = reason,
        .status = info->status,
        .bytes_in = info->bytes_in,
        .bytes_out = info->bytes_out,
        .duration_us = info->duration_us,
        .upstream_us = info->upstream_us,
        .retries = info->retries,
    };
    size_t bound = read_values(ctx, rec);  // also sets trace_id and span_id
    bound += observe::access_fields_bound(rec);
    // One buffer per thread, grown to the longest line so far and reused:
    // the line is written straight into it, without allocation.
    thread_local std::string line;
    if (line.size() < bound) line.resize(bound);
    char* end = observe::write_access_fields(line.data(), rec, spec->pseudonymiser.get());
    end = write_values_and_end(end, ctx);
    spec->log->append(producer_index(),
                      std::string_view(line.data(), static_cast<size_t>(end - line.data())));
  };
  return res;
}

}  // namespace weir::mw
