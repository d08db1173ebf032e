#include "upstream/health/health_checker.hpp"

#include "upstream/health/endpoint_probe.hpp"

namespace weir::upstream::health {

HealthChecker::HealthChecker(uv_loop_t* loop,
                             const std::vector<std::shared_ptr<UpstreamHealth>>& upstreams,
                             uint64_t seed) {
  for (const auto& health : upstreams) {
    if (!health || !health->spec().check) continue;
    for (uint32_t i = 0; i < health->size(); ++i) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;  // one stream per probe
      auto* probe = new EndpointProbe(health, i, seed);
      probes_.push_back(probe);
      probe->start(loop);
    }
  }
}

HealthChecker::~HealthChecker() {
  for (EndpointProbe* p : probes_) p->stop();
}

}  // namespace weir::upstream::health
