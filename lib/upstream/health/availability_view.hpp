// One worker's copy of an upstream's availability, in the form the
// load-balancing policies read (lb::PickInput::available: one byte per
// endpoint, non-zero when available). The shared state lives in atomics of
// UpstreamHealth; a plain byte array read by pick() while another thread
// writes it would be a data race, so each worker keeps its own array and
// copies the flags again only when UpstreamHealth::generation() moved — one
// atomic load per pick in the common case, no allocation after construction.
// Loop-affine: one view per worker per upstream.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "upstream/health/upstream_health.hpp"

namespace weir::upstream::health {

class AvailabilityView {
 public:
  explicit AvailabilityView(std::shared_ptr<UpstreamHealth> health)
      : health_(std::move(health)), bytes_(health_ ? health_->size() : 0, 1) {}

  // The array for PickInput::available as of `now_ms` (ejections that ended
  // by then are returned first); nullptr when there is no health state.
  const uint8_t* refresh(uint64_t now_ms) noexcept {
    if (!health_) return nullptr;
    health_->expire_due(now_ms);
    uint64_t gen = health_->generation();
    if (gen != seen_) {
      // Read the generation before the flags: a change during the copy moves
      // the generation again, and the next refresh copies once more.
      for (uint32_t i = 0; i < bytes_.size(); ++i) bytes_[i] = health_->available(i) ? 1 : 0;
      seen_ = gen;
    }
    return bytes_.data();
  }

  UpstreamHealth* health() const noexcept { return health_.get(); }

 private:
  std::shared_ptr<UpstreamHealth> health_;
  std::vector<uint8_t> bytes_;
  uint64_t seen_ = UINT64_MAX;
};

}  // namespace weir::upstream::health
