// One upstream's circuit breaker: the concurrency limits and the error-rate
// breaker, built from its `circuit_breaker` config, held by shared pointer in
// the configuration snapshot and used by all workers (docs/health.md).
#pragma once

#include <optional>

#include "upstream/breaker/concurrency_limits.hpp"
#include "upstream/breaker/error_rate_breaker.hpp"
#include "weir/http.hpp"

namespace weir::upstream::breaker {

struct CircuitBreaker {
  explicit CircuitBreaker(const CircuitBreakerConfig& config)
      : limits(config), errors(config) {
    if (config.fallback) fallback = Response{static_cast<uint16_t>(config.fallback->status),
                                             config.fallback->headers, config.fallback->body};
  }

  ConcurrencyLimits limits;
  ErrorRateBreaker errors;
  // Answered instead of the 503 while the error-rate breaker refuses.
  std::optional<Response> fallback;
};

}  // namespace weir::upstream::breaker
