// Header predicates of a route (Route::headers, Route::header_matches): equals,
// present, prefix and a small glob. Checked once when the table is built;
// matching reads the route's strings in place and allocates nothing.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "weir/http.hpp"
#include "weir/router.hpp"

namespace weir::router {

// The longest glob a route may hold: it bounds the cost of one match.
inline constexpr size_t kMaxGlobBytes = 128;

// Returns "" when the predicate is well formed, else why not.
std::string check_header_match(const HeaderMatch& m);

// Whether `value` matches the glob `pattern` ('*' any bytes, '?' one byte).
// Backtracks only to the last '*' seen, so it takes at most
// value.size() * pattern.size() steps, never exponential time.
bool glob_matches(std::string_view pattern, std::string_view value) noexcept;

// Whether some field of `headers` named m.name (case-insensitively) satisfies m.
bool header_match_holds(const HeaderMatch& m, std::span<const Header> headers) noexcept;

}  // namespace weir::router
