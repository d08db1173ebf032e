// The gateway: holds upstreams, a router and a pipeline, and serves them on
// worker threads it owns or on the host's libuv loop.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "weir/config.hpp"
#include "weir/export.hpp"
#include "weir/metrics.hpp"
#include "weir/middleware.hpp"
#include "weir/router.hpp"
#include "weir/upstream.hpp"
#include "weir/upstream_state.hpp"

struct uv_loop_s;

namespace weir {

struct GatewayOptions {
  uint32_t workers = 0;  // 0: one per core
  Limits limits;
  bool via = false;      // add "Via: 1.1 weir" both ways
};

// An error as a value: code 0 is success.
struct Status {
  enum Code : int { ok = 0, invalid = -1, config = -2, state = -3, nomem = -4, io = -5,
                    listen = -6, internal = -7 };
  Code code = ok;
  std::string message;
  explicit operator bool() const noexcept { return code == ok; }
};

class GatewayImpl;

class WEIR_API Gateway {
 public:
  explicit Gateway(GatewayOptions options = {});
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Builds every part from a parsed configuration.
  static std::unique_ptr<Gateway> from_config(const GatewayConfig& config, Status* status);

  Gateway& upstream(std::string name, UpstreamPool pool);
  Gateway& router(Router router);
  Gateway& pipeline(Pipeline pipeline);
  Gateway& listen(std::string address, uint16_t port);  // port 0: any free port

  // Runs on `workers` threads owned by the gateway; returns once listening.
  Status start();
  // Runs one worker on the host's loop; call from the loop's thread. The host
  // keeps running the loop.
  Status attach(uv_loop_s* loop);
  // Replaces routes, upstreams and pipeline; in-flight requests finish on the
  // old ones, and unchanged upstreams keep their pooled connections.
  Status reload(const GatewayConfig& config);
  // Replaces the endpoints of one upstream (add, remove, re-weight) while
  // running, through the same snapshot swap as a reload: requests in flight
  // finish where they are, pooled connections of kept endpoints stay, removed
  // endpoints drain. A later reload() from a configuration replaces them again.
  Status set_endpoints(const std::string& upstream, std::vector<Endpoint> endpoints);
  // Stops accepting, drains up to drain_ms, closes everything. With attach(),
  // call from the loop's thread; the loop then finishes the closing by itself.
  Status stop(uint32_t drain_ms = 5000);
  bool running() const noexcept;

  // The bound port of each listener (in listen() order), once started.
  std::vector<uint16_t> ports() const;

  // Observability (docs/observability.md); any thread, handlers on the
  // workers included, also while another thread reloads.
  // Every metric now: counters summed over workers, live gauges read from
  // the running configuration. Before start the counters have no series.
  MetricsSnapshot metrics() const;
  // metrics() in the Prometheus text format 0.0.4.
  std::string prometheus_text() const;
  // Upstream `name` of the running configuration: its endpoints' health and
  // requests in flight, its breaker. Status::invalid for an unknown name.
  // Requests in flight are counted by each worker on its own loop: with
  // attach() call it from the loop's thread (or while the loop runs).
  Status upstream_state(const std::string& name, UpstreamState* out) const;

 private:
  std::unique_ptr<GatewayImpl> impl_;
};

}  // namespace weir
