// Option validation (errors name the option) and the header values a
// decision turns into.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "limiter_fixture.hpp"
#include "middleware/builtin/rate_limit/rate_limit_headers.hpp"

namespace weir::ratelimit::test {
namespace {

std::string error_of(const LimitOptions& o) {
  auto r = Limiter::create(o);
  EXPECT_EQ(r.ok(), r.error.empty());
  return r.error;
}

TEST(LimitOptions, ErrorsNameTheOption) {
  EXPECT_EQ(error_of(bucket(0, 1)), "rate_per_s: must be a number above 0");
  EXPECT_EQ(error_of(bucket(-1, 1)), "rate_per_s: must be a number above 0");
  EXPECT_EQ(error_of(bucket(std::nan(""), 1)), "rate_per_s: must be a number above 0");
  EXPECT_EQ(error_of(bucket(std::numeric_limits<double>::infinity(), 1)),
            "rate_per_s: must be a number above 0");
  EXPECT_EQ(error_of(bucket(2e9, 1)), "rate_per_s: must be at most 1000000000");
  EXPECT_EQ(error_of(bucket(10, 0)), "burst: must be at least 1");
  EXPECT_EQ(error_of(bucket(1e-9, 4'000'000'000u)), "burst: burst / rate_per_s must be under 146 years");
  EXPECT_EQ(error_of(bucket(10, 1, 0)), "max_keys: must be between 1 and 16777216");
  EXPECT_EQ(error_of(bucket(10, 1, (size_t{1} << 24) + 1)), "max_keys: must be between 1 and 16777216");
  EXPECT_EQ(error_of(window(0, 1)), "window_ms: must be between 1 and 86400000");
  EXPECT_EQ(error_of(window(86'400'001, 1)), "window_ms: must be between 1 and 86400000");
  EXPECT_EQ(error_of(window(1000, 0)), "limit: must be between 1 and 65535");
  EXPECT_EQ(error_of(window(1000, 65536)), "limit: must be between 1 and 65535");
  LimitOptions bad = bucket(1, 1);
  bad.algorithm = static_cast<Algorithm>(7);
  EXPECT_EQ(error_of(bad), "algorithm: must be token_bucket or sliding_window");
  EXPECT_EQ(error_of(bucket(1e9, 1)), "");
  EXPECT_EQ(error_of(window(86'400'000, 65535, 1)), "");
}

TEST(LimitOptions, AlgorithmNames) {
  Algorithm a{};
  EXPECT_TRUE(parse_algorithm("sliding_window", &a));
  EXPECT_EQ(a, Algorithm::sliding_window);
  EXPECT_TRUE(parse_algorithm("token_bucket", &a));
  EXPECT_EQ(a, Algorithm::token_bucket);
  EXPECT_FALSE(parse_algorithm("leaky_bucket", &a));
  EXPECT_EQ(algorithm_name(Algorithm::sliding_window), "sliding_window");
}

TEST(LimitOptions, CapacityIsTwiceMaxKeysAsAPowerOfTwo) {
  EXPECT_EQ(make_limiter(bucket(1, 1, 1))->stats().capacity, LocalStore::kProbe);
  EXPECT_EQ(make_limiter(bucket(1, 1, 100))->stats().capacity, 256u);
  EXPECT_EQ(make_limiter(bucket(1, 1))->stats().capacity, 2048u);
}

TEST(RateLimitHeaders, AllowedRequest) {
  const RateLimitHeaders h(Decision{.allowed = true, .limit = 100, .remaining = 99,
                                    .reset_after_ms = 10, .retry_after_ms = 0});
  EXPECT_EQ(h.limit(), "100");
  EXPECT_EQ(h.remaining(), "99");
  EXPECT_EQ(h.reset(), "1");  // rounded up to whole seconds
  EXPECT_EQ(h.retry_after(), "");
}

TEST(RateLimitHeaders, DeniedRequest) {
  const RateLimitHeaders h(Decision{.allowed = false, .limit = 5, .remaining = 0,
                                    .reset_after_ms = 2000, .retry_after_ms = 1001});
  EXPECT_EQ(h.remaining(), "0");
  EXPECT_EQ(h.reset(), "2");
  EXPECT_EQ(h.retry_after(), "2");
  const RateLimitHeaders never(Decision{.allowed = false, .limit = 5, .remaining = 5});
  EXPECT_EQ(never.retry_after(), "");
  EXPECT_EQ(never.reset(), "0");
  const RateLimitHeaders big(Decision{.allowed = false, .limit = 4'294'967'295u,
                                      .reset_after_ms = std::numeric_limits<uint64_t>::max(),
                                      .retry_after_ms = 1});
  EXPECT_EQ(big.limit(), "4294967295");
  EXPECT_EQ(big.reset(), "18446744073709552");
  EXPECT_EQ(big.retry_after(), "1");
}

TEST(RateLimitHeaders, FromALimiterDecision) {
  auto lim = make_limiter(bucket(2, 2));
  lim->check("k", kT0);
  lim->check("k", kT0);
  const RateLimitHeaders h(lim->check("k", kT0));
  EXPECT_EQ(h.limit(), "2");
  EXPECT_EQ(h.remaining(), "0");
  EXPECT_EQ(h.reset(), "1");
  EXPECT_EQ(h.retry_after(), "1");  // 500 ms, rounded up
}

TEST(RateLimitHeaders, TheLimitItsOwnerFormattedOnce) {
  auto lim = make_limiter(bucket(2, 7));
  EXPECT_EQ(lim->limit(), 7u);
  const std::string text = std::to_string(lim->limit());
  const Decision d = lim->check("k", kT0);
  EXPECT_EQ(d.limit, lim->limit());
  const RateLimitHeaders h(d, text);
  EXPECT_EQ(h.limit(), "7");
  EXPECT_EQ(h.remaining(), "6");
  auto win = make_limiter(window(1000, 9));
  EXPECT_EQ(win->limit(), 9u);
  EXPECT_EQ(win->check("k", kT0).limit, 9u);
}

}  // namespace
}  // namespace weir::ratelimit::test
