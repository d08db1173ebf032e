// The active health checks of a gateway: one probe per endpoint of every
// upstream that has a `health_check`. A gateway runs one checker, on worker
// 0's loop, so probes are not multiplied by the number of workers; the
// results reach every worker through the shared UpstreamHealth. A reload
// stops the checker and starts one over the new snapshot's upstreams (the
// down marks carry over in UpstreamHealth). Loop-affine.
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "upstream/health/upstream_health.hpp"

namespace weir::upstream::health {

class EndpointProbe;

class HealthChecker {
 public:
  // Starts probing on `loop`. Null entries and upstreams without a check are
  // skipped. `seed` spreads the probe times (give each gateway its own).
  HealthChecker(uv_loop_t* loop, const std::vector<std::shared_ptr<UpstreamHealth>>& upstreams,
                uint64_t seed);
  // Stops the probes. Their handles finish closing on the loop's next turn,
  // so the loop must run once more before uv_loop_close.
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  size_t probe_count() const noexcept { return probes_.size(); }

 private:
  std::vector<EndpointProbe*> probes_;  // each deletes itself after stop()
};

}  // namespace weir::upstream::health
