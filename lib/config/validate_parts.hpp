// The sections of validate_config, one file each. Each returns "" or the
// first error as "key.path: message".
#pragma once

#include <string>

#include "weir/config.hpp"

namespace weir::config {

std::string validate_listeners(const GatewayConfig& cfg);
std::string validate_limits(const GatewayConfig& cfg);
std::string validate_admin(const GatewayConfig& cfg);
std::string validate_upstreams(const GatewayConfig& cfg);
std::string validate_routes(const GatewayConfig& cfg);

// Parts of validate_routes: a route's query and client range predicates
// (`path` is its "routes[i].match"), and everything after matching.
std::string validate_route_predicates(const std::string& path, const RouteMatch& m);
std::string validate_route_actions(const GatewayConfig& cfg, size_t index);

// A static response {status, headers, body} at key path `at` (a route's
// respond, a circuit breaker's fallback).
std::string validate_static_response(const std::string& at, const RouteRespond& res);

// "must be lo..hi" when `v` is outside; "" otherwise.
std::string check_range(uint64_t v, uint64_t lo, uint64_t hi);

}  // namespace weir::config
