// The token bucket (GCRA): burst, refill, and the decision's header fields.
#include <gtest/gtest.h>

#include "limiter_fixture.hpp"

namespace weir::ratelimit::test {
namespace {

TEST(TokenBucket, AllowsExactlyBurstAtOneInstant) {
  auto lim = make_limiter(bucket(10, 5));
  for (uint32_t i = 0; i < 5; ++i) {
    const Decision d = lim->check("k", kT0);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 4 - i);
    EXPECT_EQ(d.limit, 5u);
  }
  const Decision d = lim->check("k", kT0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0u);
  EXPECT_EQ(d.retry_after_ms, 100u);  // one token every 100 ms
  EXPECT_EQ(d.reset_after_ms, 500u);  // five tokens to refill
}

TEST(TokenBucket, RefillsAtTheRate) {
  auto lim = make_limiter(bucket(10, 5));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(lim->check("k", kT0).allowed);
  EXPECT_FALSE(lim->check("k", kT0 + 99 * kMs).allowed);
  const Decision d = lim->check("k", kT0 + 99 * kMs);
  EXPECT_EQ(d.retry_after_ms, 1u);
  EXPECT_TRUE(lim->check("k", kT0 + 100 * kMs).allowed);
  EXPECT_FALSE(lim->check("k", kT0 + 100 * kMs).allowed);
  // A long pause refills to burst, never beyond it.
  uint32_t passed = 0;
  for (int i = 0; i < 20; ++i) passed += lim->check("k", kT0 + 3600 * kS).allowed;
  EXPECT_EQ(passed, 5u);
}

TEST(TokenBucket, SustainedRateOverInjectedTime) {
  auto lim = make_limiter(bucket(100, 1));
  uint32_t passed = 0;
  // Ten seconds in 1 ms steps, two tries per step: exactly 100/s pass.
  for (uint64_t t = 0; t < 10'000; ++t)
    for (int j = 0; j < 2; ++j) passed += lim->check("k", kT0 + t * kMs).allowed;
  EXPECT_EQ(passed, 1000u);
}

TEST(TokenBucket, FieldsAtTheBoundaries) {
  auto lim = make_limiter(bucket(1, 2));
  Decision d = lim->check("k", kT0);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1u);
  EXPECT_EQ(d.reset_after_ms, 1000u);
  EXPECT_EQ(d.retry_after_ms, 0u);
  d = lim->check("k", kT0 + 1);  // one nanosecond later
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0u);
  EXPECT_EQ(d.reset_after_ms, 2000u);  // 1999.999999 ms, rounded up
  d = lim->check("k", kT0 + 1);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ms, 1000u);
  // Half a token back: still none to spend.
  d = lim->check("k", kT0 + 500 * kMs);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0u);
  EXPECT_EQ(d.retry_after_ms, 500u);
  // Exactly when promised, not a nanosecond before, it passes.
  EXPECT_FALSE(lim->check("k", kT0 + 1000 * kMs - 1).allowed);
  d = lim->check("k", kT0 + 1000 * kMs);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0u);
}

TEST(TokenBucket, CostSpendsSeveralTokens) {
  auto lim = make_limiter(bucket(10, 10));
  EXPECT_TRUE(lim->check("k", kT0, 7).allowed);
  const Decision d = lim->check("k", kT0, 4);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 3u);
  EXPECT_EQ(d.retry_after_ms, 100u);
  EXPECT_TRUE(lim->check("k", kT0, 3).allowed);
}

TEST(TokenBucket, CostAboveBurstNeverPassesAndTakesNothing) {
  auto lim = make_limiter(bucket(10, 3));
  const Decision d = lim->check("k", kT0, 4);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ms, 0u);  // waiting would not help
  EXPECT_EQ(d.remaining, 3u);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(lim->check("k", kT0).allowed);
}

TEST(TokenBucket, CostZeroAsksWithoutSpending) {
  auto lim = make_limiter(bucket(10, 2));
  EXPECT_TRUE(lim->check("k", kT0).allowed);
  Decision d = lim->check("k", kT0, 0);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1u);
  d = lim->check("k", kT0, 0);
  EXPECT_EQ(d.remaining, 1u);
  EXPECT_TRUE(lim->check("k", kT0).allowed);
  EXPECT_FALSE(lim->check("k", kT0).allowed);
}

TEST(TokenBucket, KeysAreIndependent) {
  auto lim = make_limiter(bucket(1, 1));
  EXPECT_TRUE(lim->check("a", kT0).allowed);
  EXPECT_FALSE(lim->check("a", kT0).allowed);
  EXPECT_TRUE(lim->check("b", kT0).allowed);
  EXPECT_TRUE(lim->check("", kT0).allowed);
  EXPECT_FALSE(lim->check("", kT0).allowed);
}

TEST(TokenBucket, OlderClockReadDoesNotWrapCounts) {
  // A worker that read the clock a little before another one wrote.
  auto lim = make_limiter(bucket(10, 2));
  ASSERT_TRUE(lim->check("k", kT0 + kS).allowed);
  ASSERT_TRUE(lim->check("k", kT0 + kS).allowed);
  const Decision d = lim->check("k", kT0);  // one second "earlier"
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0u);
  EXPECT_EQ(d.reset_after_ms, 200u);  // reported as a full bucket's depth
}

TEST(TokenBucket, FractionalRates) {
  auto lim = make_limiter(bucket(0.5, 1));  // one every two seconds
  EXPECT_TRUE(lim->check("k", kT0).allowed);
  const Decision d = lim->check("k", kT0 + kS);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ms, 1000u);
  EXPECT_TRUE(lim->check("k", kT0 + 2 * kS).allowed);
}

}  // namespace
}  // namespace weir::ratelimit::test
