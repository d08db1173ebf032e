// Weighted random: each pick independent, endpoint i with probability
// w_i / sum(w). The draw is O(1) by Vose's alias method (Vose, "A linear
// algorithm for generating random numbers with a given distribution", IEEE
// TSE 1991): one 64-bit random number picks a column (high half) and flips
// the column's biased coin (low half). Unavailable endpoints are rejected and
// redrawn, which keeps the shares of the others exact.
#pragma once

#include <memory>
#include <vector>

#include "upstream/lb/policy.hpp"
#include "upstream/lb/random_state.hpp"

namespace weir::upstream::lb {

// Built once per upstream, shared by the workers' clones.
struct AliasTable {
  std::vector<uint32_t> threshold;  // keep the column when low32 < threshold
  std::vector<uint32_t> alias;      // else take this endpoint
  std::vector<uint32_t> weights;
  bool uniform = true;              // equal weights: a plain uniform draw
};

std::shared_ptr<const AliasTable> build_alias_table(const std::vector<uint32_t>& weights);

class WeightedRandom final : public Policy {
 public:
  WeightedRandom(std::shared_ptr<const AliasTable> table, PanicMode panic, uint64_t seed) noexcept;

  uint32_t pick(const PickInput& input) noexcept override {
    uint32_t i = draw();
    if (input.available == nullptr || input.available[i] != 0) return i;
    return pick_after_unavailable(input.available, i);
  }

  std::unique_ptr<Policy> clone(uint64_t seed) const override;

 private:
  uint32_t draw() noexcept {
    uint64_t r = random_.next();
    auto column = static_cast<uint32_t>(((r >> 32) * size_) >> 32);
    if (table_->uniform) return column;
    return static_cast<uint32_t>(r) < threshold_[column] ? column : alias_[column];
  }
  uint32_t pick_after_unavailable(const uint8_t* available, uint32_t first) noexcept;

  std::shared_ptr<const AliasTable> table_;
  const uint32_t* threshold_;
  const uint32_t* alias_;
  RandomState random_;
};

}  // namespace weir::upstream::lb
