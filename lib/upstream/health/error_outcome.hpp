// The outcome to report for an exchange that ended in an UpstreamError.
#pragma once

#include "upstream/health/outcome.hpp"
#include "upstream/upstream_connection.hpp"

namespace weir::upstream::health {

constexpr Outcome outcome_of(UpstreamError e) noexcept {
  switch (e) {
    case UpstreamError::connect_failed:
    case UpstreamError::connect_timeout: return Outcome::error(Outcome::Kind::connect_failure);
    case UpstreamError::response_timeout: return Outcome::error(Outcome::Kind::timeout);
    case UpstreamError::reset:
    case UpstreamError::bad_response: return Outcome::error(Outcome::Kind::reset);
  }
  return Outcome::error(Outcome::Kind::reset);
}

}  // namespace weir::upstream::health
