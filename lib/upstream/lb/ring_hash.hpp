// Consistent hashing on a ring (Karger et al., "Consistent Hashing and Random
// Trees", STOC 1997): every endpoint owns many points ("virtual nodes") on a
// 64-bit ring, and a key goes to the owner of the first point at or after its
// hash. An endpoint's points depend only on its name and weight
// (points_per_weight x weight, weights in lowest terms; nginx's hash
// consistent uses 160 per unit of weight, after ketama), so adding or removing
// one of N endpoints moves only the keys on its own arcs, about 1/N of them,
// and none between the others. (Envoy's ring_hash instead sizes the ring to
// min_ring_size whatever N is; every membership change then also changes the
// point counts of the others and moves about twice as many keys.) At most
// max_ring_size points: beyond it all counts shrink alike. An unavailable
// owner passes its keys to the next available owner along the ring, so only
// its own keys move. A pick reads a bucket index by the key's top bits and
// searches the one or two points of its bucket: O(1) expected.
#pragma once

#include <memory>
#include <vector>

#include "upstream/lb/policy.hpp"

namespace weir::upstream::lb {

// Built once per upstream, shared by the workers' clones.
struct Ring {
  std::vector<uint64_t> points;  // sorted
  std::vector<uint32_t> owners;  // owners[i] owns points[i]
  // bucket_start[b] is the first point whose top `bucket_bits` bits are >= b
  // (2^bucket_bits + 1 entries, about one bucket per point): it narrows the
  // search of a key to the points that share its top bits.
  std::vector<uint32_t> bucket_start;
  uint32_t bucket_bits = 0;
};

// Fails (nullptr, *error set) when the endpoints outnumber max_ring_size.
std::shared_ptr<const Ring> build_ring(const std::vector<uint32_t>& weights,
                                       const std::vector<std::string>& names,
                                       uint32_t points_per_weight, uint32_t max_ring_size,
                                       std::string* error);

class RingHash final : public Policy {
 public:
  RingHash(std::shared_ptr<const Ring> ring, uint32_t size, PanicMode panic) noexcept;

  uint32_t pick(const PickInput& input) noexcept override;
  std::unique_ptr<Policy> clone(uint64_t seed) const override;

  uint32_t ring_size() const noexcept { return ring_size_; }

 private:
  std::shared_ptr<const Ring> ring_;
  const uint64_t* points_;
  const uint32_t* owners_;
  const uint32_t* bucket_start_;
  uint32_t bucket_shift_;
  uint32_t ring_size_;
};

}  // namespace weir::upstream::lb
