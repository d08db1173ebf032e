// Construction, carry-over across reloads, and the active checker's marks.
// The passive side (report, ejection, return) is in outlier_detection.cpp.
#include "upstream/health/upstream_health.hpp"

namespace weir::upstream::health {

UpstreamHealth::UpstreamHealth(HealthSpec spec, const UpstreamHealth* previous)
    : spec_(std::move(spec)),
      size_(static_cast<uint32_t>(spec_.addresses.size())),
      endpoints_(std::make_unique<EndpointState[]>(spec_.addresses.size())) {
  if (spec_.outlier) max_ejected_ = size_ * spec_.outlier->max_ejection_percent / 100;
  if (previous == nullptr) return;
  uint64_t next_return = UINT64_MAX;
  uint32_t ejected = 0;
  for (uint32_t i = 0; i < size_; ++i) {
    for (uint32_t j = 0; j < previous->size_; ++j) {
      if (previous->spec_.addresses[j] != spec_.addresses[i]) continue;
      const EndpointState& from = previous->endpoints_[j];
      EndpointState& to = endpoints_[i];
      uint8_t flags = from.flags.load(std::memory_order_relaxed);
      if (!spec_.check) flags &= static_cast<uint8_t>(~kDown);
      // An ejection is carried only while the new limit allows it.
      if (!spec_.outlier || ejected >= max_ejected_) flags &= static_cast<uint8_t>(~kEjected);
      uint64_t until = from.ejected_until.load(std::memory_order_acquire);
      if (until == kNoEnd) flags &= static_cast<uint8_t>(~kEjected);  // ejection half done
      if (flags & kEjected) {
        ++ejected;
        to.ejected_until.store(until, std::memory_order_relaxed);
        if (until < next_return) next_return = until;
      }
      to.flags.store(flags, std::memory_order_relaxed);
      to.consecutive_5xx.store(from.consecutive_5xx.load(std::memory_order_relaxed),
                               std::memory_order_relaxed);
      to.consecutive_gateway.store(from.consecutive_gateway.load(std::memory_order_relaxed),
                                   std::memory_order_relaxed);
      to.ejections.store(from.ejections.load(std::memory_order_relaxed), std::memory_order_relaxed);
      to.returned_at.store(from.returned_at.load(std::memory_order_relaxed),
                           std::memory_order_relaxed);
      break;
    }
  }
  ejected_count_.store(ejected, std::memory_order_relaxed);
  next_return_.store(next_return, std::memory_order_release);
}

bool UpstreamHealth::available(uint32_t i) const noexcept {
  return endpoints_[i].flags.load(std::memory_order_relaxed) == 0;
}

bool UpstreamHealth::down(uint32_t i) const noexcept {
  return (endpoints_[i].flags.load(std::memory_order_relaxed) & kDown) != 0;
}

bool UpstreamHealth::ejected(uint32_t i) const noexcept {
  return (endpoints_[i].flags.load(std::memory_order_relaxed) & kEjected) != 0;
}

uint32_t UpstreamHealth::times_ejected(uint32_t i) const noexcept {
  return endpoints_[i].ejections.load(std::memory_order_relaxed);
}

bool UpstreamHealth::set_down(uint32_t i, bool down) noexcept {
  std::atomic<uint8_t>& flags = endpoints_[i].flags;
  uint8_t before = down ? flags.fetch_or(kDown, std::memory_order_relaxed)
                        : flags.fetch_and(static_cast<uint8_t>(~kDown), std::memory_order_relaxed);
  if (((before & kDown) != 0) == down) return false;
  changed();
  return true;
}

}  // namespace weir::upstream::health
