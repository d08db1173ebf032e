#include "middleware/builtin/rate_limit/limit_options.hpp"

#include <cmath>

namespace weir::ratelimit {

bool parse_algorithm(std::string_view name, Algorithm* out) noexcept {
  if (name == "token_bucket") {
    *out = Algorithm::token_bucket;
    return true;
  }
  if (name == "sliding_window") {
    *out = Algorithm::sliding_window;
    return true;
  }
  return false;
}

std::string_view algorithm_name(Algorithm a) noexcept {
  return a == Algorithm::sliding_window ? "sliding_window" : "token_bucket";
}

namespace {

std::string validate_token_bucket(const LimitOptions& o) {
  if (!std::isfinite(o.rate_per_s) || o.rate_per_s <= 0)
    return "rate_per_s: must be a number above 0";
  if (o.rate_per_s > kMaxRatePerS) return "rate_per_s: must be at most 1000000000";
  if (o.burst < 1) return "burst: must be at least 1";
  // The bucket's depth in nanoseconds (burst / rate) must stay far below
  // 2^63 so that "now + depth" never wraps; 2^62 ns is about 146 years.
  const double depth_ns = static_cast<double>(o.burst) * 1e9 / o.rate_per_s;
  if (depth_ns > 4.6e18) return "burst: burst / rate_per_s must be under 146 years";
  return {};
}

std::string validate_sliding_window(const LimitOptions& o) {
  if (o.window_ms < 1 || o.window_ms > kMaxWindowMs)
    return "window_ms: must be between 1 and 86400000";
  if (o.limit < 1 || o.limit > kMaxWindowLimit) return "limit: must be between 1 and 65535";
  return {};
}

}  // namespace

std::string validate_options(const LimitOptions& o) {
  if (o.max_keys < 1 || o.max_keys > kMaxKeys) return "max_keys: must be between 1 and 16777216";
  if (o.algorithm == Algorithm::token_bucket) return validate_token_bucket(o);
  if (o.algorithm == Algorithm::sliding_window) return validate_sliding_window(o);
  return "algorithm: must be token_bucket or sliding_window";
}

}  // namespace weir::ratelimit
