#include "core/snapshot.hpp"

namespace weir::core {

void bind_metrics(const std::shared_ptr<observe::GatewayMetrics>& metrics, Snapshot& snap) {
  std::vector<std::string> routes;
  routes.reserve(snap.routes->size());
  for (size_t i = 0; i < snap.routes->size(); ++i) routes.push_back(snap.routes->at(i).name);
  std::vector<observe::UpstreamLabels> upstreams;
  upstreams.reserve(snap.upstreams.size());
  for (const UpstreamSpec& u : snap.upstreams) upstreams.push_back({u.name, u.addresses});
  snap.metrics = metrics;
  snap.series = metrics->bind(routes, upstreams);
}

}  // namespace weir::core
