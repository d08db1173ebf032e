// Smooth weighted round robin, as nginx does it (ngx_http_upstream_round_robin.c,
// ngx_http_upstream_get_peer): each pick adds every available endpoint's
// weight to its running credit, takes the endpoint with the most credit and
// takes the sum of the weights back from it. Over one cycle of sum(weights)
// picks every endpoint gets exactly its weight, and the picks of a heavy
// endpoint are spread out (weights 5,1,1 give a a b a c a a, not a a a a a b c).
// O(n) per pick; nothing is precomputed, so availability may change between
// any two picks without a rebuild.
#pragma once

#include <vector>

#include "upstream/lb/policy.hpp"

namespace weir::upstream::lb {

class SmoothWeightedRoundRobin final : public Policy {
 public:
  SmoothWeightedRoundRobin(const std::vector<uint32_t>& weights, PanicMode panic);

  uint32_t pick(const PickInput& input) noexcept override {
    if (input.available == nullptr) return pick_all();
    return pick_available(input.available);
  }

  std::unique_ptr<Policy> clone(uint64_t seed) const override;

 private:
  uint32_t pick_all() noexcept;
  uint32_t pick_available(const uint8_t* available) noexcept;

  std::vector<int64_t> weights_;
  std::vector<int64_t> credit_;  // nginx's current_weight
  int64_t total_ = 0;
};

}  // namespace weir::upstream::lb
