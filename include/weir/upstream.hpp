// An upstream pool: a named set of endpoints and how to reach them. Usable
// alone (pick endpoints) and handed to a Gateway, which gives each worker its
// own keep-alive connection pools for it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "weir/config.hpp"
#include "weir/export.hpp"

namespace weir {

// Load-balancing policies (docs/load-balancing.md).
enum class Lb : uint8_t { round_robin, weighted_round_robin, least_request, random, ring_hash, maglev };

// What picking does when no endpoint is available (docs/load-balancing.md).
enum class Panic : uint8_t {
  spread,  // as if every endpoint were available (Envoy's panic mode)
  fail,    // none: the request gets 503 at once
};

struct Endpoint {
  // "192.0.2.1:80", "[2001:db8::1]:80", or "name:port": a name is resolved
  // off the loop and again every resolve_interval_ms; each of its addresses
  // is an endpoint with this weight (docs/upstreams.md).
  std::string address;
  uint32_t weight = 1;
};

struct UpstreamOptions {
  Lb lb = Lb::round_robin;
  // ring_hash / maglev: what is hashed: "ip" (default), "path",
  // "header:NAME", "cookie:NAME" or "query:NAME".
  std::string hash_key;
  uint32_t connect_timeout_ms = 1000;
  uint32_t idle_timeout_ms = 60000;
  uint32_t max_connections = 1024;  // per worker, per endpoint
  uint32_t max_idle = 64;           // pooled idle connections per worker, per endpoint
  // At max_connections a request waits, first come first served, for a
  // connection: at most max_pending of them per worker and endpoint (0: none
  // waits), each at most pending_timeout_ms (0: connect_timeout_ms).
  uint32_t max_pending = 1024;
  uint32_t pending_timeout_ms = 0;
  uint32_t max_requests_per_connection = 0;  // then the connection closes; 0: no limit
  Panic panic = Panic::spread;
  uint32_t resolve_interval_ms = 30000;  // endpoints given by name: re-resolved this often
  // Shared by the gateway's workers (docs/health.md); none: not configured.
  std::optional<HealthCheckConfig> health_check;
  std::optional<OutlierConfig> outlier;
  std::optional<CircuitBreakerConfig> circuit_breaker;
};

class WEIR_API UpstreamPool {
 public:
  UpstreamPool() = default;
  UpstreamPool(UpstreamOptions options, std::vector<Endpoint> endpoints);

  const UpstreamOptions& options() const noexcept { return options_; }
  const std::vector<Endpoint>& endpoints() const noexcept { return endpoints_; }
  // The index of the next endpoint in turn (round robin; random for
  // Lb::random), thread-safe. A gateway's workers instead run the configured
  // policy each with its own state (lib/upstream/lb).
  size_t pick() const noexcept;

 private:
  UpstreamOptions options_;
  std::vector<Endpoint> endpoints_;
  std::shared_ptr<std::atomic<uint64_t>> cursor_ = std::make_shared<std::atomic<uint64_t>>(0);
};

}  // namespace weir
