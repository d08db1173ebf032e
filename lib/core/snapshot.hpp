// An immutable configuration snapshot: what every worker serves from. Built
// off the request path, published to workers, held by each exchange that
// started on it until the exchange ends.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "observe/gateway_metrics.hpp"
#include "router/route_actions.hpp"
#include "upstream/address.hpp"
#include "upstream/endpoint_pool.hpp"
#include "upstream/breaker/circuit_breaker.hpp"
#include "upstream/health/upstream_health.hpp"
#include "weir/config.hpp"
#include "weir/gateway.hpp"
#include "weir/middleware.hpp"
#include "weir/router.hpp"
#include "weir/upstream.hpp"

namespace weir::core {

struct UpstreamSpec {
  std::string name;
  UpstreamOptions options;
  std::vector<std::string> addresses;            // as configured
  std::vector<uint32_t> weights;                 // same order
  std::vector<upstream::SocketAddress> resolved;  // same order
  // The load-balancing policy, built once; each worker runs a clone.
  std::shared_ptr<const upstream::lb::Policy> policy;
  upstream::HashKey hash_key;  // what ring_hash / maglev hash
  // Shared by all workers (docs/health.md); null when not configured. Built
  // with the snapshot, taking over the previous snapshot's endpoint state.
  std::shared_ptr<upstream::health::UpstreamHealth> health;
  std::shared_ptr<upstream::breaker::CircuitBreaker> breaker;
};

// What the gateway does with a matched route, its upstreams bound to indexes
// into Snapshot::upstreams and its templates compiled.
struct RoutePlan {
  Target::Kind kind = Target::Kind::upstream;
  int32_t upstream = -1;                 // Kind::upstream
  std::vector<int32_t> split_upstreams;  // Kind::split: side -> upstream
  int32_t mirror = -1;                   // shadow upstream; -1: no mirroring
  uint32_t mirror_percent = 0;
  router::RouteActions actions;
};

// The middleware each exchange runs: per route, the global middleware (the
// host's Pipeline, then the config's list) without those the route disables,
// then the route's own; for requests that match no route, the global ones.
// Copies of one Middleware share its state (a rate limit's buckets).
struct MiddlewareChains {
  std::vector<std::vector<Middleware>> chains;  // one per route, then the no-route chain
  bool any = false;      // some chain has middleware: the gateway runs hooks
  bool any_log = false;  // some chain has an on_log hook: the gateway measures times
  bool empty() const noexcept { return !any; }
  const std::vector<Middleware>& chain(size_t route_index) const { return chains[route_index]; }
  const std::vector<Middleware>& global() const { return chains.back(); }
};

struct Snapshot {
  Limits limits;
  bool via = false;
  std::shared_ptr<const RouteTable> routes;
  std::vector<UpstreamSpec> upstreams;
  std::vector<RoutePlan> plans;  // one per route, same order
  MiddlewareChains pipeline;
  // The gateway's metrics (one registry for all its snapshots) and this
  // snapshot's series in it; null before the gateway starts.
  std::shared_ptr<observe::GatewayMetrics> metrics;
  std::shared_ptr<const observe::SeriesIds> series;
};

struct SnapshotParts {
  Limits limits;
  bool via = false;
  std::map<std::string, UpstreamPool> upstreams;
  Router router;
  Pipeline pipeline;                          // the host's, in code
  std::vector<MiddlewareConfig> middleware;   // the config's global list
  std::map<std::string, std::vector<MiddlewareConfig>> route_middleware;  // by route name
  std::shared_ptr<observe::GatewayMetrics> metrics;  // set once the gateway starts
};

// Builds snap.pipeline from the parts, once snap.routes is built.
Status build_middleware_chains(const SnapshotParts& parts, Snapshot& snap);

// Resolves addresses, builds the route table, binds routes to upstreams.
// `previous` (the running snapshot, or null) hands endpoint health state over
// to the new one for upstreams and addresses that stay.
Status build_snapshot(const SnapshotParts& parts, std::shared_ptr<const Snapshot>& out,
                      const Snapshot* previous = nullptr);

// Registers the snapshot's routes and upstreams with the gateway's metrics
// (snapshot_metrics.cpp).
void bind_metrics(const std::shared_ptr<observe::GatewayMetrics>& metrics, Snapshot& snap);

// Fills `parts` from a parsed configuration.
void parts_from_config(const GatewayConfig& config, SnapshotParts& parts);

}  // namespace weir::core
