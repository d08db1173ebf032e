// Envoy-style circuit-breaker thresholds for one upstream, shared by all
// workers of a gateway: how many connections, queued requests, requests and
// retries may be open at once. Over a limit the caller answers 503 with
// `x-weir-breaker: <limit name>` instead of adding load to an upstream that
// is already saturated. Lock-free: one atomic counter per resource.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "weir/config.hpp"

namespace weir::upstream::breaker {

enum class Resource : uint8_t { connections, pending, requests, retries };
inline constexpr size_t kResourceCount = 4;

// The config key of the limit, also the value of the x-weir-breaker header.
std::string_view limit_name(Resource r) noexcept;

class ConcurrencyLimits {
 public:
  // A limit of 0 means no limit (the counter still counts, for metrics).
  explicit ConcurrencyLimits(const CircuitBreakerConfig& config) noexcept;
  ConcurrencyLimits() noexcept = default;  // no limits

  // Takes one unit of `r`; false (and nothing taken) when at the limit.
  bool try_acquire(Resource r) noexcept;
  // Gives back a unit taken by a successful try_acquire.
  void release(Resource r) noexcept;
  uint32_t in_use(Resource r) const noexcept;
  uint32_t limit(Resource r) const noexcept { return limits_[static_cast<size_t>(r)]; }
  // Every connection slot is taken while requests wait (pending): an idle
  // pooled connection then gives its slot up rather than keep it.
  bool connections_contended() const noexcept {
    uint32_t max = limit(Resource::connections);
    return max != 0 && in_use(Resource::connections) >= max && in_use(Resource::pending) != 0;
  }

 private:
  std::array<uint32_t, kResourceCount> limits_{};
  // Each counter on its own cache line: workers hammer them independently.
  struct alignas(64) Counter {
    std::atomic<uint32_t> value{0};
  };
  std::array<Counter, kResourceCount> in_use_{};
};

}  // namespace weir::upstream::breaker
