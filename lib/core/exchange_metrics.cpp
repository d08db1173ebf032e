// The metrics side of the log phase: one call per finished exchange, into
// the worker's own cells (observe/gateway_metrics.hpp).
#include "core/client_connection.hpp"
#include "core/worker.hpp"

namespace weir::core {

void ClientConnection::record_metrics(const ExchangeInfo& info) noexcept {
  // Before routing (a malformed head, a timeout) the exchange has no
  // snapshot of its own: it counts under the current one's "no route".
  const Snapshot& snap = snap_ ? *snap_ : *w_.snapshot();
  if (!snap.metrics || !snap.series) return;
  const observe::SeriesIds& ids = *snap.series;
  size_t route = snap.routes->size();
  size_t upstream = SIZE_MAX;
  if (snap_ && route_) {
    route = static_cast<size_t>(route_ - &snap.routes->at(0));
    if (upstream_index_ >= 0) upstream = static_cast<size_t>(upstream_index_);
  }
  size_t endpoint = SIZE_MAX;
  // The endpoint was picked from the worker's pools, which a reload during
  // the exchange may have reordered: count it only where the address agrees.
  if (endpoint_ && upstream < snap.upstreams.size()) {
    const std::vector<std::string>& addresses = snap.upstreams[upstream].addresses;
    if (endpoint_index_ < addresses.size() && addresses[endpoint_index_] == endpoint_->address)
      endpoint = endpoint_index_;
  }
  snap.metrics->record(w_.index(), ids, route, upstream, endpoint, info);
}

}  // namespace weir::core
