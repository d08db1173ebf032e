#include "upstream/breaker/concurrency_limits.hpp"

namespace weir::upstream::breaker {

std::string_view limit_name(Resource r) noexcept {
  switch (r) {
    case Resource::connections: return "max_connections";
    case Resource::pending: return "max_pending";
    case Resource::requests: return "max_requests";
    case Resource::retries: return "max_retries";
  }
  return "max_requests";
}

ConcurrencyLimits::ConcurrencyLimits(const CircuitBreakerConfig& c) noexcept
    : limits_{c.max_connections, c.max_pending, c.max_requests, c.max_retries} {}

// Add first, then undo when over: one atomic operation on the common path.
// Two workers racing at the limit may both undo, so under contention the
// limit can refuse one request too many, never admit one too many.
// Relaxed order: the counters guard no other memory, they only count.
bool ConcurrencyLimits::try_acquire(Resource r) noexcept {
  size_t i = static_cast<size_t>(r);
  uint32_t before = in_use_[i].value.fetch_add(1, std::memory_order_relaxed);
  if (limits_[i] != 0 && before >= limits_[i]) {
    in_use_[i].value.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void ConcurrencyLimits::release(Resource r) noexcept {
  in_use_[static_cast<size_t>(r)].value.fetch_sub(1, std::memory_order_relaxed);
}

uint32_t ConcurrencyLimits::in_use(Resource r) const noexcept {
  return in_use_[static_cast<size_t>(r)].value.load(std::memory_order_relaxed);
}

}  // namespace weir::upstream::breaker
