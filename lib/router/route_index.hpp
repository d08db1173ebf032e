// The compiled, immutable form of a route list: one radix tree per virtual
// host, the host lookup tables and each route's parameter names.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "router/radix_tree.hpp"
#include "router/route_predicates.hpp"
#include "weir/router.hpp"

namespace weir::router {

class RouteIndex {
 public:
  // Validates `routes` and builds the index; on a malformed route or a
  // conflict returns nullptr and sets `error`.
  static std::unique_ptr<RouteIndex> compile(const std::vector<Route>& routes, std::string* error);

  // The index into `routes` (the list the index was compiled from) of the
  // best route for `in`, or kNone.
  uint32_t match(const std::vector<Route>& routes, const MatchInput& in, Params& params) const noexcept;

 private:
  struct VirtualHost {
    std::string name;  // exact: lower-case name; wildcard: ".suffix"
    uint32_t root = kNone;
    bool has_prefixes = false;  // else a path miss needs no prefix walk
  };
  struct RouteParams {
    uint32_t names_begin = 0;  // into param_names_
    uint32_t count = 0;
  };

  uint32_t match_host(const VirtualHost& host, const std::vector<Route>& routes, const MatchInput& in,
                      uint32_t method, Params& params) const noexcept;

  RadixForest forest_;
  std::vector<VirtualHost> exact_hosts_;     // sorted by name
  std::vector<VirtualHost> wildcard_hosts_;  // longest suffix first
  VirtualHost any_host_;  // root kNone: no host-less routes
  std::vector<RouteParams> route_params_;
  std::vector<PredicateCheck> checks_;
  std::vector<Cidr> cidrs_;  // client ranges of all routes, PredicateCheck::cidrs_begin into it
  std::vector<std::string> param_names_;
};

}  // namespace weir::router
