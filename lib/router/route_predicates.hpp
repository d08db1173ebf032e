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

// The bit of a registered method (RFC 9110 section 9.3, PATCH from RFC
// 5789), or 0 for an extension method.
uint32_t method_bit(std::string_view method) noexcept;

// What matching needs of a route's predicates, small enough to sit in a
// dense array instead of behind the Route's strings.
struct PredicateCheck {
  uint32_t methods = 0;        // bits of the registered methods listed
  bool any_method = true;      // no method list
  bool other_methods = false;  // the list holds an extension method
  bool headers = false;        // the route has header predicates
};

PredicateCheck compile_predicates(const Route& route);

// Methods compare case-sensitively (RFC 9110 section 9.1), header names
// case-insensitively (section 5.1); a header predicate holds when some field
// of that name has exactly the value.
bool method_listed(const Route& route, std::string_view method) noexcept;
bool headers_hold(const Route& route, const MatchInput& in) noexcept;

// `bit` is method_bit(in.method), computed once per request.
inline bool predicates_hold(const PredicateCheck& c, uint32_t bit, const Route& route,
                            const MatchInput& in) noexcept {
  if (!c.any_method) {
    bool listed = bit != 0 ? (c.methods & bit) != 0 : c.other_methods && method_listed(route, in.method);
    if (!listed) return false;
  }
  return !c.headers || headers_hold(route, in);
}

}  // namespace weir::router
