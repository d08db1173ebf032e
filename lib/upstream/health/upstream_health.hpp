// The health of one upstream's endpoints, shared by all workers of a gateway:
// one instance per upstream, built with each configuration snapshot (taking
// over the state of endpoints the previous snapshot also had) and held by
// shared pointer. Two sources write it:
//  - the active checker (one per gateway, on worker 0's loop) marks endpoints
//    down and up again (set_down);
//  - every worker reports how its exchanges ended (report); endpoints that
//    fail consecutive_5xx or consecutive_gateway_errors times in a row are
//    ejected for base_ejection_ms x the number of times they were ejected
//    (at most kMaxEjectionFactor x), while at most max_ejection_percent of
//    the endpoints are ejected at once.
// An endpoint is available when it is neither down nor ejected. Ejections end
// lazily: whoever reports or refreshes a view after the end time returns the
// endpoint (expire_due); no timer runs per endpoint.
//
// Everything is atomics. Memory order: the per-endpoint flags and counters
// are relaxed (each is a self-contained fact); generation() is bumped with
// release after a flag changes and read with acquire by AvailabilityView, so
// a view that sees a new generation also sees the flags that caused it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "upstream/address.hpp"
#include "upstream/health/outcome.hpp"
#include "weir/config.hpp"

namespace weir::upstream::health {

inline constexpr uint32_t kMaxEjectionFactor = 10;

struct HealthSpec {
  std::string upstream;                     // name, for log lines
  std::vector<std::string> addresses;       // endpoint order
  std::vector<SocketAddress> resolved;      // same order; what the checker connects to
  std::vector<std::string> authorities;     // same order, the probes' Host; empty: addresses
  std::optional<HealthCheckConfig> check;   // none: no active checks
  std::optional<OutlierConfig> outlier;     // none: report() only counts
};

class UpstreamHealth {
 public:
  // `previous`: the same upstream's health in the snapshot being replaced,
  // or nullptr. Endpoints with the same address keep their state; state of a
  // kind that is no longer configured (down without checks, ejected without
  // outlier detection) is dropped.
  explicit UpstreamHealth(HealthSpec spec, const UpstreamHealth* previous = nullptr);
  UpstreamHealth(const UpstreamHealth&) = delete;
  UpstreamHealth& operator=(const UpstreamHealth&) = delete;

  const HealthSpec& spec() const noexcept { return spec_; }
  uint32_t size() const noexcept { return size_; }

  bool available(uint32_t i) const noexcept;
  bool down(uint32_t i) const noexcept;
  bool ejected(uint32_t i) const noexcept;
  uint32_t ejected_count() const noexcept { return ejected_count_.load(std::memory_order_relaxed); }
  uint32_t times_ejected(uint32_t i) const noexcept;
  // Bumped whenever an endpoint's availability changes.
  uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

  // Active checks: marks the endpoint down or up; true when that changed it.
  bool set_down(uint32_t i, bool down) noexcept;

  // Passive outlier detection: how an exchange with endpoint i ended. Returns
  // true when this report ejected the endpoint. Allocates only to log an
  // ejection.
  bool report(uint32_t i, Outcome outcome, uint64_t now_ms) noexcept;
  // Returns ejected endpoints whose time is over. Cheap (one atomic load)
  // unless an ejection has ended.
  void expire_due(uint64_t now_ms) noexcept {
    if (now_ms >= next_return_.load(std::memory_order_acquire)) expire(now_ms);
  }

 private:
  static constexpr uint8_t kDown = 1;
  static constexpr uint8_t kEjected = 2;
  static constexpr uint64_t kNoEnd = UINT64_MAX;

  // Endpoints are written by different workers at once: one cache line each.
  struct alignas(64) EndpointState {
    std::atomic<uint8_t> flags{0};
    std::atomic<uint32_t> consecutive_5xx{0};
    std::atomic<uint32_t> consecutive_gateway{0};
    std::atomic<uint32_t> ejections{0};      // the factor of the next ejection time
    std::atomic<uint64_t> ejected_until{kNoEnd};  // ms; kNoEnd when not (yet) set
    std::atomic<uint64_t> returned_at{0};    // ms; end of the last ejection
  };

  bool try_eject(uint32_t i, uint64_t now_ms, std::string_view why, uint32_t count) noexcept;
  void expire(uint64_t now_ms) noexcept;
  void lower_next_return(uint64_t until) noexcept;
  void changed() noexcept { generation_.fetch_add(1, std::memory_order_release); }

  HealthSpec spec_;
  uint32_t size_;
  uint32_t max_ejected_ = 0;
  std::unique_ptr<EndpointState[]> endpoints_;
  std::atomic<uint32_t> ejected_count_{0};
  std::atomic<uint64_t> next_return_{UINT64_MAX};  // earliest ejected_until
  std::atomic<uint64_t> generation_{0};
};

}  // namespace weir::upstream::health
