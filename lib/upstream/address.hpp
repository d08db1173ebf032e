// Endpoint addresses: "host:port" and "[v6]:port". IP literals become a
// sockaddr at once; names are resolved off the loop (name_resolver.hpp) and
// each of their addresses becomes an endpoint of its own.
#pragma once

#include <netdb.h>
#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace weir::upstream {

struct SocketAddress {
  sockaddr_storage storage{};
  const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
  uint16_t port() const noexcept;
  void set_port(uint16_t port) noexcept;
  // Family, address and port compare (IPv6 flow info and scope too).
  bool operator==(const SocketAddress& o) const noexcept;
  bool operator<(const SocketAddress& o) const noexcept;
};

// The addresses each host name last resolved to (ports 0), by name.
using ResolvedNames = std::map<std::string, std::vector<SocketAddress>, std::less<>>;

// Splits "host:port"; false when the form is wrong or the port not 1..65535.
bool split_host_port(std::string_view address, std::string& host, uint16_t& port);

// An IPv4 or IPv6 literal with `port`; false for anything else (a name).
bool parse_ip(const std::string& host, uint16_t port, SocketAddress& out);

// "192.0.2.1:80" or "[2001:db8::1]:80": the endpoint's identity once resolved.
std::string format_address(const SocketAddress& address);

// What a name's answer contributes as endpoints: its IPv4 addresses, or its
// IPv6 ones when it has no IPv4 address (Envoy's V4_PREFERRED, so that
// "localhost" does not also send every other request to ::1 where the
// service may not listen), sorted and without duplicates, ports 0.
std::vector<SocketAddress> select_addresses(const addrinfo* answer);

// Resolves numerically, or through the system resolver for names (blocking:
// for tests and tools, never on a loop). Returns "" or an error message.
std::string resolve_address(std::string_view address, SocketAddress& out);

}  // namespace weir::upstream
