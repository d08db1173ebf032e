// The sections of parse_config that have a file of their own.
#pragma once

#include "config/object_reader.hpp"
#include "weir/config.hpp"

namespace weir::config {

// Reads the "routes" array of the document root into cfg.routes.
void read_routes(ObjectReader& root, GatewayConfig& cfg);

// Reads a static response object {status, headers, body} under `key` of
// `parent` (a route's respond, a circuit breaker's fallback) when present.
void read_static_response(ObjectReader& parent, std::string_view key,
                          std::optional<RouteRespond>& out);

}  // namespace weir::config
