#include "config/address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace weir::config {

namespace {

constexpr size_t kMaxHostName = 253;  // RFC 1035 section 2.3.4, without the final dot

bool pton(int family, std::string_view text, void* out) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return inet_pton(family, buf, out) == 1;
}

bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostName) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool is_ip_literal(std::string_view text) {
  in6_addr a6;
  in_addr a4;
  return pton(AF_INET, text, &a4) || pton(AF_INET6, text, &a6);
}

bool is_loopback_literal(std::string_view text) {
  in_addr a4;
  if (pton(AF_INET, text, &a4)) return (ntohl(a4.s_addr) >> 24) == 127;
  in6_addr a6;
  return pton(AF_INET6, text, &a6) && IN6_IS_ADDR_LOOPBACK(&a6);
}

bool same_ip(std::string_view a, std::string_view b) {
  in_addr a4, b4;
  if (pton(AF_INET, a, &a4) && pton(AF_INET, b, &b4)) return a4.s_addr == b4.s_addr;
  in6_addr a6, b6;
  if (pton(AF_INET6, a, &a6) && pton(AF_INET6, b, &b6)) {
    return std::memcmp(&a6, &b6, sizeof a6) == 0;
  }
  return false;
}

std::string split_host_port(std::string_view text, HostPort& out) {
  constexpr const char* kShape = "expected \"host:port\"";
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return kShape;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    in6_addr a6;
    if (!pton(AF_INET6, host, &a6)) return "expected an IPv6 address inside [ ]";
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return kShape;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    // A bare IPv6 literal has colons of its own and needs brackets.
    if (host.find(':') != std::string_view::npos) return kShape + std::string(" (IPv6 needs [ ])");
    if (!is_host_name(host)) return kShape;
  }
  if (port.empty()) return kShape;
  for (char c : port) {
    if (c < '0' || c > '9') return kShape;
  }
  if (port.size() > 5) return "port must be 1..65535";
  uint32_t n = 0;
  for (char c : port) n = n * 10 + static_cast<uint32_t>(c - '0');
  if (n < 1 || n > 65535) return "port must be 1..65535";
  out.host = std::string(host);
  out.port = static_cast<uint16_t>(n);
  return "";
}

}  // namespace weir::config
