#include "upstream/lb/smooth_weighted_round_robin.hpp"

namespace weir::upstream::lb {

SmoothWeightedRoundRobin::SmoothWeightedRoundRobin(const std::vector<uint32_t>& weights,
                                                   PanicMode panic)
    : Policy(Kind::weighted_round_robin, static_cast<uint32_t>(weights.size()), panic),
      weights_(weights.begin(), weights.end()),
      credit_(weights.size(), 0) {
  for (int64_t w : weights_) total_ += w;
}

uint32_t SmoothWeightedRoundRobin::pick_all() noexcept {
  int64_t* credit = credit_.data();
  const int64_t* weight = weights_.data();
  uint32_t best = 0;
  int64_t best_credit = credit[0] += weight[0];
  for (uint32_t i = 1; i < size_; ++i) {
    int64_t c = credit[i] += weight[i];
    // Strictly greater: on a tie the first endpoint wins, as in nginx.
    if (c > best_credit) {
      best_credit = c;
      best = i;
    }
  }
  credit[best] -= total_;
  return best;
}

uint32_t SmoothWeightedRoundRobin::pick_available(const uint8_t* available) noexcept {
  int64_t* credit = credit_.data();
  const int64_t* weight = weights_.data();
  uint32_t best = kNone;
  int64_t best_credit = 0;
  int64_t total = 0;
  // Unavailable endpoints neither gain credit nor count in the total, so the
  // available ones share the cycle by their weights (nginx skips down peers
  // the same way).
  for (uint32_t i = 0; i < size_; ++i) {
    if (available[i] == 0) continue;
    int64_t c = credit[i] += weight[i];
    total += weight[i];
    if (best == kNone || c > best_credit) {
      best_credit = c;
      best = i;
    }
  }
  if (best == kNone) return panic_ == PanicMode::spread ? pick_all() : kNone;
  credit[best] -= total;
  return best;
}

std::unique_ptr<Policy> SmoothWeightedRoundRobin::clone(uint64_t) const {
  std::vector<uint32_t> weights(weights_.begin(), weights_.end());
  return std::make_unique<SmoothWeightedRoundRobin>(weights, panic_);
}

}  // namespace weir::upstream::lb
