// Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software
// Network Load Balancer", NSDI 2016, section 3.4): a lookup table of M slots
// (M prime) filled by letting endpoints take turns, each claiming the next
// free slot of its own permutation of the table (offset + j * skip mod M,
// from two hashes of its name). Every endpoint gets M/N slots give or take
// one, a pick is one table read, and a change of one endpoint moves about
// 1/N of the keys (a little more than the ring, for far better balance and
// O(1) lookups). Weights: an endpoint takes a turn each time its credit,
// raised by its weight every round, reaches the largest weight, so its slot
// count is proportional to its weight. An unavailable owner passes its keys to
// the owner of the next available slot: only its own keys move.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "upstream/lb/policy.hpp"

namespace weir::upstream::lb {

// Built once per upstream, shared by the workers' clones: slot -> endpoint.
using MaglevTable = std::vector<uint32_t>;

// The table for these endpoints; table_size must be a prime >= weights.size().
std::shared_ptr<const MaglevTable> build_maglev_table(const std::vector<uint32_t>& weights,
                                                      const std::vector<std::string>& names,
                                                      uint32_t table_size);

bool is_prime(uint32_t n) noexcept;

class Maglev final : public Policy {
 public:
  Maglev(std::shared_ptr<const MaglevTable> table, uint32_t size, PanicMode panic) noexcept;

  uint32_t pick(const PickInput& input) noexcept override {
    // The top 32 bits scaled to [0, M): a multiply instead of a division.
    auto slot = static_cast<uint32_t>(((input.hash >> 32) * table_size_) >> 32);
    uint32_t owner = slots_[slot];
    if (input.available == nullptr || input.available[owner] != 0) return owner;
    return pick_after_unavailable(slot, input.available);
  }

  std::unique_ptr<Policy> clone(uint64_t seed) const override;

  const MaglevTable& table() const noexcept { return *table_; }

 private:
  uint32_t pick_after_unavailable(uint32_t slot, const uint8_t* available) noexcept;

  std::shared_ptr<const MaglevTable> table_;
  const uint32_t* slots_;
  uint32_t table_size_;
};

}  // namespace weir::upstream::lb
