#include "observe/access_record.hpp"

#include <charconv>
#include <ctime>

#include "http/local_response.hpp"
#include "observe/pseudonymiser.hpp"

namespace weir::observe {

namespace {
void field(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  out += ",\"";
  out += name;
  out += "\":\"";
  http::append_json_escaped(out, value);
  out += '"';
}

void number(std::string& out, std::string_view name, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out += ",\"";
  out += name;
  out += "\":";
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

// RFC 3339 UTC with milliseconds: 2026-11-24T05:30:00.123Z
void timestamp(std::string& out, int64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  // Lines of one second share their date and time: format it once per
  // second and thread.
  thread_local time_t cached_secs = -1;
  thread_local char buf[40];
  thread_local size_t n = 0;
  if (secs != cached_secs) {
    struct tm tm;
    gmtime_r(&secs, &tm);
    n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_secs = secs;
  }
  out.append(buf, n);
  char frac[8];
  int f = static_cast<int>(ms % 1000);
  frac[0] = '.';
  frac[1] = static_cast<char>('0' + f / 100);
  frac[2] = static_cast<char>('0' + f / 10 % 10);
  frac[3] = static_cast<char>('0' + f % 10);
  frac[4] = 'Z';
  out.append(frac, 5);
}
}  // namespace

void append_access_json(std::string& out, const AccessRecord& r, const Pseudonymiser* p) {
  out += "{\"time\":\"";
  timestamp(out, r.time_ms);
  out += '"';
  field(out, "method", r.method);
  field(out, "path", r.path);
  field(out, "route", r.route);
  number(out, "status", r.status);
  number(out, "bytes_in", r.bytes_in);
  number(out, "bytes_out", r.bytes_out);
  number(out, "duration_us", r.duration_us);
  number(out, "upstream_us", r.upstream_us);
  field(out, "upstream", r.upstream);
  number(out, "retries", r.retries);
  field(out, "request_id", r.request_id);
  field(out, "trace_id", r.trace_id);
  field(out, "span_id", r.span_id);
  if (p && !r.client.empty()) {
    char hashed[Pseudonymiser::kHexLen];
    p->hash(r.client, hashed);
    field(out, "client", std::string_view(hashed, sizeof hashed));
  } else {
    field(out, "client", r.client);
  }
  field(out, "user_agent", r.user_agent);
  field(out, "reason", r.reason);
  out += "}\n";
}

}  // namespace weir::observe
