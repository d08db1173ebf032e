// The request predicates of a route besides host and path: its methods, its
// header predicates, its query parameters and its client address ranges.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "router/ip_cidr.hpp"
#include "router/query_match.hpp"
#include "weir/router.hpp"

namespace weir::router {

// Returns "" when the route's predicates are well formed, else why not; the
// parsed client ranges are appended to `cidrs`.
std::string check_predicates(const Route& route, std::vector<Cidr>* cidrs);

// How specific the route is beyond host and path: one for a method list, one
// per header predicate of any kind, one per query parameter, one for a client range list. Among
// routes of the same path the higher count is tried first.
uint32_t predicate_count(const Route& route) noexcept;

// A canonical spelling of the predicates (methods sorted, header names in
// lower case, sorted, query parameters and client ranges sorted): equal keys
// select exactly the same requests.
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
  bool query = false;          // the route has query predicates
  uint32_t cidrs_begin = 0;    // its client ranges in the index's list
  uint32_t cidrs_count = 0;    // 0: any client
};

PredicateCheck compile_predicates(const Route& route);

// Methods compare case-sensitively (RFC 9110 section 9.1), header names
// case-insensitively (section 5.1); a header predicate holds when some field
// of that name satisfies it (header_match.hpp).
bool method_listed(const Route& route, std::string_view method) noexcept;
bool headers_hold(const Route& route, const MatchInput& in) noexcept;
bool query_holds(const Route& route, const MatchInput& in) noexcept;
bool client_in(std::span<const Cidr> ranges, const IpAddress& client) noexcept;

// `bit` is method_bit(in.method), computed once per request; `cidrs` is the
// index's list of client ranges.
inline bool predicates_hold(const PredicateCheck& c, uint32_t bit, const Route& route, const MatchInput& in,
                            std::span<const Cidr> cidrs) noexcept {
  if (!c.any_method) {
    bool listed = bit != 0 ? (c.methods & bit) != 0 : c.other_methods && method_listed(route, in.method);
    if (!listed) return false;
  }
  if (c.headers && !headers_hold(route, in)) return false;
  if (c.query && !query_holds(route, in)) return false;
  return c.cidrs_count == 0 || client_in(cidrs.subspan(c.cidrs_begin, c.cidrs_count), in.client);
}

}  // namespace weir::router
