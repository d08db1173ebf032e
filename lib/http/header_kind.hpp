// Header names the proxy must treat specially, classified once per header
// while parsing so that later decisions are a switch, not string compares.
#pragma once

#include <cstdint>
#include <string_view>

namespace weir::http {

enum class HeaderKind : uint8_t {
  other,
  host,
  content_length,
  transfer_encoding,
  connection,
  keep_alive,
  proxy_connection,
  te,
  trailer,
  upgrade,
  expect,
  x_forwarded_for,
  x_forwarded_proto,
  x_forwarded_host,
  via,
  user_agent,
};

HeaderKind classify_header(std::string_view name) noexcept;

// Hop-by-hop fields (RFC 9110 7.6.1) plus the framing fields the gateway
// always writes itself (RFC 9112 6): never copied from one side to the other.
constexpr bool is_hop_or_framing(HeaderKind k) noexcept {
  switch (k) {
    case HeaderKind::content_length:
    case HeaderKind::transfer_encoding:
    case HeaderKind::connection:
    case HeaderKind::keep_alive:
    case HeaderKind::proxy_connection:
    case HeaderKind::te:
    case HeaderKind::trailer:
    case HeaderKind::upgrade:
      return true;
    default:
      return false;
  }
}

// Case-insensitive search for a comma-separated token in a field value
// ("keep-alive, Upgrade" contains "upgrade").
bool has_token(std::string_view value, std::string_view token) noexcept;

}  // namespace weir::http
