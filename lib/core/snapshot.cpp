#include "core/snapshot.hpp"

namespace weir::core {

Status build_snapshot(const SnapshotParts& parts, std::shared_ptr<const Snapshot>& out) {
  auto snap = std::make_shared<Snapshot>();
  snap->limits = parts.limits;
  snap->via = parts.via;
  snap->pipeline = parts.pipeline;

  std::map<std::string, int32_t> index;
  for (const auto& [name, pool] : parts.upstreams) {
    UpstreamSpec spec;
    spec.name = name;
    spec.options = pool.options();
    if (pool.endpoints().empty())
      return {Status::config, "upstreams." + name + ".endpoints: at least one endpoint is needed"};
    for (size_t i = 0; i < pool.endpoints().size(); ++i) {
      const Endpoint& ep = pool.endpoints()[i];
      upstream::SocketAddress sa;
      std::string err = upstream::resolve_address(ep.address, sa);
      if (!err.empty())
        return {Status::config,
                "upstreams." + name + ".endpoints[" + std::to_string(i) + "].address: " + err};
      spec.addresses.push_back(ep.address);
      spec.resolved.push_back(sa);
    }
    index[name] = static_cast<int32_t>(snap->upstreams.size());
    snap->upstreams.push_back(std::move(spec));
  }

  std::string err;
  snap->routes = parts.router.build(&err);
  if (!snap->routes) return {Status::config, "routes: " + err};
  for (size_t i = 0; i < snap->routes->size(); ++i) {
    const Route& r = snap->routes->at(i);
    if (r.target.kind == Target::Kind::handler) {
      if (!r.target.handler)
        return {Status::config, "route \"" + r.name + "\": handler target without a handler"};
      snap->route_upstream.push_back(-1);
      continue;
    }
    auto it = index.find(r.target.upstream);
    if (it == index.end())
      return {Status::config,
              "route \"" + r.name + "\": unknown upstream \"" + r.target.upstream + "\""};
    snap->route_upstream.push_back(it->second);
  }
  out = std::move(snap);
  return {};
}

void parts_from_config(const GatewayConfig& c, SnapshotParts& parts) {
  parts.limits = c.limits;
  parts.via = c.via;
  for (const auto& [name, u] : c.upstreams) {
    UpstreamOptions o;
    o.lb = u.lb == "random" ? Lb::random : Lb::round_robin;
    o.connect_timeout_ms = u.connect_timeout_ms;
    o.idle_timeout_ms = u.idle_timeout_ms;
    o.max_connections = u.max_connections;
    o.max_idle = u.max_idle;
    std::vector<Endpoint> eps;
    for (const auto& e : u.endpoints) eps.push_back({e.address, e.weight});
    parts.upstreams.insert_or_assign(name, UpstreamPool(o, std::move(eps)));
  }
  for (const auto& rc : c.routes) {
    Route r;
    r.name = rc.name;
    r.host = rc.match.host;
    r.path = rc.match.path;
    r.prefix = rc.match.path.empty() && rc.match.prefix.empty() ? "/" : rc.match.prefix;
    r.methods = rc.match.methods;
    for (const auto& [k, v] : rc.match.headers) r.headers.emplace_back(k, v);
    r.target = Target::to_upstream(rc.upstream);
    r.timeout_ms = rc.timeout_ms;
    r.strip_prefix = rc.rewrite.strip_prefix;
    r.host_rewrite = rc.rewrite.host;
    parts.router.add(std::move(r));
  }
}

}  // namespace weir::core
