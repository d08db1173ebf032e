// One upstream's circuit breaker: the concurrency limits and the error-rate
// breaker, built from its `circuit_breaker` config, held by shared pointer in
// the configuration snapshot and used by all workers (docs/health.md).
#pragma once

#include "upstream/breaker/concurrency_limits.hpp"
#include "upstream/breaker/error_rate_breaker.hpp"

namespace weir::upstream::breaker {

struct CircuitBreaker {
  explicit CircuitBreaker(const CircuitBreakerConfig& config) noexcept
      : limits(config), errors(config) {}

  ConcurrencyLimits limits;
  ErrorRateBreaker errors;
};

}  // namespace weir::upstream::breaker
