// What a route does once it matched, in compiled form: the side picker of a
// split, the templates of a redirect and of a rewritten path. Checked by
// Router::build (so a table never holds a route that cannot act) and
// compiled again by whoever serves the table, off the request path.
#pragma once

#include <string>

#include "router/uri_template.hpp"
#include "router/weighted_split.hpp"
#include "weir/router.hpp"

namespace weir::router {

struct RouteActions {
  WeightedSplit split;   // Target::Kind::split
  UriTemplate location;  // Target::Kind::redirect
  UriTemplate path;      // Route::path_rewrite
};

// Checks the route's target, rewrites and mirror and compiles them into
// `out`; returns "" or why the route cannot act.
std::string compile_route_actions(const Route& route, RouteActions* out);

// Whether a redirect may use `status` (RFC 9110 sections 15.4.2-15.4.9).
bool is_redirect_status(uint32_t status) noexcept;

}  // namespace weir::router
