// Upstreams: endpoints, their weights, the load-balancing policy and the
// pool bounds.
#include <array>

#include "config/address.hpp"
#include "config/key_path.hpp"
#include "config/lexical.hpp"
#include "config/validate_parts.hpp"

namespace weir::config {

namespace {

constexpr uint32_t kMaxWeight = 10000;
constexpr size_t kMaxEndpoints = 1024;

// Policies the upstream pool implements today.
constexpr std::array<std::string_view, 2> kSupportedLb = {"round_robin", "random"};
// Policies DESIGN.md names that the pool does not implement yet.
constexpr std::array<std::string_view, 4> kPlannedLb = {"weighted_round_robin", "least_request",
                                                       "ring_hash", "maglev"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view v) {
  for (std::string_view s : set) {
    if (s == v) return true;
  }
  return false;
}

std::string validate_lb(const std::string& path, const std::string& lb) {
  if (contains(kSupportedLb, lb)) return "";
  std::string at = member_path(path, "lb");
  if (contains(kPlannedLb, lb)) return path_error(at, quoted(lb) + " is not supported yet");
  return path_error(at, "unknown policy " + quoted(lb) + " (expected \"round_robin\" or \"random\")");
}

std::string validate_upstream(const std::string& path, const UpstreamConfig& u) {
  std::string eps = member_path(path, "endpoints");
  if (u.endpoints.empty()) return path_error(eps, "at least one endpoint is required");
  if (u.endpoints.size() > kMaxEndpoints) {
    return path_error(eps, "at most " + std::to_string(kMaxEndpoints) + " endpoints");
  }
  for (size_t i = 0; i < u.endpoints.size(); ++i) {
    const EndpointConfig& ep = u.endpoints[i];
    std::string at = index_path(eps, i);
    HostPort hp;
    if (std::string e = split_host_port(ep.address, hp); !e.empty()) {
      return path_error(member_path(at, "address"), e);
    }
    if (std::string e = check_range(ep.weight, 1, kMaxWeight); !e.empty()) {
      return path_error(member_path(at, "weight"), e);
    }
    for (size_t j = 0; j < i; ++j) {
      if (u.endpoints[j].address == ep.address) {
        return path_error(member_path(at, "address"),
                          "duplicate endpoint " + quoted(ep.address) + " (use weight)");
      }
    }
  }
  if (std::string e = validate_lb(path, u.lb); !e.empty()) return e;
  if (u.connect_timeout_ms == 0) {
    return path_error(member_path(path, "connect_timeout_ms"), "must be at least 1");
  }
  if (u.idle_timeout_ms == 0) {
    return path_error(member_path(path, "idle_timeout_ms"), "must be at least 1");
  }
  if (u.max_connections == 0) {
    return path_error(member_path(path, "max_connections"), "must be at least 1");
  }
  if (u.max_idle > u.max_connections) {
    return path_error(member_path(path, "max_idle"),
                      "must be at most max_connections (" + std::to_string(u.max_connections) + ")");
  }
  return "";
}

}  // namespace

std::string validate_upstreams(const GatewayConfig& cfg) {
  for (const auto& [name, u] : cfg.upstreams) {
    std::string path = member_path("upstreams", name);
    if (!is_config_name(name)) {
      return path_error(path, "upstream names are 1..128 characters of A-Z a-z 0-9 - _ .");
    }
    if (std::string e = validate_upstream(path, u); !e.empty()) return e;
  }
  return "";
}

}  // namespace weir::config
