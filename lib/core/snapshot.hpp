// An immutable configuration snapshot: what every worker serves from. Built
// off the request path, published to workers, held by each exchange that
// started on it until the exchange ends.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

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

struct Snapshot {
  Limits limits;
  bool via = false;
  std::shared_ptr<const RouteTable> routes;
  std::vector<UpstreamSpec> upstreams;
  std::vector<int32_t> route_upstream;  // route index -> upstream index; -1: handler
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
