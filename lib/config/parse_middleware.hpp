// The `middleware` lists of the config: the top-level one and each route's.
// Parsing keeps each entry's options as JSON text; validate_middleware then
// builds every entry with its type's factory, so a bad option fails the
// config (and weir-gateway --check) with its full key path:
// `routes[0].middleware[1].rate_per_s: expected a positive number`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/object_reader.hpp"
#include "weir/config.hpp"
#include "weir/middleware.hpp"

namespace weir::config {

// Reads the array at `key` of `r` into `out` (absent: unchanged).
void read_middleware(ObjectReader& r, std::string_view key, std::vector<MiddlewareConfig>& out);

// Builds every entry once; "" or the first error with its key path.
std::string validate_middleware(const GatewayConfig& cfg);

// Builds one entry; the error (if any) is prefixed with `path`.
MiddlewareResult build_middleware(const MiddlewareConfig& mc, const std::string& path);

}  // namespace weir::config
