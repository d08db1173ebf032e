// How one exchange with an endpoint ended, as workers report it to the
// endpoint's passive outlier detection and to the upstream's breaker.
#pragma once

#include <cstdint>

namespace weir::upstream::health {

struct Outcome {
  enum class Kind : uint8_t {
    response,         // a response head arrived; `status` holds its code
    connect_failure,  // refused, unreachable, connect timeout
    timeout,          // no (complete) response in time
    reset,            // closed or reset mid-exchange, or a response that cannot be framed
  };
  Kind kind = Kind::response;
  uint16_t status = 0;

  static constexpr Outcome response(uint16_t code) noexcept { return {Kind::response, code}; }
  static constexpr Outcome error(Kind k) noexcept { return {k, 0}; }

  // A 5xx answer or no answer: counts toward consecutive_5xx and as a
  // failure for the error-rate breaker.
  constexpr bool is_failure() const noexcept { return kind != Kind::response || status >= 500; }
  // What a gateway in front sees as the endpoint's fault: 502, 503, 504 or
  // no answer (Envoy's "gateway errors").
  constexpr bool is_gateway_error() const noexcept {
    return kind != Kind::response || status == 502 || status == 503 || status == 504;
  }
};

}  // namespace weir::upstream::health
