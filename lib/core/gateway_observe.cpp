// Gateway's observability reads: metrics, their Prometheus text, and the
// state of an upstream. Counters come from the workers' cells; gauges of
// health and breakers are read from the running snapshot when asked, so the
// request path never writes them.
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "core/gateway_impl.hpp"
#include "observe/access_log.hpp"

namespace weir {

namespace {

// How long upstream_state() waits for the workers' in-flight counts.
constexpr auto kWorkerAnswer = std::chrono::milliseconds(2000);

BreakerState public_state(upstream::breaker::BreakerState s) {
  switch (s) {
    case upstream::breaker::BreakerState::open: return BreakerState::open;
    case upstream::breaker::BreakerState::half_open: return BreakerState::half_open;
    default: return BreakerState::closed;
  }
}

const char* breaker_state_name(BreakerState s) {
  switch (s) {
    case BreakerState::open: return "open";
    case BreakerState::half_open: return "half_open";
    default: return "closed";
  }
}

MetricSample sample(std::vector<std::pair<std::string, std::string>> labels, double value) {
  MetricSample s;
  s.labels = std::move(labels);
  s.value = value;
  return s;
}

void append_live_gauges(MetricsSnapshot& out, const core::Snapshot* snap) {
  MetricFamily healthy{"weir_upstream_endpoint_healthy",
                       "1 when active health checks have the endpoint up (or none are configured).",
                       MetricType::gauge, {}, {}};
  MetricFamily ejected{"weir_upstream_endpoint_ejected",
                       "1 while outlier detection keeps the endpoint out of balancing.",
                       MetricType::gauge, {}, {}};
  MetricFamily state{"weir_upstream_breaker_state",
                     "1 for the circuit breaker's current state (closed, open, half_open).",
                     MetricType::gauge, {}, {}};
  MetricFamily in_use{"weir_upstream_breaker_in_use",
                      "Units in use of the circuit breaker's concurrency limits, by resource.",
                      MetricType::gauge, {}, {}};
  if (snap) {
    for (const core::UpstreamSpec& u : snap->upstreams) {
      for (size_t i = 0; i < u.addresses.size(); ++i) {
        auto idx = static_cast<uint32_t>(i);
        healthy.samples.push_back(
            sample({{"upstream", u.name}, {"endpoint", u.addresses[i]}}, u.health && u.health->down(idx) ? 0 : 1));
        ejected.samples.push_back(
            sample({{"upstream", u.name}, {"endpoint", u.addresses[i]}}, u.health && u.health->ejected(idx) ? 1 : 0));
      }
      BreakerState now = u.breaker ? public_state(u.breaker->errors.state()) : BreakerState::closed;
      for (BreakerState s : {BreakerState::closed, BreakerState::open, BreakerState::half_open})
        state.samples.push_back(sample({{"upstream", u.name}, {"state", breaker_state_name(s)}}, s == now ? 1 : 0));
      if (!u.breaker) continue;
      using upstream::breaker::Resource;
      for (Resource r : {Resource::connections, Resource::pending, Resource::requests, Resource::retries}) {
        std::string_view key = upstream::breaker::limit_name(r);  // "max_requests"
        key.remove_prefix(4);
        in_use.samples.push_back(
            sample({{"upstream", u.name}, {"resource", std::string(key)}}, u.breaker->limits.in_use(r)));
      }
    }
  }
  out.families.push_back(std::move(healthy));
  out.families.push_back(std::move(ejected));
  out.families.push_back(std::move(state));
  out.families.push_back(std::move(in_use));
  MetricFamily dropped{"weir_access_log_dropped_total",
                       "Access log lines dropped because a worker's buffer was full or a line was longer than a block (all logs of the process).",
                       MetricType::counter, {}, {}};
  dropped.samples.push_back(sample({}, static_cast<double>(observe::access_log_dropped_total())));
  out.families.push_back(std::move(dropped));
}

// Sums the workers' in-flight counts, each read on its own loop thread.
Status collect_active(const GatewayImpl& impl, const std::string& name,
                      const std::vector<std::string>& addresses, std::vector<uint32_t>& counts) {
  if (impl.state != GatewayImpl::State::running) return {};
  struct Gather {
    std::mutex mu;
    std::condition_variable cv;
    size_t left;
    std::vector<uint32_t> counts;
  };
  auto g = std::make_shared<Gather>();
  g->left = impl.workers.size();
  g->counts.assign(addresses.size(), 0);
  std::thread::id self = std::this_thread::get_id();
  for (const auto& w : impl.workers) {
    core::Worker* wp = w.get();
    // On the worker's own loop thread (attach, or a handler serving the
    // state) it reads directly: a posted task would wait for this very call.
    if ((impl.host_loop ? impl.host_thread : wp->thread_id()) == self) {
      std::lock_guard<std::mutex> lock(g->mu);
      wp->add_active_requests(name, addresses, g->counts);
      --g->left;
      continue;
    }
    wp->post([wp, g, name, addresses] {
      std::lock_guard<std::mutex> lock(g->mu);
      wp->add_active_requests(name, addresses, g->counts);
      if (--g->left == 0) g->cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(g->mu);
  if (!g->cv.wait_for(lock, kWorkerAnswer, [&] { return g->left == 0; }))
    return {Status::state, "upstream_state: the workers did not answer (is the loop running?)"};
  counts = g->counts;
  return {};
}

}  // namespace

MetricsSnapshot Gateway::metrics() const {
  MetricsSnapshot out;
  if (impl_->metrics) impl_->metrics->collect(out);
  else observe::GatewayMetrics(0).collect(out);  // the same families, without series
  std::shared_ptr<const core::Snapshot> snap = impl_->published();
  append_live_gauges(out, impl_->metrics ? snap.get() : nullptr);
  return out;
}

std::string Gateway::prometheus_text() const { return weir::prometheus_text(metrics()); }

Status Gateway::upstream_state(const std::string& name, UpstreamState* out) const {
  if (!out) return {Status::invalid, "upstream_state: out is null"};
  std::shared_ptr<const core::Snapshot> snap = impl_->published();
  if (!snap) {
    // Not started yet: the configured endpoints, all idle.
    Status st = core::build_snapshot(impl_->parts, snap);
    if (!st) return st;
  }
  int32_t index = core::upstream_index(*snap, name);
  if (index < 0) return {Status::invalid, "upstream_state: unknown upstream \"" + name + "\""};
  const core::UpstreamSpec* spec = &snap->upstreams[static_cast<size_t>(index)];
  UpstreamState st;
  st.name = name;
  std::vector<uint32_t> active(spec->addresses.size(), 0);
  if (Status s = collect_active(*impl_, name, spec->addresses, active); !s) return s;
  for (size_t i = 0; i < spec->addresses.size(); ++i) {
    EndpointState e;
    e.address = spec->addresses[i];
    if (i < spec->weights.size()) e.weight = spec->weights[i];
    auto idx = static_cast<uint32_t>(i);
    e.healthy = !(spec->health && spec->health->down(idx));
    e.ejected = spec->health && spec->health->ejected(idx);
    e.active_requests = active[i];
    st.endpoints.push_back(std::move(e));
  }
  if (spec->breaker) {
    using upstream::breaker::Resource;
    const auto& lim = spec->breaker->limits;
    st.has_breaker = true;
    st.breaker = public_state(spec->breaker->errors.state());
    st.connections = lim.in_use(Resource::connections);
    st.pending = lim.in_use(Resource::pending);
    st.requests = lim.in_use(Resource::requests);
    st.retries = lim.in_use(Resource::retries);
    st.max_connections = lim.limit(Resource::connections);
    st.max_pending = lim.limit(Resource::pending);
    st.max_requests = lim.limit(Resource::requests);
    st.max_retries = lim.limit(Resource::retries);
  }
  *out = std::move(st);
  return {};
}

}  // namespace weir
