// The sections of parse_config that have a file of their own.
#pragma once

#include "config/object_reader.hpp"
#include "weir/config.hpp"

namespace weir::config {

// Reads the "routes" array of the document root into cfg.routes.
void read_routes(ObjectReader& root, GatewayConfig& cfg);

}  // namespace weir::config
