// Helpers shared by the rate-limit tests: limiters built from options, with
// the test failing on a bad option instead of crashing.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "middleware/builtin/rate_limit/limiter.hpp"

namespace weir::ratelimit::test {

constexpr uint64_t kMs = 1'000'000;  // nanoseconds
constexpr uint64_t kS = 1'000'000'000;
// Far from 0, so no test leans on a clock that starts at zero.
constexpr uint64_t kT0 = 1'000'000 * kS;

inline std::unique_ptr<Limiter> make_limiter(const LimitOptions& o) {
  auto r = Limiter::create(o);
  EXPECT_TRUE(r.ok()) << r.error;
  return std::move(r.limiter);
}

inline LimitOptions bucket(double rate_per_s, uint32_t burst, size_t max_keys = 1024) {
  LimitOptions o;
  o.algorithm = Algorithm::token_bucket;
  o.rate_per_s = rate_per_s;
  o.burst = burst;
  o.max_keys = max_keys;
  return o;
}

inline LimitOptions window(uint32_t window_ms, uint32_t limit, size_t max_keys = 1024) {
  LimitOptions o;
  o.algorithm = Algorithm::sliding_window;
  o.window_ms = window_ms;
  o.limit = limit;
  o.max_keys = max_keys;
  return o;
}

}  // namespace weir::ratelimit::test
