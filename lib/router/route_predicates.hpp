// The request predicates of a route besides host and path: its methods and
// its header equalities.
#pragma once

#include <cstdint>
#include <string>

#include "weir/router.hpp"

namespace weir::router {

// Returns "" when the route's methods and header predicates are well formed,
// else why not.
std::string check_predicates(const Route& route);

// How specific the route is beyond host and path: one for a method list, one
// per header. Among routes of the same path the higher count is tried first.
uint32_t predicate_count(const Route& route) noexcept;

// A canonical spelling of the predicates (methods sorted, header names in
// lower case, sorted): equal keys select exactly the same requests.
std::string predicate_key(const Route& route);

// Methods compare case-sensitively (RFC 9110 section 9.1), header names
// case-insensitively (section 5.1); a header predicate holds when some field
// of that name has exactly the value.
bool predicates_hold(const Route& route, const MatchInput& in) noexcept;

}  // namespace weir::router
