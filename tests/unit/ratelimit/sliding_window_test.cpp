// The sliding window: counts per window, the previous window's weight, and
// the decision's header fields.
#include <gtest/gtest.h>

#include "limiter_fixture.hpp"
#include "middleware/builtin/rate_limit/sliding_window.hpp"

namespace weir::ratelimit::test {
namespace {

// kT0 is a whole number of seconds, so windows of 1 s start at kT0 + n s.
TEST(SlidingWindow, CountsUpToTheLimitInOneWindow) {
  auto lim = make_limiter(window(1000, 10));
  for (uint32_t i = 0; i < 10; ++i) {
    const Decision d = lim->check("k", kT0 + i * kMs);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 9 - i);
    EXPECT_EQ(d.limit, 10u);
  }
  const Decision d = lim->check("k", kT0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0u);
  // Next window at 100 ms in, the previous one weighs 10 * 0.9 = 9.
  EXPECT_EQ(d.retry_after_ms, 1100u);
  EXPECT_EQ(d.reset_after_ms, 2000u);
}

TEST(SlidingWindow, WeighsThePreviousWindow) {
  auto lim = make_limiter(window(1000, 10));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(lim->check("k", kT0).allowed);
  EXPECT_FALSE(lim->check("k", kT0 + 1000 * kMs).allowed);   // weighs 10
  EXPECT_FALSE(lim->check("k", kT0 + 1099 * kMs).allowed);   // weighs 9.01
  EXPECT_TRUE(lim->check("k", kT0 + 1100 * kMs).allowed);    // weighs 9
  uint32_t passed = 0;
  for (int i = 0; i < 20; ++i) passed += lim->check("k", kT0 + 1500 * kMs).allowed;
  EXPECT_EQ(passed, 4u);  // 5 + 1 + 4 = 10
  const Decision d = lim->check("k", kT0 + 1500 * kMs);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0u);
  EXPECT_EQ(d.retry_after_ms, 100u);  // 10 * 0.4 + 5 + 1 = 10 at 1.6 s
  EXPECT_EQ(d.reset_after_ms, 1500u);
  EXPECT_TRUE(lim->check("k", kT0 + 1600 * kMs).allowed);
}

TEST(SlidingWindow, PreviousWindowAloneAndExpiry) {
  auto lim = make_limiter(window(1000, 10));
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(lim->check("k", kT0 + 1200 * kMs).allowed);
  Decision d = lim->check("k", kT0 + 2500 * kMs, 0);  // ask, spend nothing
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 7u);  // 10 - ceil(6 * 0.5)
  EXPECT_EQ(d.reset_after_ms, 500u);
  d = lim->check("k", kT0 + 3000 * kMs, 0);
  EXPECT_EQ(d.remaining, 10u);
  EXPECT_EQ(d.reset_after_ms, 0u);
  uint32_t passed = 0;
  for (int i = 0; i < 20; ++i) passed += lim->check("k", kT0 + 9000 * kMs).allowed;
  EXPECT_EQ(passed, 10u);
}

TEST(SlidingWindow, CostAboveLimitNeverPasses) {
  auto lim = make_limiter(window(1000, 5));
  const Decision d = lim->check("k", kT0, 6);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ms, 0u);
  EXPECT_EQ(d.remaining, 5u);
  EXPECT_TRUE(lim->check("k", kT0, 5).allowed);
  EXPECT_FALSE(lim->check("k", kT0, 1).allowed);
}

TEST(SlidingWindow, StateFromASlightlyLaterClockIsKept) {
  auto lim = make_limiter(window(1000, 3));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(lim->check("k", kT0 + 5000 * kMs).allowed);
  // A worker whose clock read is still in the window before.
  EXPECT_FALSE(lim->check("k", kT0 + 4999 * kMs).allowed);
}

TEST(SlidingWindow, PackingRoundTrips) {
  const WindowState s{0xfffffffe, 65535, 1234};
  const WindowState t = WindowState::unpack(s.pack());
  EXPECT_EQ(t.window, s.window);
  EXPECT_EQ(t.prev, s.prev);
  EXPECT_EQ(t.curr, s.curr);
}

TEST(SlidingWindow, LimitAtTheCounterMaximum) {
  auto lim = make_limiter(window(1000, kMaxWindowLimit));
  EXPECT_TRUE(lim->check("k", kT0, kMaxWindowLimit).allowed);
  EXPECT_FALSE(lim->check("k", kT0).allowed);
  // The whole previous window at 999.999999 ms: weighs 65535 * 1e-9 -> 1.
  const Decision d = lim->check("k", kT0 + 2 * kS - 1, 0);
  EXPECT_EQ(d.remaining, kMaxWindowLimit - 1);
  EXPECT_TRUE(lim->check("k", kT0 + 2 * kS - 1, kMaxWindowLimit - 1).allowed);
  EXPECT_FALSE(lim->check("k", kT0 + 2 * kS - 1).allowed);
}

}  // namespace
}  // namespace weir::ratelimit::test
