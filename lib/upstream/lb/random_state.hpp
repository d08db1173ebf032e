// The per-worker random state of a policy: SplitMix64 (Steele, Lea, Flood,
// "Fast splittable pseudorandom number generators", OOPSLA 2014). One add and
// three multiply-xorshift steps per draw, 8 bytes of state, and equidistributed
// 64-bit output; deterministic for a seed, which tests rely on.
#pragma once

#include <cstdint>

namespace weir::upstream::lb {

class RandomState {
 public:
  explicit RandomState(uint64_t seed) noexcept : state_(seed) {}

  uint64_t next() noexcept {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // A value in [0, n) by multiply-shift instead of a division (Lemire, "Fast
  // random integer generation in an interval", 2019). The bias is below
  // n / 2^32, under 2e-5 for the 65536 endpoints a policy may hold.
  uint32_t below(uint32_t n) noexcept {
    return static_cast<uint32_t>(((next() >> 32) * n) >> 32);
  }

 private:
  uint64_t state_;
};

}  // namespace weir::upstream::lb
