// trace: W3C Trace Context (https://www.w3.org/TR/trace-context/). A valid
// incoming traceparent keeps its trace id and flags; this hop gets a new
// span id (parent-id), so the upstream sees the gateway as the caller. A
// missing or invalid traceparent starts a new trace, sampled with
// sample_ratio, and an invalid one's tracestate is dropped with it (section
// 3.3: tracestate without a valid traceparent is meaningless). The ids go
// to the access log as the values trace_id and span_id.
#include <random>
#include <string>

#include "config/object_reader.hpp"
#include "middleware/builtin/builtins.hpp"
#include "middleware/options.hpp"

namespace weir::mw {

namespace {

bool lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool all_zero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

struct Parent {
  std::string_view trace_id, flags;
};

// version "-" trace-id "-" parent-id "-" trace-flags (section 3.2.2): 00 has
// exactly 55 characters; a later version may append fields, which are
// ignored; version ff is invalid.
bool parse_traceparent(std::string_view v, Parent& out) {
  if (v.size() < 55 || v[2] != '-' || v[35] != '-' || v[52] != '-') return false;
  std::string_view version = v.substr(0, 2), trace = v.substr(3, 32), parent = v.substr(36, 16),
                   flags = v.substr(53, 2);
  if (!lower_hex(version) || version == "ff") return false;
  if (version == "00" && v.size() != 55) return false;
  if (version != "00" && v.size() > 55 && v[55] != '-') return false;
  if (!lower_hex(trace) || !lower_hex(parent) || !lower_hex(flags)) return false;
  if (all_zero(trace) || all_zero(parent)) return false;
  out = {trace, flags};
  return true;
}

// Ids need to be unique, not secret: a per-thread generator seeded once.
uint64_t random64() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen();
}

void append_hex(std::string& out, uint64_t v, int digits) {
  static const char hex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out.push_back(hex[(v >> (4 * i)) & 15]);
}

}  // namespace

MiddlewareResult make_trace(std::string_view json) {
  Options o(json, {"type", "name", "sample_ratio"});
  double ratio = 1.0;
  read_number(o.reader(), "sample_ratio", ratio, 1.0, /*allow_zero=*/true);
  if (!o.ok()) return failure(o.error());

  MiddlewareResult r;
  r.middleware.on_request = [ratio](Context& ctx) {
    const Request& req = ctx.request();
    Parent parent;
    bool valid = parse_traceparent(req.header("traceparent"), parent);
    std::string trace_id, flags;
    if (valid) {
      trace_id.assign(parent.trace_id);
      flags.assign(parent.flags);
    } else {
      append_hex(trace_id, random64() | 1, 16);  // never all zero
      append_hex(trace_id, random64(), 16);
      // The sampled flag (bit 0) records the decision for the hops after us.
      bool sampled = ratio >= 1.0 || (random64() >> 11) * 0x1.0p-53 < ratio;
      flags = sampled ? "01" : "00";
      ctx.remove_request_header("tracestate");
    }
    std::string span_id;
    append_hex(span_id, random64() | 1, 16);
    ctx.set_request_header("traceparent", "00-" + trace_id + "-" + span_id + "-" + flags);
    ctx.set_value("trace_id", trace_id);
    ctx.set_value("span_id", span_id);
  };
  return r;
}

}  // namespace weir::mw
