#include "core/snapshot.hpp"

#include <algorithm>

namespace weir::core {

namespace {

upstream::lb::Kind lb_kind(Lb lb) {
  using K = upstream::lb::Kind;
  switch (lb) {
    case Lb::round_robin: return K::round_robin;
    case Lb::weighted_round_robin: return K::weighted_round_robin;
    case Lb::least_request: return K::least_request;
    case Lb::random: return K::random;
    case Lb::ring_hash: return K::ring_hash;
    case Lb::maglev: return K::maglev;
  }
  return K::round_robin;
}

Lb lb_from_name(const std::string& name) {
  auto k = upstream::lb::parse_kind(name);
  using K = upstream::lb::Kind;
  switch (k.value_or(K::round_robin)) {
    case K::round_robin: return Lb::round_robin;
    case K::weighted_round_robin: return Lb::weighted_round_robin;
    case K::least_request: return Lb::least_request;
    case K::random: return Lb::random;
    case K::ring_hash: return Lb::ring_hash;
    case K::maglev: return Lb::maglev;
  }
  return Lb::round_robin;
}

// "ip" (default), "path", "header:NAME", "cookie:NAME", "query:NAME".
bool parse_hash_key(const std::string& text, upstream::HashKey& out) {
  using K = upstream::HashKey::Kind;
  if (text.empty() || text == "ip") {
    out.kind = K::ip;
    return true;
  }
  if (text == "path") {
    out.kind = K::path;
    return true;
  }
  size_t colon = text.find(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return false;
  std::string kind = text.substr(0, colon);
  out.name = text.substr(colon + 1);
  if (kind == "header") out.kind = K::header;
  else if (kind == "cookie") out.kind = K::cookie;
  else if (kind == "query") out.kind = K::query;
  else return false;
  return true;
}

Status build_policy(UpstreamSpec& spec) {
  if (!parse_hash_key(spec.options.hash_key, spec.hash_key))
    return {Status::config, "upstreams." + spec.name + ".hash_key: expected \"ip\", \"path\", "
                            "\"header:NAME\", \"cookie:NAME\" or \"query:NAME\""};
  // No endpoint yet (its names have not resolved): no policy, and every
  // pick finds none (WorkerUpstream::pick).
  if (spec.weights.empty()) return {};
  std::vector<std::string_view> names(spec.addresses.begin(), spec.addresses.end());
  upstream::lb::Options opts;
  opts.names = names;
  opts.panic = spec.options.panic == Panic::fail ? upstream::lb::PanicMode::fail
                                                 : upstream::lb::PanicMode::spread;
  upstream::lb::PolicyResult built = upstream::lb::make_policy(lb_kind(spec.options.lb), spec.weights, opts);
  if (!built) return {Status::config, "upstreams." + spec.name + ": " + built.error};
  spec.policy = std::move(built.policy);
  return {};
}

// Adds one endpoint unless its address is already there: a name listing an
// address twice, two names sharing one, or a name and a literal give one
// endpoint, with the weight of the first.
void add_endpoint(UpstreamSpec& spec, const upstream::SocketAddress& sa, const std::string& authority,
                  uint32_t weight) {
  for (const upstream::SocketAddress& have : spec.resolved)
    if (have == sa) return;
  spec.addresses.push_back(upstream::format_address(sa));
  spec.resolved.push_back(sa);
  spec.authorities.push_back(authority);
  spec.weights.push_back(weight);
}

void watch_name(Snapshot& snap, const std::string& host, uint32_t interval_ms) {
  for (upstream::NameWatch& w : snap.names)
    if (w.host == host) {
      w.interval_ms = std::min(w.interval_ms, interval_ms);
      return;
    }
  snap.names.push_back({host, interval_ms});
}

// The endpoints of one upstream: literals as they are, names as they last
// resolved.
Status expand_endpoints(const std::string& name, const UpstreamPool& pool, const upstream::ResolvedNames* names,
                        UpstreamSpec& spec, Snapshot& snap) {
  if (pool.endpoints().empty())
    return {Status::config, "upstreams." + name + ".endpoints: at least one endpoint is needed"};
  for (size_t i = 0; i < pool.endpoints().size(); ++i) {
    const Endpoint& ep = pool.endpoints()[i];
    std::string host;
    uint16_t port = 0;
    if (!upstream::split_host_port(ep.address, host, port))
      return {Status::config, "upstreams." + name + ".endpoints[" + std::to_string(i) + "].address: \"" +
                                  ep.address + "\": expected \"host:port\" or \"[v6]:port\""};
    upstream::SocketAddress sa;
    if (upstream::parse_ip(host, port, sa)) {
      add_endpoint(spec, sa, ep.address, ep.weight);
      continue;
    }
    uint32_t every = spec.options.resolve_interval_ms;
    if (every < upstream::kMinResolveIntervalMs || every > upstream::kMaxResolveIntervalMs)
      return {Status::config, "upstreams." + name + ".resolve_interval_ms: must be " +
                                  std::to_string(upstream::kMinResolveIntervalMs) + ".." +
                                  std::to_string(upstream::kMaxResolveIntervalMs)};
    watch_name(snap, host, every);
    if (!names) continue;
    auto it = names->find(host);
    if (it == names->end()) continue;
    for (upstream::SocketAddress a : it->second) {
      a.set_port(port);
      add_endpoint(spec, a, ep.address, ep.weight);
    }
  }
  return {};
}

// Fills snap.upstreams (in the order of parts.upstreams, which route plans
// index) and snap.names.
Status build_upstreams(const SnapshotParts& parts, Snapshot& snap, const Snapshot* previous,
                       const upstream::ResolvedNames* names) {
  for (const auto& [name, pool] : parts.upstreams) {
    UpstreamSpec spec;
    spec.name = name;
    spec.options = pool.options();
    if (Status st = expand_endpoints(name, pool, names, spec, snap); !st) return st;
    if (Status st = build_policy(spec); !st) return st;
    const UpstreamOptions& o = spec.options;
    if (o.health_check || o.outlier) {
      const upstream::health::UpstreamHealth* before = nullptr;
      if (previous)
        for (const UpstreamSpec& p : previous->upstreams)
          if (p.name == name) before = p.health.get();
      spec.health = std::make_shared<upstream::health::UpstreamHealth>(
          upstream::health::HealthSpec{name, spec.addresses, spec.resolved, spec.authorities,
                                       o.health_check, o.outlier},
          before);
    }
    if (o.circuit_breaker)
      spec.breaker = std::make_shared<upstream::breaker::CircuitBreaker>(*o.circuit_breaker);
    snap.upstreams.push_back(std::move(spec));
  }
  return {};
}

}  // namespace

int32_t upstream_index(const Snapshot& snap, std::string_view name) noexcept {
  for (size_t i = 0; i < snap.upstreams.size(); ++i)
    if (snap.upstreams[i].name == name) return static_cast<int32_t>(i);
  return -1;
}

Status build_snapshot(const SnapshotParts& parts, std::shared_ptr<const Snapshot>& out,
                      const Snapshot* previous, const upstream::ResolvedNames* names) {
  auto snap = std::make_shared<Snapshot>();
  snap->limits = parts.limits;
  snap->via = parts.via;
  if (Status st = build_upstreams(parts, *snap, previous, names); !st) return st;
  std::map<std::string, int32_t> index;
  for (size_t i = 0; i < snap->upstreams.size(); ++i)
    index[snap->upstreams[i].name] = static_cast<int32_t>(i);

  std::string err;
  snap->routes = parts.router.build(&err);
  if (!snap->routes) return {Status::config, "routes: " + err};
  auto bind = [&](const Route& r, const std::string& name, int32_t* out_index) -> Status {
    auto it = index.find(name);
    if (it == index.end())
      return {Status::config, "route \"" + r.name + "\": unknown upstream \"" + name + "\""};
    *out_index = it->second;
    return {};
  };
  snap->plans.resize(snap->routes->size());
  for (size_t i = 0; i < snap->routes->size(); ++i) {
    const Route& r = snap->routes->at(i);
    RoutePlan& plan = snap->plans[i];
    plan.kind = r.target.kind;
    // build() checked the route already; this compiles the same actions for serving.
    std::string e = router::compile_route_actions(r, &plan.actions);
    if (!e.empty()) return {Status::config, "route \"" + r.name + "\": " + e};
    if (r.target.kind == Target::Kind::handler && !r.target.handler)
      return {Status::config, "route \"" + r.name + "\": handler target without a handler"};
    if (r.target.kind == Target::Kind::upstream) {
      if (Status st = bind(r, r.target.upstream, &plan.upstream); !st) return st;
    }
    if (r.target.kind == Target::Kind::split) {
      plan.split_upstreams.resize(r.target.split.size());
      for (size_t k = 0; k < r.target.split.size(); ++k) {
        if (Status st = bind(r, r.target.split[k].upstream, &plan.split_upstreams[k]); !st) return st;
      }
    }
    if (!r.mirror.upstream.empty() && r.mirror.percent > 0) {
      if (Status st = bind(r, r.mirror.upstream, &plan.mirror); !st) return st;
      plan.mirror_percent = r.mirror.percent;
    }
  }
  if (Status st = build_middleware_chains(parts, *snap); !st) return st;
  if (parts.metrics) bind_metrics(parts.metrics, *snap);
  out = std::move(snap);
  return {};
}

Status rebuild_endpoints(const SnapshotParts& parts, const Snapshot& current,
                         const upstream::ResolvedNames& names, std::shared_ptr<const Snapshot>& out) {
  auto snap = std::make_shared<Snapshot>(current);
  snap->upstreams.clear();
  snap->names.clear();
  if (Status st = build_upstreams(parts, *snap, &current, &names); !st) return st;
  if (snap->upstreams.size() != current.upstreams.size())
    return {Status::internal, "upstreams changed without a snapshot of their own"};
  for (size_t i = 0; i < snap->upstreams.size(); ++i) {
    if (snap->upstreams[i].name != current.upstreams[i].name)
      return {Status::internal, "upstreams changed without a snapshot of their own"};
    // Same options: the breaker's window and state go on.
    if (snap->upstreams[i].breaker) snap->upstreams[i].breaker = current.upstreams[i].breaker;
  }
  // New addresses get their endpoint series; the routes' stay as they were.
  if (snap->metrics) bind_metrics(std::shared_ptr<observe::GatewayMetrics>(snap->metrics), *snap);
  out = std::move(snap);
  return {};
}

namespace {

// The config's names of header predicate kinds (validated already).
HeaderMatch::Kind header_kind_of(const std::string& kind) {
  if (kind == "present") return HeaderMatch::Kind::present;
  if (kind == "prefix") return HeaderMatch::Kind::prefix;
  if (kind == "glob") return HeaderMatch::Kind::glob;
  return HeaderMatch::Kind::equals;
}

StickyKey sticky_from_config(const std::string& key) {
  StickyKey k;
  if (key == "ip") {
    k.kind = StickyKey::Kind::ip;
  } else if (key.rfind("header:", 0) == 0) {
    k.kind = StickyKey::Kind::header;
    k.name = key.substr(7);
  } else if (key.rfind("cookie:", 0) == 0) {
    k.kind = StickyKey::Kind::cookie;
    k.name = key.substr(7);
  } else if (key.rfind("claim:", 0) == 0) {
    k.kind = StickyKey::Kind::claim;
    k.name = key.substr(6);
  }
  return k;
}

Target target_from_config(const RouteConfig& rc) {
  if (rc.redirect) return Target::to_redirect(rc.redirect->location, static_cast<uint16_t>(rc.redirect->status));
  if (rc.respond) {
    Response res;
    res.status = static_cast<uint16_t>(rc.respond->status);
    res.headers = rc.respond->headers;
    res.body = rc.respond->body;
    return Target::to_response(std::move(res));
  }
  if (!rc.split.empty()) {
    std::vector<SplitSide> sides;
    for (const RouteSplitSide& s : rc.split) sides.push_back({s.upstream, s.weight});
    SplitOverride over;
    over.header = rc.split_override.header;
    for (const auto& [value, upstream] : rc.split_override.values) over.values.emplace_back(value, upstream);
    return Target::to_split(std::move(sides), sticky_from_config(rc.sticky.key), std::move(over));
  }
  return Target::to_upstream(rc.upstream);
}

}  // namespace

void parts_from_config(const GatewayConfig& c, SnapshotParts& parts) {
  parts.limits = c.limits;
  parts.router.trailing_slash(c.trailing_slash == "ignore"     ? TrailingSlash::ignore
                              : c.trailing_slash == "redirect" ? TrailingSlash::redirect
                                                               : TrailingSlash::strict);
  parts.via = c.via;
  for (const auto& [name, u] : c.upstreams) {
    UpstreamOptions o;
    o.lb = lb_from_name(u.lb);
    o.hash_key = u.hash_key;
    o.connect_timeout_ms = u.connect_timeout_ms;
    o.idle_timeout_ms = u.idle_timeout_ms;
    o.max_connections = u.max_connections;
    o.max_idle = u.max_idle;
    o.max_pending = u.max_pending;
    o.pending_timeout_ms = u.pending_timeout_ms;
    o.max_requests_per_connection = u.max_requests_per_connection;
    o.panic = u.panic == "fail" ? Panic::fail : Panic::spread;
    o.resolve_interval_ms = u.resolve_interval_ms;
    o.health_check = u.health_check;
    o.outlier = u.outlier;
    o.circuit_breaker = u.circuit_breaker;
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
    for (const auto& [k, m] : rc.match.header_matches) {
      r.header_matches.push_back({k, header_kind_of(m.kind), m.value});
    }
    for (const auto& [name, value] : rc.match.query) {
      r.query.push_back({name, value.value_or(std::string()), !value.has_value()});
    }
    r.client_cidrs = rc.match.client_cidrs;
    r.target = target_from_config(rc);
    r.timeout_ms = rc.timeout_ms;
    r.retry.attempts = rc.retry.attempts;
    r.retry.per_try_timeout_ms = rc.retry.per_try_timeout_ms;
    r.retry.backoff_ms = rc.retry.backoff_ms;
    r.retry.non_idempotent = rc.retry.non_idempotent;
    r.retry.budget_percent = rc.retry.budget_percent;
    r.retry.min_retries = rc.retry.min_retries;
    r.retry.buffer_bytes = rc.retry.buffer_bytes;
    for (const std::string& c : rc.retry.on) {
      if (c == "connect_failure") r.retry.on_connect_failure = true;
      else if (c == "reset") r.retry.on_reset = true;
      else if (c == "timeout") r.retry.on_timeout = true;
      else if (c == "gateway_error") r.retry.on_gateway_error = true;
      else if (c == "5xx") r.retry.on_5xx = true;
      else r.retry.statuses.push_back(static_cast<uint16_t>(std::stoi(c)));
    }
    r.strip_prefix = rc.rewrite.strip_prefix;
    r.replace_prefix = {rc.rewrite.replace_prefix.from, rc.rewrite.replace_prefix.to};
    r.path_rewrite = rc.rewrite.path;
    r.host_rewrite = rc.rewrite.host;
    r.mirror = {rc.mirror.upstream, rc.mirror.upstream.empty() ? 0 : rc.mirror.percent};
    parts.router.add(std::move(r));
    if (!rc.middleware.empty()) parts.route_middleware[rc.name] = rc.middleware;
  }
  parts.middleware = c.middleware;
}

}  // namespace weir::core
