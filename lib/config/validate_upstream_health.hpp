// Ranges of an upstream's `health_check`, `outlier` and `circuit_breaker`.
#pragma once

#include <string>

#include "weir/config.hpp"

namespace weir::config {

// "" or the first error as "upstreams.NAME.health_check.interval_ms: ...";
// `path` is the upstream's key path.
std::string validate_upstream_health(const std::string& path, const UpstreamConfig& u);

}  // namespace weir::config
