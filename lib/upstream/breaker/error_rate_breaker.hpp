// The error-rate circuit breaker of one upstream (Hystrix's model), shared
// by all workers of a gateway. Outcomes are counted in a rolling window of
// window_ms kept in kBuckets buckets. When the window holds at least
// min_requests outcomes and error_percent of them failed, the breaker opens:
// every request is refused for open_ms. Then it is half-open: up to
// half_open_requests probe requests go through; the first probe that succeeds
// closes it (with an empty window), one that fails opens it again.
//
// Lock-free: the state is one 64-bit atomic word, each bucket another, all
// changed by compare-and-swap. Times are milliseconds of a monotonic clock
// (uv_now or uv_hrtime / 1e6), passed in by the caller so tests can drive it.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "weir/config.hpp"

namespace weir::upstream::breaker {

enum class BreakerState : uint8_t { closed, open, half_open };

struct Permit {
  enum class Kind : uint8_t {
    closed,    // normal request; its outcome feeds the window
    probe,     // one of the half-open probes; its outcome decides the state
    refused,   // do not send: answer 503 (x-weir-breaker: open)
  };
  Kind kind = Kind::closed;
  bool admitted() const noexcept { return kind != Kind::refused; }
};

// What a record() changed, for the caller's log line.
enum class Transition : uint8_t { none, opened, closed };

class ErrorRateBreaker {
 public:
  static constexpr uint32_t kBuckets = 10;

  explicit ErrorRateBreaker(const CircuitBreakerConfig& config) noexcept;

  Permit allow(uint64_t now_ms) noexcept;
  // Records the outcome of an admitted request; refused permits are ignored.
  Transition record(Permit permit, bool success, uint64_t now_ms) noexcept;

  BreakerState state() const noexcept;
  // Outcomes in the window ending at now_ms (for tests and metrics).
  struct Counts {
    uint32_t successes = 0;
    uint32_t failures = 0;
  };
  Counts window(uint64_t now_ms) const noexcept;

 private:
  void count(bool success, uint64_t now_ms) noexcept;
  bool should_open(uint64_t now_ms) const noexcept;
  Transition open(uint64_t expected, uint64_t now_ms) noexcept;
  void clear_window() noexcept;

  uint32_t error_percent_;
  uint32_t min_requests_;
  uint32_t bucket_ms_;
  uint32_t open_ms_;
  uint32_t half_open_requests_;
  // mode (2 bits) | probes admitted while half-open (16 bits) | deadline in ms
  // (46 bits): when open, the end of the open time; when half-open, the time
  // after which probes that never reported are presumed lost.
  std::atomic<uint64_t> state_{0};
  // Each bucket: bucket number (24 bits) | successes (20) | failures (20).
  // A bucket whose number is not one of the window's last kBuckets is stale
  // and read as empty; the first writer of a new bucket number resets it.
  struct alignas(64) Bucket {
    std::atomic<uint64_t> word{0};
  };
  std::array<Bucket, kBuckets> buckets_{};
};

}  // namespace weir::upstream::breaker
