// Round robin: every available endpoint in turn, weights ignored. The
// cycle skips unavailable endpoints and continues after the one it picked,
// so the remaining endpoints keep equal shares (a plain cursor would give the
// successor of a down endpoint a double share).
#pragma once

#include "upstream/lb/policy.hpp"

namespace weir::upstream::lb {

class RoundRobin final : public Policy {
 public:
  // With random_start the cycle begins at a seed-derived endpoint.
  RoundRobin(uint32_t size, PanicMode panic, bool random_start, uint64_t seed) noexcept;

  uint32_t pick(const PickInput& input) noexcept override {
    uint32_t i = next_;
    next_ = i + 1 == size_ ? 0 : i + 1;
    if (input.available == nullptr || input.available[i] != 0) return i;
    return pick_after_unavailable(i, input.available);
  }

  std::unique_ptr<Policy> clone(uint64_t seed) const override;

 private:
  uint32_t pick_after_unavailable(uint32_t first, const uint8_t* available) noexcept;

  uint32_t next_;
  bool random_start_;
};

}  // namespace weir::upstream::lb
