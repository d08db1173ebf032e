// Upstreams: endpoints, their weights, the load-balancing policy, the pool
// bounds, and (validate_upstream_health.cpp) health checks and breakers.
#include <array>

#include "config/address.hpp"
#include "config/key_path.hpp"
#include "config/lexical.hpp"
#include "config/validate_parts.hpp"
#include "config/validate_upstream_health.hpp"
#include "upstream/name_resolver.hpp"

namespace weir::config {

namespace {

constexpr uint32_t kMaxWeight = 10000;
constexpr size_t kMaxEndpoints = 1024;
constexpr uint32_t kMaxPending = 1u << 20;          // waiting requests per worker and endpoint
constexpr uint32_t kMaxPendingTimeoutMs = 600000;  // a request waits at most 10 minutes

// The policies of lib/upstream/lb (docs/load-balancing.md).
constexpr std::array<std::string_view, 6> kSupportedLb = {
    "round_robin", "weighted_round_robin", "least_request", "random", "ring_hash", "maglev"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view v) {
  for (std::string_view s : set) {
    if (s == v) return true;
  }
  return false;
}

std::string validate_lb(const std::string& path, const std::string& lb) {
  if (contains(kSupportedLb, lb)) return "";
  return path_error(member_path(path, "lb"),
                    "unknown policy " + quoted(lb) +
                        " (expected round_robin, weighted_round_robin, least_request, random, "
                        "ring_hash or maglev)");
}

// "ip", "path", or "header:NAME" / "cookie:NAME" / "query:NAME" with a token name.
std::string validate_hash_key(const std::string& path, const std::string& key) {
  if (key.empty() || key == "ip" || key == "path") return "";
  size_t colon = key.find(':');
  std::string_view kind = std::string_view(key).substr(0, colon);
  std::string_view name = colon == std::string::npos ? "" : std::string_view(key).substr(colon + 1);
  bool kind_ok = kind == "header" || kind == "cookie" || kind == "query";
  bool name_ok = !name.empty() && name.size() <= 128 &&
                 name.find_first_of(" \t\r\n:;,=\"") == std::string_view::npos;
  if (kind_ok && name_ok) return "";
  return path_error(member_path(path, "hash_key"),
                    "expected \"ip\", \"path\", \"header:NAME\", \"cookie:NAME\" or \"query:NAME\"");
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
  if (std::string e = validate_hash_key(path, u.hash_key); !e.empty()) return e;
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
  if (u.max_pending > kMaxPending) {
    return path_error(member_path(path, "max_pending"), "must be 0.." + std::to_string(kMaxPending));
  }
  if (u.pending_timeout_ms > kMaxPendingTimeoutMs) {
    return path_error(member_path(path, "pending_timeout_ms"),
                      "must be 0.." + std::to_string(kMaxPendingTimeoutMs) +
                          " (0: connect_timeout_ms)");
  }
  if (u.panic != "spread" && u.panic != "fail") {
    return path_error(member_path(path, "panic"),
                      "expected \"spread\" or \"fail\", got " + quoted(u.panic));
  }
  if (std::string e = check_range(u.resolve_interval_ms, upstream::kMinResolveIntervalMs,
                                      upstream::kMaxResolveIntervalMs);
      !e.empty()) {
    return path_error(member_path(path, "resolve_interval_ms"), e);
  }
  return validate_upstream_health(path, u);
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
