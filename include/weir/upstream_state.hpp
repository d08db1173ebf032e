// What an upstream looks like right now (Gateway::upstream_state()): its
// endpoints with their health and load, and its circuit breaker.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace weir {

struct EndpointState {
  std::string address;
  uint32_t weight = 1;
  bool healthy = true;   // not marked down by active health checks
  bool ejected = false;  // taken out by outlier detection for a while
  uint32_t active_requests = 0;  // in flight to it, summed over workers
};

enum class BreakerState : uint8_t { closed, open, half_open };

struct UpstreamState {
  std::string name;
  std::vector<EndpointState> endpoints;  // configuration order
  bool has_breaker = false;  // a circuit_breaker is configured
  BreakerState breaker = BreakerState::closed;
  // In use now, and the limits (0: none) of the circuit breaker's
  // concurrency thresholds; all 0 without a breaker.
  uint32_t connections = 0, pending = 0, requests = 0, retries = 0;
  uint32_t max_connections = 0, max_pending = 0, max_requests = 0, max_retries = 0;
};

}  // namespace weir
