// The other spelling of a path, a trailing '/' removed or added, for the
// TrailingSlash modes ignore and redirect (docs/routing.md).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "router/route_index.hpp"
#include "weir/router.hpp"

namespace weir::router {

// A path longer than this is matched only as sent when a '/' would have to be
// added: the other spelling is built on the stack, so a lookup never
// allocates. It covers the default limit of a request target (max_url_bytes).
inline constexpr size_t kMaxSlashPath = 8192;

// Matches `in` with the other spelling of in.path; "/" has none. Captured
// params point into in.path, never into the temporary spelling.
uint32_t match_other_spelling(const RouteIndex& index, const std::vector<Route>& routes, const MatchInput& in,
                              Params& params) noexcept;

// Appends the Location of a redirect to the other spelling of `path` (a
// normalised path) with `query` (without '?'), escaped like a redirect
// template's {path}{query}.
void append_slash_location(std::string& out, std::string_view path, std::string_view query);

}  // namespace weir::router
