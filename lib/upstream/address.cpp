#include "upstream/address.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <uv.h>

#include <charconv>
#include <cstring>

namespace weir::upstream {

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

std::string resolve_address(std::string_view address, SocketAddress& out) {
  std::string host;
  uint16_t port = 0;
  if (!split_host_port(address, host, port))
    return "\"" + std::string(address) + "\": expected \"host:port\" or \"[v6]:port\"";
  out = {};
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&out.storage)) == 0) return {};
  if (uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&out.storage)) == 0) return {};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0 || !res) return "\"" + host + "\": cannot resolve: " + gai_strerror(rc);
  std::memcpy(&out.storage, res->ai_addr, res->ai_addrlen);
  if (res->ai_family == AF_INET)
    reinterpret_cast<sockaddr_in*>(&out.storage)->sin_port = htons(port);
  else
    reinterpret_cast<sockaddr_in6*>(&out.storage)->sin6_port = htons(port);
  freeaddrinfo(res);
  return {};
}

}  // namespace weir::upstream
