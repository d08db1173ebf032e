#include "upstream/address.hpp"

#include <netinet/in.h>
#include <uv.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace weir::upstream {

namespace {
// The bytes that make an address: family, address, port (and for IPv6 the
// flow info and scope), so that comparing them compares endpoints.
std::string_view key_bytes(const SocketAddress& a) noexcept {
  size_t len = a.storage.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  return {reinterpret_cast<const char*>(&a.storage), len};
}
}  // namespace

uint16_t SocketAddress::port() const noexcept {
  if (storage.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
}

void SocketAddress::set_port(uint16_t port) noexcept {
  if (storage.ss_family == AF_INET6) reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port = htons(port);
  else reinterpret_cast<sockaddr_in*>(&storage)->sin_port = htons(port);
}

bool SocketAddress::operator==(const SocketAddress& o) const noexcept {
  return storage.ss_family == o.storage.ss_family && key_bytes(*this) == key_bytes(o);
}

bool SocketAddress::operator<(const SocketAddress& o) const noexcept {
  if (storage.ss_family != o.storage.ss_family) return storage.ss_family < o.storage.ss_family;
  return key_bytes(*this) < key_bytes(o);
}

bool split_host_port(std::string_view a, std::string& host, uint16_t& port) {
  size_t colon;
  if (!a.empty() && a.front() == '[') {
    size_t close = a.find(']');
    if (close == std::string_view::npos || close + 1 >= a.size() || a[close + 1] != ':') return false;
    host.assign(a.substr(1, close - 1));
    colon = close + 1;
  } else {
    colon = a.rfind(':');
    if (colon == std::string_view::npos) return false;
    host.assign(a.substr(0, colon));
    if (host.find(':') != std::string::npos) return false;  // bare IPv6 needs brackets
  }
  if (host.empty()) return false;
  std::string_view p = a.substr(colon + 1);
  unsigned v = 0;
  auto r = std::from_chars(p.data(), p.data() + p.size(), v);
  if (p.empty() || r.ec != std::errc() || r.ptr != p.data() + p.size() || v == 0 || v > 65535)
    return false;
  port = static_cast<uint16_t>(v);
  return true;
}

bool parse_ip(const std::string& host, uint16_t port, SocketAddress& out) {
  out = {};
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&out.storage)) == 0) return true;
  out = {};
  return uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&out.storage)) == 0;
}

std::string format_address(const SocketAddress& a) {
  char ip[INET6_ADDRSTRLEN] = {};
  std::string port = std::to_string(a.port());
  if (a.storage.ss_family == AF_INET6) {
    uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&a.storage), ip, sizeof ip);
    return "[" + std::string(ip) + "]:" + port;
  }
  uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&a.storage), ip, sizeof ip);
  return std::string(ip) + ":" + port;
}

std::vector<SocketAddress> select_addresses(const addrinfo* answer) {
  std::vector<SocketAddress> v4, v6;
  for (const addrinfo* ai = answer; ai; ai = ai->ai_next) {
    if (!ai->ai_addr) continue;
    SocketAddress a;
    if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(sockaddr_in)) {
      std::memcpy(&a.storage, ai->ai_addr, sizeof(sockaddr_in));
      a.set_port(0);
      v4.push_back(a);
    } else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(sockaddr_in6)) {
      std::memcpy(&a.storage, ai->ai_addr, sizeof(sockaddr_in6));
      a.set_port(0);
      v6.push_back(a);
    }
  }
  std::vector<SocketAddress>& out = v4.empty() ? v6 : v4;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return std::move(out);
}

std::string resolve_address(std::string_view address, SocketAddress& out) {
  std::string host;
  uint16_t port = 0;
  if (!split_host_port(address, host, port))
    return "\"" + std::string(address) + "\": expected \"host:port\" or \"[v6]:port\"";
  if (parse_ip(host, port, out)) return {};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0 || !res) return "\"" + host + "\": cannot resolve: " + gai_strerror(rc);
  std::vector<SocketAddress> all = select_addresses(res);
  freeaddrinfo(res);
  if (all.empty()) return "\"" + host + "\": cannot resolve: no IPv4 or IPv6 address";
  out = all.front();
  out.set_port(port);
  return {};
}

}  // namespace weir::upstream
