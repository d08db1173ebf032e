// Passive outlier detection (docs/health.md): consecutive failures eject an
// endpoint for a growing time; ejections end lazily when someone looks.
#include <algorithm>
#include <string>

#include "observe/log.hpp"
#include "upstream/health/upstream_health.hpp"

namespace weir::upstream::health {

namespace {

void log_transition(LogLevel level, const HealthSpec& spec, uint32_t i, std::string_view what) noexcept {
  if (!observe::log_enabled(level)) return;
  try {
    std::string line = "upstream " + spec.upstream + " endpoint " + spec.addresses[i] + " ";
    line.append(what);
    observe::log_line(level, line);
  } catch (...) {
    // Out of memory while logging: the transition itself has happened.
  }
}

}  // namespace

bool UpstreamHealth::report(uint32_t i, Outcome outcome, uint64_t now) noexcept {
  if (i >= size_) return false;
  expire_due(now);
  EndpointState& ep = endpoints_[i];
  if (!outcome.is_failure() && !outcome.is_gateway_error()) {
    // Loads first: most reports are successes on an endpoint with no
    // failures, and a load does not take the cache line exclusively.
    if (ep.consecutive_5xx.load(std::memory_order_relaxed) != 0)
      ep.consecutive_5xx.store(0, std::memory_order_relaxed);
    if (ep.consecutive_gateway.load(std::memory_order_relaxed) != 0)
      ep.consecutive_gateway.store(0, std::memory_order_relaxed);
    return false;
  }
  if (!spec_.outlier) return false;
  const OutlierConfig& o = *spec_.outlier;
  // Every failure at or past a threshold tries again, so an ejection refused
  // by max_ejection_percent happens as soon as room frees up.
  if (outcome.is_failure()) {
    uint32_t n = ep.consecutive_5xx.fetch_add(1, std::memory_order_relaxed) + 1;
    if (o.consecutive_5xx != 0 && n >= o.consecutive_5xx && try_eject(i, now, "5xx", n)) return true;
  } else if (ep.consecutive_5xx.load(std::memory_order_relaxed) != 0) {
    ep.consecutive_5xx.store(0, std::memory_order_relaxed);
  }
  if (outcome.is_gateway_error()) {
    uint32_t n = ep.consecutive_gateway.fetch_add(1, std::memory_order_relaxed) + 1;
    if (o.consecutive_gateway_errors != 0 && n >= o.consecutive_gateway_errors &&
        try_eject(i, now, "gateway errors", n))
      return true;
  } else if (ep.consecutive_gateway.load(std::memory_order_relaxed) != 0) {
    ep.consecutive_gateway.store(0, std::memory_order_relaxed);
  }
  return false;
}

bool UpstreamHealth::try_eject(uint32_t i, uint64_t now, std::string_view why, uint32_t count) noexcept {
  EndpointState& ep = endpoints_[i];
  if (ep.flags.load(std::memory_order_relaxed) & kEjected) return false;
  // Reserve a place under max_ejection_percent first; give it back if another
  // worker ejected this endpoint at the same moment.
  uint32_t n = ejected_count_.load(std::memory_order_relaxed);
  do {
    if (n >= max_ejected_) return false;
  } while (!ejected_count_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
  // The flag is the claim. Until the end time below is stored, ejected_until
  // still holds kNoEnd (set when the last ejection ended), which expire()
  // skips; acq_rel on the flag orders that against expire()'s writes.
  if (ep.flags.fetch_or(kEjected, std::memory_order_acq_rel) & kEjected) {
    ejected_count_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  // The factor grows by one per ejection and shrinks by one per base time
  // the endpoint has been back without being ejected (as Envoy does), so an
  // endpoint that recovered for good starts short again.
  const uint64_t base = spec_.outlier->base_ejection_ms;
  uint64_t factor = ep.ejections.load(std::memory_order_relaxed);
  uint64_t back = ep.returned_at.load(std::memory_order_relaxed);
  if (back != 0 && now > back) {
    uint64_t decay = (now - back) / base;
    factor = factor > decay ? factor - decay : 0;
  }
  factor = std::min<uint64_t>(factor + 1, kMaxEjectionFactor);
  ep.ejections.store(static_cast<uint32_t>(factor), std::memory_order_relaxed);
  uint64_t until = now + base * factor;
  ep.ejected_until.store(until, std::memory_order_release);
  lower_next_return(until);
  changed();
  log_transition(LogLevel::warn, spec_, i,
                 "ejected for " + std::to_string(base * factor) + " ms after " +
                     std::to_string(count) + " consecutive " + std::string(why));
  return true;
}

void UpstreamHealth::lower_next_return(uint64_t until) noexcept {
  uint64_t cur = next_return_.load(std::memory_order_relaxed);
  while (until < cur &&
         !next_return_.compare_exchange_weak(cur, until, std::memory_order_release,
                                             std::memory_order_relaxed)) {
  }
}

void UpstreamHealth::expire(uint64_t now) noexcept {
  // One caller claims the scan by moving next_return_ out of the way; the
  // endpoints still ejected put their end times back. An ejection racing
  // this scan lowers next_return_ itself after setting its end time.
  uint64_t due = next_return_.load(std::memory_order_acquire);
  if (now < due ||
      !next_return_.compare_exchange_strong(due, UINT64_MAX, std::memory_order_acq_rel))
    return;
  for (uint32_t i = 0; i < size_; ++i) {
    EndpointState& ep = endpoints_[i];
    if (!(ep.flags.load(std::memory_order_acquire) & kEjected)) continue;
    uint64_t until = ep.ejected_until.load(std::memory_order_acquire);
    if (until == kNoEnd) continue;  // being ejected: the ejector sets next_return_
    if (until > now) {
      lower_next_return(until);
      continue;
    }
    // Counters restart so the endpoint gets its full allowance again.
    ep.consecutive_5xx.store(0, std::memory_order_relaxed);
    ep.consecutive_gateway.store(0, std::memory_order_relaxed);
    ep.returned_at.store(now, std::memory_order_relaxed);
    ep.ejected_until.store(kNoEnd, std::memory_order_relaxed);
    if (ep.flags.fetch_and(static_cast<uint8_t>(~kEjected), std::memory_order_acq_rel) & kEjected) {
      ejected_count_.fetch_sub(1, std::memory_order_relaxed);
      changed();
      log_transition(LogLevel::info, spec_, i, "returned after ejection");
    }
  }
}

}  // namespace weir::upstream::health
