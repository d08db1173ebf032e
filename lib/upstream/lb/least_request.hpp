// Least request by the power of two choices (Mitzenmacher, "The Power of Two
// Choices in Randomized Load Balancing", IEEE TPDS 2001): draw two distinct
// available endpoints at random and take the one with fewer requests in
// flight per unit of weight. Two random probes cut the worst queue from
// O(log n / log log n) to O(log log n) at O(1) cost per pick, and, unlike
// "least of all", workers that see stale counts do not all pile onto the
// same endpoint. The load measure is (active + 1) / weight, the bias-1 case
// of Envoy's weight / (active + 1)^bias, so that with nothing in flight a
// heavier endpoint still wins.
#pragma once

#include <vector>

#include "upstream/lb/policy.hpp"
#include "upstream/lb/random_state.hpp"

namespace weir::upstream::lb {

class LeastRequest final : public Policy {
 public:
  LeastRequest(const std::vector<uint32_t>& weights, PanicMode panic, uint64_t seed);

  uint32_t pick(const PickInput& input) noexcept override;
  std::unique_ptr<Policy> clone(uint64_t seed) const override;

 private:
  // A uniformly random available endpoint other than `except`, or kNone.
  uint32_t draw(const uint8_t* available, uint32_t except) noexcept;
  uint32_t better(uint32_t a, uint32_t b, const uint32_t* active) const noexcept;

  std::vector<uint32_t> weights_;
  bool equal_weights_;
  RandomState random_;
};

}  // namespace weir::upstream::lb
