// Query parameter predicates (match.query). The query is split on '&' into
// name=value pairs (the HTML form convention; RFC 3986 section 3.4 leaves the
// syntax to the application). Names and values compare percent-decoded, so
// "a%20b" equals "a b"; '+' is an ordinary byte. Nothing is copied.
#pragma once

#include <string>
#include <string_view>

#include "weir/router.hpp"

namespace weir::router {

// Returns "" when the predicate can ever hold, else why not.
std::string check_query_match(const QueryMatch& m);

// Whether some pair of `query` (without '?') satisfies `m`: its name equals
// m.name and, unless m.present, its value equals m.value. A pair without '='
// has the empty value. A malformed escape matches nothing.
bool query_holds(std::string_view query, const QueryMatch& m) noexcept;

}  // namespace weir::router
