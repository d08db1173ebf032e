// The health and protection objects of an upstream: `health_check`,
// `outlier` and `circuit_breaker` (docs/health.md). Shape only; ranges are
// checked by validate_upstreams so configs built in code get the same checks.
#pragma once

#include "config/object_reader.hpp"
#include "weir/config.hpp"

namespace weir::config {

// Reads the three keys of the upstream object `r` into `out` when present.
void read_upstream_health(ObjectReader& r, UpstreamConfig& out);

}  // namespace weir::config
