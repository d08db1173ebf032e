// access_log: one JSON line per exchange (observe/access_record.hpp), written
// from the log phase, so errors, local answers and client aborts are logged
// too. Lines go through observe::AccessLog: a ring per thread, written by a
// background thread, never blocking a worker. Values set by middleware (the
// "consumer" of the auth middleware, ...) are added under "values".
#include <atomic>
#include <memory>
#include <string>

#include "config/object_reader.hpp"
#include "http/local_response.hpp"
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

// The ring a thread writes to: each thread that logs gets its own index, so
// each ring has one producer. Threads beyond AccessLog::kMaxProducers drop
// their lines (counted by the log).
uint32_t producer_index() {
  static std::atomic<uint32_t> next{0};
  thread_local uint32_t index = next.fetch_add(1, std::memory_order_relaxed);
  return index;
}

void append_values(std::string& line, const Context& ctx) {
  const auto& values = ctx.edits()->values;
  bool any = false;
  for (const auto& [key, value] : values) {
    if (key.starts_with("ratelimit.")) continue;  // bookkeeping, not a fact
    if (key == "trace_id" || key == "span_id") continue;  // fields of their own
    line += any ? ",\"" : ",\"values\":{\"";
    http::append_json_escaped(line, key);
    line += "\":\"";
    http::append_json_escaped(line, value);
    line += '"';
    any = true;
  }
  if (any) line += '}';
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
    observe::AccessRecord rec;
    rec.time_ms = info->start_ms;
    rec.method = req.method;
    rec.path = req.path.empty() ? req.target : req.path;
    rec.route = req.route;
    rec.request_id = ctx.request_id();
    rec.client = ctx.client_ip();
    rec.user_agent = req.header("user-agent");
    rec.upstream = info->upstream;
    rec.reason = info->aborted ? std::string_view("aborted") : info->reason;
    rec.retries = info->retries;
    rec.trace_id = ctx.value("trace_id");  // set by the trace middleware
    rec.span_id = ctx.value("span_id");
    rec.status = info->status;
    rec.bytes_in = info->bytes_in;
    rec.bytes_out = info->bytes_out;
    rec.duration_us = info->duration_us;
    rec.upstream_us = info->upstream_us;
    // One buffer per thread, reused: no allocation once it has grown.
    thread_local std::string line;
    line.clear();
    observe::append_access_json(line, rec, spec->pseudonymiser.get());
    if (line.size() >= 2) {
      line.resize(line.size() - 2);  // "}\n": the values go inside the object
      append_values(line, ctx);
      line += "}\n";
    }
    uint32_t producer = producer_index();
    if (producer < observe::AccessLog::kMaxProducers) spec->log->append(producer, line);
  };
  return res;
}

}  // namespace weir::mw
