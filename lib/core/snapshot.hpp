// An immutable configuration snapshot: what every worker serves from. Built
// off the request path, published to workers, held by each exchange that
// started on it until the exchange ends.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "router/route_actions.hpp"
#include "upstream/address.hpp"
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
  std::vector<upstream::SocketAddress> resolved;  // same order
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

struct Snapshot {
  Limits limits;
  bool via = false;
  std::shared_ptr<const RouteTable> routes;
  std::vector<UpstreamSpec> upstreams;
  std::vector<RoutePlan> plans;  // one per route, same order
  Pipeline pipeline;
};

struct SnapshotParts {
  Limits limits;
  bool via = false;
  std::map<std::string, UpstreamPool> upstreams;
  Router router;
  Pipeline pipeline;
};

// Resolves addresses, builds the route table, binds routes to upstreams.
Status build_snapshot(const SnapshotParts& parts, std::shared_ptr<const Snapshot>& out);

// Fills `parts` from a parsed configuration.
void parts_from_config(const GatewayConfig& config, SnapshotParts& parts);

}  // namespace weir::core
