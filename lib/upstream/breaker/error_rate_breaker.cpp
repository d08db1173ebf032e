#include "upstream/breaker/error_rate_breaker.hpp"

#include <algorithm>

namespace weir::upstream::breaker {

namespace {

// State word layout.
constexpr uint64_t kModeMask = 0x3;
constexpr unsigned kAdmittedShift = 2;
constexpr uint64_t kAdmittedMask = 0xffff;
constexpr unsigned kDeadlineShift = 18;
constexpr uint64_t kDeadlineMax = (uint64_t{1} << 46) - 1;

constexpr uint64_t pack_state(BreakerState mode, uint64_t admitted, uint64_t deadline) {
  return static_cast<uint64_t>(mode) | (std::min(admitted, kAdmittedMask) << kAdmittedShift) |
         (std::min(deadline, kDeadlineMax) << kDeadlineShift);
}
constexpr BreakerState mode_of(uint64_t s) { return static_cast<BreakerState>(s & kModeMask); }
constexpr uint64_t admitted_of(uint64_t s) { return (s >> kAdmittedShift) & kAdmittedMask; }
constexpr uint64_t deadline_of(uint64_t s) { return s >> kDeadlineShift; }

// Bucket word layout. Counts saturate rather than spill into the next field;
// a bucket number repeats only after 2^24 buckets (46 hours at the smallest
// bucket of 10 ms), and only a bucket idle that whole time could be misread.
constexpr unsigned kCountBits = 20;
constexpr uint64_t kCountMax = (uint64_t{1} << kCountBits) - 1;
constexpr uint64_t kNumberMask = (uint64_t{1} << 24) - 1;
constexpr uint64_t bucket_number(uint64_t w) { return w >> (2 * kCountBits); }
constexpr uint64_t successes_of(uint64_t w) { return (w >> kCountBits) & kCountMax; }
constexpr uint64_t failures_of(uint64_t w) { return w & kCountMax; }

}  // namespace

ErrorRateBreaker::ErrorRateBreaker(const CircuitBreakerConfig& c) noexcept
    : error_percent_(c.error_percent),
      min_requests_(std::max<uint32_t>(c.min_requests, 1)),
      bucket_ms_(std::max<uint32_t>(c.window_ms / kBuckets, 1)),
      open_ms_(c.open_ms),
      half_open_requests_(std::max<uint32_t>(c.half_open_requests, 1)) {}

// Memory order: acquire/release on the state word so that a worker that
// sees "closed" after a close also sees the cleared window; the bucket
// counters are relaxed (they are statistics, read only as numbers).
Permit ErrorRateBreaker::allow(uint64_t now) noexcept {
  uint64_t s = state_.load(std::memory_order_acquire);
  for (;;) {
    BreakerState mode = mode_of(s);
    if (mode == BreakerState::closed) return {Permit::Kind::closed};
    bool past = now >= deadline_of(s);
    uint64_t next;
    if (mode == BreakerState::open) {
      if (!past) return {Permit::Kind::refused};
      // Open time over: this request is the first half-open probe. The
      // deadline bounds how long lost probes can hold the half-open slots.
      next = pack_state(BreakerState::half_open, 1, now + open_ms_);
    } else if (admitted_of(s) < half_open_requests_) {
      next = pack_state(BreakerState::half_open, admitted_of(s) + 1, deadline_of(s));
    } else if (past) {
      next = pack_state(BreakerState::half_open, 1, now + open_ms_);
    } else {
      return {Permit::Kind::refused};
    }
    if (state_.compare_exchange_weak(s, next, std::memory_order_acq_rel, std::memory_order_acquire))
      return {Permit::Kind::probe};
  }
}

Transition ErrorRateBreaker::record(Permit permit, bool success, uint64_t now) noexcept {
  if (permit.kind == Permit::Kind::refused) return Transition::none;
  uint64_t s = state_.load(std::memory_order_acquire);
  if (permit.kind == Permit::Kind::probe) {
    if (mode_of(s) != BreakerState::half_open) return Transition::none;  // decided already
    if (!success) return open(s, now);
    // Close with an empty window, so the failures that opened the breaker
    // do not open it again at the next failure.
    clear_window();
    if (state_.compare_exchange_strong(s, pack_state(BreakerState::closed, 0, 0),
                                       std::memory_order_acq_rel, std::memory_order_acquire))
      return Transition::closed;
    return Transition::none;
  }
  count(success, now);
  if (success || mode_of(s) != BreakerState::closed || !should_open(now)) return Transition::none;
  return open(s, now);
}

Transition ErrorRateBreaker::open(uint64_t expected, uint64_t now) noexcept {
  // One CAS from the state the caller saw: when another worker changed it
  // meanwhile, that worker's decision stands.
  if (state_.compare_exchange_strong(expected, pack_state(BreakerState::open, 0, now + open_ms_),
                                     std::memory_order_acq_rel, std::memory_order_acquire))
    return Transition::opened;
  return Transition::none;
}

void ErrorRateBreaker::count(bool success, uint64_t now) noexcept {
  uint64_t number = (now / bucket_ms_) & kNumberMask;
  Bucket& b = buckets_[(now / bucket_ms_) % kBuckets];
  uint64_t w = b.word.load(std::memory_order_relaxed);
  for (;;) {
    uint64_t ok = 0, bad = 0;
    if (bucket_number(w) == number) {
      ok = successes_of(w);
      bad = failures_of(w);
    }
    if (success) ok = std::min(ok + 1, kCountMax);
    else bad = std::min(bad + 1, kCountMax);
    uint64_t next = (number << (2 * kCountBits)) | (ok << kCountBits) | bad;
    if (b.word.compare_exchange_weak(w, next, std::memory_order_relaxed)) return;
  }
}

ErrorRateBreaker::Counts ErrorRateBreaker::window(uint64_t now) const noexcept {
  uint64_t current = now / bucket_ms_;
  Counts c;
  for (uint32_t k = 0; k < kBuckets && k <= current; ++k) {
    uint64_t number = current - k;
    uint64_t w = buckets_[number % kBuckets].word.load(std::memory_order_relaxed);
    if (bucket_number(w) != (number & kNumberMask)) continue;
    c.successes += static_cast<uint32_t>(successes_of(w));
    c.failures += static_cast<uint32_t>(failures_of(w));
  }
  return c;
}

bool ErrorRateBreaker::should_open(uint64_t now) const noexcept {
  Counts c = window(now);
  uint64_t total = uint64_t{c.successes} + c.failures;
  return total >= min_requests_ && uint64_t{c.failures} * 100 >= uint64_t{error_percent_} * total;
}

void ErrorRateBreaker::clear_window() noexcept {
  for (Bucket& b : buckets_) b.word.store(0, std::memory_order_relaxed);
}

BreakerState ErrorRateBreaker::state() const noexcept {
  return mode_of(state_.load(std::memory_order_acquire));
}

}  // namespace weir::upstream::breaker
