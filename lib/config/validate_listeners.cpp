// Listeners and the admin listener: the sockets weir binds.
#include "config/address.hpp"
#include "config/key_path.hpp"
#include "config/lexical.hpp"
#include "config/validate_parts.hpp"

namespace weir::config {

namespace {

constexpr size_t kMaxListeners = 64;

bool same_socket(std::string_view a_addr, uint16_t a_port, std::string_view b_addr,
                 uint16_t b_port) {
  return a_port == b_port && (a_addr == b_addr || same_ip(a_addr, b_addr));
}

}  // namespace

std::string validate_listeners(const GatewayConfig& cfg) {
  const auto& ls = cfg.listeners;
  if (ls.empty()) return "listeners: at least one listener is required";
  if (ls.size() > kMaxListeners) {
    return "listeners: at most " + std::to_string(kMaxListeners) + " listeners";
  }
  for (size_t i = 0; i < ls.size(); ++i) {
    std::string path = index_path("listeners", i);
    const ListenerConfig& l = ls[i];
    if (!is_config_name(l.name)) {
      return path_error(member_path(path, "name"),
                        "expected 1..128 characters of A-Z a-z 0-9 - _ .");
    }
    if (!is_ip_literal(l.address)) {
      return path_error(member_path(path, "address"), "expected an IPv4 or IPv6 address");
    }
    for (size_t j = 0; j < i; ++j) {
      if (ls[j].name == l.name) {
        return path_error(member_path(path, "name"),
                          "duplicate listener name " + quoted(l.name));
      }
      // Port 0 asks the kernel for a free port: two of those never collide.
      if (l.port != 0 && same_socket(ls[j].address, ls[j].port, l.address, l.port)) {
        return path_error(path, "same address and port as listeners[" + std::to_string(j) + "]");
      }
    }
  }
  return "";
}

std::string validate_admin(const GatewayConfig& cfg) {
  const AdminConfig& a = cfg.admin;
  if (a.port == 0) return "";  // no admin listener
  if (!is_ip_literal(a.address)) return "admin.address: expected an IPv4 or IPv6 address";
  // The admin API changes the running gateway; off loopback it must be
  // protected by a bearer token.
  if (a.token.empty() && !is_loopback_literal(a.address)) {
    return "admin.token: required when admin.address is not a loopback address";
  }
  if (!is_field_value(a.token)) return "admin.token: control characters are not allowed";
  for (size_t i = 0; i < cfg.listeners.size(); ++i) {
    const ListenerConfig& l = cfg.listeners[i];
    if (same_socket(l.address, l.port, a.address, a.port)) {
      return "admin.port: same address and port as listeners[" + std::to_string(i) + "]";
    }
  }
  return "";
}

}  // namespace weir::config
