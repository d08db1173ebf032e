#include "upstream/lb/least_request.hpp"

#include "upstream/lb/availability.hpp"

namespace weir::upstream::lb {

namespace {
// Draws before the exact (O(n)) fallback; with half the endpoints down, four
// draws all miss one time in 16.
constexpr int kDrawAttempts = 4;
}  // namespace

LeastRequest::LeastRequest(const std::vector<uint32_t>& weights, PanicMode panic, uint64_t seed)
    : Policy(Kind::least_request, static_cast<uint32_t>(weights.size()), panic),
      weights_(weights),
      equal_weights_(true),
      random_(seed) {
  for (uint32_t w : weights_) equal_weights_ = equal_weights_ && w == weights_[0];
}

uint32_t LeastRequest::draw(const uint8_t* available, uint32_t except) noexcept {
  // Rejection sampling keeps the draw uniform over the acceptable endpoints.
  for (int attempt = 0; attempt < kDrawAttempts; ++attempt) {
    uint32_t i = random_.below(size_);
    if (i != except && is_available(available, i)) return i;
  }
  uint32_t candidates = count_available(available, size_);
  if (except != kNone && is_available(available, except)) --candidates;
  if (candidates == 0) return kNone;
  uint32_t skip = random_.below(candidates);
  for (uint32_t i = 0; i < size_; ++i) {
    if (i == except || !is_available(available, i)) continue;
    if (skip-- == 0) return i;
  }
  return kNone;  // not reached: `candidates` endpoints qualify
}

uint32_t LeastRequest::better(uint32_t a, uint32_t b, const uint32_t* active) const noexcept {
  if (active == nullptr) {
    if (equal_weights_) return a;
    return weights_[b] > weights_[a] ? b : a;
  }
  if (equal_weights_) return active[b] < active[a] ? b : a;
  // (active_b + 1) / w_b < (active_a + 1) / w_a, multiplied out: both sides
  // stay below 2^32 * 2^20, so uint64 is exact.
  uint64_t load_a = (uint64_t{active[a]} + 1) * weights_[b];
  uint64_t load_b = (uint64_t{active[b]} + 1) * weights_[a];
  return load_b < load_a ? b : a;
}

uint32_t LeastRequest::pick(const PickInput& input) noexcept {
  if (size_ == 1) {
    if (is_available(input.available, 0) || panic_ == PanicMode::spread) return 0;
    return kNone;
  }
  // Two distinct uniform draws; when both are available (the usual case)
  // they are the answer, whatever the mask.
  uint32_t a = random_.below(size_);
  uint32_t b = random_.below(size_ - 1);
  b += b >= a ? 1 : 0;
  const uint8_t* available = input.available;
  if (available == nullptr || (available[a] != 0 && available[b] != 0)) {
    return better(a, b, input.active);
  }
  // Otherwise draw again among the available ones only: rejection keeps the
  // pair uniform over the available endpoints.
  a = draw(available, kNone);
  if (a == kNone) {
    if (panic_ == PanicMode::fail) return kNone;
    available = nullptr;  // spread: choose among all endpoints
    a = draw(available, kNone);
  }
  b = draw(available, a);
  if (b == kNone) return a;  // the only available endpoint
  // Ties go to `a`, itself a uniform draw.
  return better(a, b, input.active);
}

std::unique_ptr<Policy> LeastRequest::clone(uint64_t seed) const {
  return std::make_unique<LeastRequest>(weights_, panic_, seed);
}

}  // namespace weir::upstream::lb
