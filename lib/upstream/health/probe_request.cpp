#include "upstream/health/probe_request.hpp"

#include <cstring>

namespace weir::upstream::health {

std::string probe_request(std::string_view path, std::string_view host) {
  std::string r;
  r.reserve(96 + path.size() + host.size());
  r.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host);
  r.append("\r\nUser-Agent: weir-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n");
  return r;
}

int parse_status_line(const char* data, size_t len) noexcept {
  const void* nl = std::memchr(data, '\n', len);
  if (nl == nullptr) return kIncomplete;
  size_t line = static_cast<size_t>(static_cast<const char*>(nl) - data);
  // HTTP-version SP 3DIGIT SP reason; the reason may be empty (RFC 9112 4).
  if (line < 12 || std::memcmp(data, "HTTP/1.", 7) != 0) return kMalformed;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(data[7]) || data[8] != ' ' || !digit(data[9]) || !digit(data[10]) || !digit(data[11]))
    return kMalformed;
  if (line > 12 && data[12] != ' ' && data[12] != '\r') return kMalformed;
  return (data[9] - '0') * 100 + (data[10] - '0') * 10 + (data[11] - '0');
}

bool status_expected(const std::vector<StatusRange>& expect, int status) noexcept {
  if (expect.empty()) return status >= 200 && status <= 399;
  for (const StatusRange& r : expect) {
    if (status >= static_cast<int>(r.lo) && status <= static_cast<int>(r.hi)) return true;
  }
  return false;
}

}  // namespace weir::upstream::health
