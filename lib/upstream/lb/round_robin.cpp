#include "upstream/lb/round_robin.hpp"

#include "upstream/lb/random_state.hpp"

namespace weir::upstream::lb {

RoundRobin::RoundRobin(uint32_t size, PanicMode panic, bool random_start, uint64_t seed) noexcept
    : Policy(Kind::round_robin, size, panic),
      next_(random_start ? RandomState(seed).below(size) : 0),
      random_start_(random_start) {}

uint32_t RoundRobin::pick_after_unavailable(uint32_t first, const uint8_t* available) noexcept {
  uint32_t i = first;
  for (uint32_t step = 1; step < size_; ++step) {
    i = i + 1 == size_ ? 0 : i + 1;
    if (available[i] != 0) {
      next_ = i + 1 == size_ ? 0 : i + 1;
      return i;
    }
  }
  // None available: spread keeps the plain cycle, fail refuses.
  return panic_ == PanicMode::spread ? first : kNone;
}

std::unique_ptr<Policy> RoundRobin::clone(uint64_t seed) const {
  return std::make_unique<RoundRobin>(size_, panic_, random_start_, seed);
}

}  // namespace weir::upstream::lb
