// Network addresses as written in the config: IP literals for the sockets
// weir listens on, "host:port" / "[v6]:port" for upstream endpoints.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace weir::config {

struct HostPort {
  std::string host;  // a name, an IPv4 literal, or an IPv6 literal without brackets
  uint16_t port = 0;
};

// An IPv4 or IPv6 literal (no brackets, no zone).
bool is_ip_literal(std::string_view text);
// 127.0.0.0/8 or ::1.
bool is_loopback_literal(std::string_view text);
// True when both are IP literals of the same address ("::0" equals "::").
bool same_ip(std::string_view a, std::string_view b);
// Splits "host:port" or "[v6]:port" (RFC 3986 section 3.2.2). Host names are
// letters, digits, '-', '_' and '.' up to 253 bytes; the port is 1..65535.
// Returns "" or an error message without the key path.
std::string split_host_port(std::string_view text, HostPort& out);

}  // namespace weir::config
