// An immutable configuration snapshot: what every worker serves from. Built
// off the request path, published to workers, held by each exchange that
// started on it until the exchange ends.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "observe/gateway_metrics.hpp"
#include "router/route_actions.hpp"
#include "upstream/address.hpp"
#include "upstream/endpoint_pool.hpp"
#include "upstream/name_resolver.hpp"
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
  // One entry per endpoint to serve: an IP literal as configured, or one
  // per address a configured name resolved to. `addresses` is the identity
  // ("192.0.2.1:80", format_address) that pools, health state and hashing
  // policies key on, so an address that stays keeps them across snapshots.
  std::vector<std::string> addresses;
  std::vector<upstream::SocketAddress> resolved;  // same order
  std::vector<std::string> authorities;           // the configured "host:port"
  std::vector<uint32_t> weights;                  // the configured weight
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
  // Which optional phases a chain has (body phases, response hooks): the
  // exchange pays for them only then.
  enum Hooks : uint8_t { request_body = 1, request_chunk = 2, response_chunk = 4, response = 8 };
  struct ChainInfo {
    uint8_t hooks = 0;
    uint32_t request_body_max = 0;  // the smallest bound of its on_request_body hooks
  };
  std::vector<std::vector<Middleware>> chains;  // one per route, then the no-route chain
  std::vector<ChainInfo> info;                  // same order
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
  // The endpoint host names to keep resolved, each once, at the shortest
  // resolve_interval_ms of the upstreams that use it.
  std::vector<upstream::NameWatch> names;
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

// Expands endpoints, builds the route table, binds routes to upstreams.
// Endpoints given by name take their addresses from `names` (a name not in
// it, or no table, contributes no endpoint yet: never a blocking lookup).
// `previous` (the running snapshot, or null) hands endpoint health state over
// to the new one for upstreams and addresses that stay.
Status build_snapshot(const SnapshotParts& parts, std::shared_ptr<const Snapshot>& out,
                      const Snapshot* previous = nullptr,
                      const upstream::ResolvedNames* names = nullptr);

// A snapshot like `current` (built from `parts`) whose endpoints are
// expanded again with `names`: routes, route plans, middleware instances
// (rate-limit buckets and all) and circuit breakers are `current`'s, so a
// changed name answer changes endpoints and nothing else.
Status rebuild_endpoints(const SnapshotParts& parts, const Snapshot& current,
                         const upstream::ResolvedNames& names, std::shared_ptr<const Snapshot>& out);

// The index of upstream `name` in snap.upstreams, or -1.
int32_t upstream_index(const Snapshot& snap, std::string_view name) noexcept;

// Registers the snapshot's routes and upstreams with the gateway's metrics
// (snapshot_metrics.cpp).
void bind_metrics(const std::shared_ptr<observe::GatewayMetrics>& metrics, Snapshot& snap);

// Fills `parts` from a parsed configuration.
void parts_from_config(const GatewayConfig& config, SnapshotParts& parts);

}  // namespace weir::core
