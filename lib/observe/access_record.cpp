#include "observe/access_record.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>

#include "http/decimal.hpp"
#include "http/json_escape.hpp"
#include "observe/pseudonymiser.hpp"

namespace weir::observe {

namespace {

// The constant text of a line (names, quotes, the time: about 260 bytes)
// with room to spare, plus the numbers at their widest.
constexpr size_t kFixedBytes = 512 + 7 * 20;

char* raw(char* out, std::string_view s) noexcept {
  std::memcpy(out, s.data(), s.size());
  return out + s.size();
}

// `key` is `,"name":"` as one literal, whose length the compiler knows: a
// few moves instead of a call per piece.
template <size_t N>
char* field(char* out, const char (&key)[N], std::string_view value) noexcept {
  if (value.empty()) return out;
  std::memcpy(out, key, N - 1);
  out = http::write_json_escaped(out + N - 1, value);
  *out++ = '"';
  return out;
}

template <size_t N>
char* number(char* out, const char (&key)[N], uint64_t v) noexcept {
  std::memcpy(out, key, N - 1);
  return http::write_decimal(out + N - 1, v);
}

// RFC 3339 UTC with milliseconds: 2026-11-24T05:30:00.123Z
char* timestamp(char* out, int64_t ms) noexcept {
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
  out = raw(out, std::string_view(buf, n));
  int f = static_cast<int>(ms % 1000);
  out[0] = '.';
  out[1] = static_cast<char>('0' + f / 100);
  out[2] = static_cast<char>('0' + f / 10 % 10);
  out[3] = static_cast<char>('0' + f % 10);
  out[4] = 'Z';
  return out + 5;
}

}  // namespace

size_t access_fields_bound(const AccessRecord& r) noexcept {
  size_t text = r.method.size() + r.path.size() + r.route.size() + r.request_id.size() +
                r.trace_id.size() + r.span_id.size() + r.user_agent.size() + r.upstream.size() +
                r.reason.size() + std::max(r.client.size(), Pseudonymiser::kHexLen);
  return kFixedBytes + http::kJsonEscapeGrowth * text;
}

char* write_access_fields(char* out, const AccessRecord& r, const Pseudonymiser* p) noexcept {
  out = raw(out, "{\"time\":\"");
  out = timestamp(out, r.time_ms);
  *out++ = '"';
  out = field(out, ",\"method\":\"", r.method);
  out = field(out, ",\"path\":\"", r.path);
  out = field(out, ",\"route\":\"", r.route);
  out = number(out, ",\"status\":", r.status);
  out = number(out, ",\"bytes_in\":", r.bytes_in);
  out = number(out, ",\"bytes_out\":", r.bytes_out);
  out = number(out, ",\"duration_us\":", r.duration_us);
  out = number(out, ",\"upstream_us\":", r.upstream_us);
  out = field(out, ",\"upstream\":\"", r.upstream);
  out = number(out, ",\"retries\":", r.retries);
  out = field(out, ",\"request_id\":\"", r.request_id);
  out = field(out, ",\"trace_id\":\"", r.trace_id);
  out = field(out, ",\"span_id\":\"", r.span_id);
  if (p && !r.client.empty()) {
    char hashed[Pseudonymiser::kHexLen];
    p->hash(r.client, hashed);
    out = field(out, ",\"client\":\"", std::string_view(hashed, sizeof hashed));
  } else {
    out = field(out, ",\"client\":\"", r.client);
  }
  out = field(out, ",\"user_agent\":\"", r.user_agent);
  out = field(out, ",\"reason\":\"", r.reason);
  return out;
}

void append_access_json(std::string& out, const AccessRecord& r, const Pseudonymiser* p) {
  size_t at = out.size();
  out.resize(at + access_fields_bound(r) + 2);
  char* end = write_access_fields(out.data() + at, r, p);
  end = raw(end, "}\n");
  out.resize(static_cast<size_t>(end - out.data()));
}

}  // namespace weir::observe
