// Endpoint addresses: "host:port" and "[v6]:port", resolved to a sockaddr.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>

namespace weir::upstream {

struct SocketAddress {
  sockaddr_storage storage{};
  const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Splits "host:port"; false when the form is wrong or the port not 1..65535.
bool split_host_port(std::string_view address, std::string& host, uint16_t& port);

// Resolves numerically, or through the system resolver for names (blocking:
// called when a configuration is built, never on the request path).
// Returns an empty string or an error message.
std::string resolve_address(std::string_view address, SocketAddress& out);

}  // namespace weir::upstream
