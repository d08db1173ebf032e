// The gateway's own metrics (docs/observability.md): what every finished
// exchange and every client connection adds, recorded by the worker that
// served it into its own cells. Each configuration snapshot binds its routes
// and upstreams to series once (bind), so recording is index arithmetic: no
// lookup by name, no lock, no allocation.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "observe/metrics_registry.hpp"
#include "weir/middleware.hpp"

namespace weir::observe {

// Status classes of weir_requests_total: no response, then 1xx..5xx.
inline constexpr size_t kStatusClasses = 6;

struct RouteSeries {
  std::array<uint32_t, kStatusClasses> requests{};
  uint32_t duration = kNoCell;
};
struct EndpointSeries {
  uint32_t requests = kNoCell;
  uint32_t errors = kNoCell;
};
struct UpstreamSeries {
  uint32_t retries = kNoCell;
  std::vector<EndpointSeries> endpoints;  // the snapshot's endpoint order
};

// One snapshot's series: routes in route-table order, then one for requests
// that matched no route; upstreams in snapshot order.
struct SeriesIds {
  std::vector<RouteSeries> routes;
  std::vector<UpstreamSeries> upstreams;
};

struct UpstreamLabels {
  std::string name;
  std::vector<std::string> endpoints;  // addresses
};

// The route label of requests that matched no route, and of an unnamed
// route (built in code) "#<index>": config names cannot hold '#'.
inline constexpr std::string_view kNoRouteLabel = "#none";

class GatewayMetrics {
 public:
  explicit GatewayMetrics(uint32_t workers);

  // Registers (or finds) the series of a snapshot's routes and upstreams.
  // Off the request path: takes the registry's lock and allocates.
  std::shared_ptr<const SeriesIds> bind(const std::vector<std::string>& route_names,
                                        const std::vector<UpstreamLabels>& upstreams);

  // Worker `worker` ended an exchange. `route` indexes ids.routes (the last
  // one: no route); `upstream` and `endpoint` index ids.upstreams, or are
  // out of range when no upstream endpoint took part.
  void record(uint32_t worker, const SeriesIds& ids, size_t route, size_t upstream,
              size_t endpoint, const ExchangeInfo& info) noexcept;
  void connection_accepted(uint32_t worker) noexcept { add(worker, accepted_, 1); }
  void connection_closed(uint32_t worker) noexcept { add(worker, closed_, 1); }

  // Every family recorded here, summed over workers, plus the derived gauge
  // of open client connections.
  void collect(MetricsSnapshot& out) const;

 private:
  void add(uint32_t worker, uint32_t cell, uint64_t v) noexcept {
    if (CellBlock* b = reg_.block(worker)) b->add(cell, v);
  }
  uint32_t reason_cell(uint32_t worker, std::string_view reason) noexcept;

  MetricsRegistry reg_;
  uint32_t f_requests_, f_duration_, f_up_requests_, f_up_errors_, f_retries_, f_errors_;
  uint32_t accepted_, closed_, bytes_in_, bytes_out_;
  // Gateway-made error reasons are the gateway's static texts: each worker
  // remembers the cell of the ones it has seen by address, so only its
  // first error of each kind registers a series.
  struct alignas(64) ReasonCache {
    std::array<const char*, 32> text{};
    std::array<uint32_t, 32> cell{};
    uint32_t size = 0;
  };
  std::unique_ptr<ReasonCache[]> reasons_;
};

}  // namespace weir::observe
