// The upstream circuit breaker: concurrency limits and the error-rate state
// machine, driven by an injected clock (milliseconds passed to each call).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "upstream/breaker/circuit_breaker.hpp"

namespace {

using weir::CircuitBreakerConfig;
using weir::upstream::breaker::BreakerState;
using weir::upstream::breaker::ConcurrencyLimits;
using weir::upstream::breaker::ErrorRateBreaker;
using weir::upstream::breaker::limit_name;
using weir::upstream::breaker::Permit;
using weir::upstream::breaker::Resource;
using weir::upstream::breaker::Transition;

CircuitBreakerConfig config() {
  CircuitBreakerConfig c;
  c.error_percent = 50;
  c.min_requests = 10;
  c.window_ms = 1000;  // buckets of 100 ms
  c.open_ms = 5000;
  c.half_open_requests = 2;
  return c;
}

// Records `ok` successes and `bad` failures at `now` through closed permits.
Transition feed(ErrorRateBreaker& b, int ok, int bad, uint64_t now) {
  Transition last = Transition::none;
  for (int i = 0; i < ok + bad; ++i) {
    Permit p = b.allow(now);
    EXPECT_EQ(p.kind, Permit::Kind::closed);
    Transition t = b.record(p, i < ok, now);
    if (t != Transition::none) last = t;
  }
  return last;
}

TEST(ConcurrencyLimits, RefusesAtTheLimitAndAdmitsAfterRelease) {
  CircuitBreakerConfig c;
  c.max_requests = 2;
  ConcurrencyLimits limits(c);
  EXPECT_TRUE(limits.try_acquire(Resource::requests));
  EXPECT_TRUE(limits.try_acquire(Resource::requests));
  EXPECT_FALSE(limits.try_acquire(Resource::requests));
  EXPECT_EQ(limits.in_use(Resource::requests), 2u);
  limits.release(Resource::requests);
  EXPECT_TRUE(limits.try_acquire(Resource::requests));
  // Other resources have no limit (0) but still count.
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limits.try_acquire(Resource::retries));
  EXPECT_EQ(limits.in_use(Resource::retries), 1000u);
}

TEST(ConcurrencyLimits, NamesAreTheConfigKeys) {
  EXPECT_EQ(limit_name(Resource::connections), "max_connections");
  EXPECT_EQ(limit_name(Resource::pending), "max_pending");
  EXPECT_EQ(limit_name(Resource::requests), "max_requests");
  EXPECT_EQ(limit_name(Resource::retries), "max_retries");
}

TEST(ConcurrencyLimits, ThreadsNeverHoldMoreThanTheLimit) {
  CircuitBreakerConfig c;
  c.max_pending = 3;
  ConcurrencyLimits limits(c);
  std::atomic<uint32_t> holding{0}, peak{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        if (!limits.try_acquire(Resource::pending)) {
          refused.fetch_add(1);
          continue;
        }
        uint32_t h = holding.fetch_add(1) + 1;
        uint32_t p = peak.load();
        while (h > p && !peak.compare_exchange_weak(p, h)) {
        }
        holding.fetch_sub(1);
        limits.release(Resource::pending);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(peak.load(), 3u);
  EXPECT_EQ(limits.in_use(Resource::pending), 0u);
}

TEST(ErrorRateBreaker, StaysClosedBelowTheVolume) {
  ErrorRateBreaker b(config());
  EXPECT_EQ(feed(b, 0, 9, 1000), Transition::none);  // 9 failures < min_requests 10
  EXPECT_EQ(b.state(), BreakerState::closed);
  EXPECT_EQ(b.window(1000).failures, 9u);
}

TEST(ErrorRateBreaker, StaysClosedBelowTheErrorPercent) {
  ErrorRateBreaker b(config());
  EXPECT_EQ(feed(b, 11, 10, 1000), Transition::none);  // 47.6% < 50%
  EXPECT_EQ(b.state(), BreakerState::closed);
  EXPECT_EQ(feed(b, 0, 1, 1000), Transition::opened);  // 11 of 22: 50%
  EXPECT_EQ(b.state(), BreakerState::open);
}

TEST(ErrorRateBreaker, OpensRefusesThenHalfOpensAndClosesOnSuccess) {
  ErrorRateBreaker b(config());
  EXPECT_EQ(feed(b, 5, 5, 1000), Transition::opened);
  EXPECT_EQ(b.allow(1001).kind, Permit::Kind::refused);
  EXPECT_EQ(b.allow(5999).kind, Permit::Kind::refused);  // open_ms 5000 from 1000
  // Half-open: half_open_requests (2) probes, then refusals.
  Permit p1 = b.allow(6000);
  Permit p2 = b.allow(6001);
  EXPECT_EQ(p1.kind, Permit::Kind::probe);
  EXPECT_EQ(p2.kind, Permit::Kind::probe);
  EXPECT_EQ(b.state(), BreakerState::half_open);
  EXPECT_EQ(b.allow(6002).kind, Permit::Kind::refused);
  EXPECT_EQ(b.record(p1, true, 6010), Transition::closed);
  EXPECT_EQ(b.state(), BreakerState::closed);
  // The late probe's outcome no longer decides anything.
  EXPECT_EQ(b.record(p2, false, 6011), Transition::none);
  EXPECT_EQ(b.state(), BreakerState::closed);
  // The window was emptied on closing: one failure does not reopen it.
  EXPECT_EQ(b.window(6012).failures, 0u);
  EXPECT_EQ(feed(b, 0, 1, 6012), Transition::none);
  EXPECT_EQ(b.allow(6013).kind, Permit::Kind::closed);
}

TEST(ErrorRateBreaker, HalfOpenProbeFailureOpensAgain) {
  ErrorRateBreaker b(config());
  feed(b, 0, 10, 1000);
  Permit p = b.allow(6000);
  ASSERT_EQ(p.kind, Permit::Kind::probe);
  EXPECT_EQ(b.record(p, false, 6100), Transition::opened);
  EXPECT_EQ(b.state(), BreakerState::open);
  EXPECT_EQ(b.allow(11099).kind, Permit::Kind::refused);  // open again for open_ms from 6100
  EXPECT_EQ(b.allow(11100).kind, Permit::Kind::probe);
}

TEST(ErrorRateBreaker, LostProbesDoNotHoldItHalfOpenForever) {
  ErrorRateBreaker b(config());
  feed(b, 0, 10, 1000);
  EXPECT_EQ(b.allow(6000).kind, Permit::Kind::probe);
  EXPECT_EQ(b.allow(6000).kind, Permit::Kind::probe);
  EXPECT_EQ(b.allow(10999).kind, Permit::Kind::refused);
  // Neither probe reported within open_ms: new probes are let through.
  EXPECT_EQ(b.allow(11000).kind, Permit::Kind::probe);
}

TEST(ErrorRateBreaker, FailuresOutsideTheWindowDoNotCount) {
  ErrorRateBreaker b(config());
  feed(b, 0, 9, 1000);
  // 1 s later the 9 failures have left the 1 s window.
  EXPECT_EQ(b.window(2000).failures, 0u);
  EXPECT_EQ(feed(b, 0, 9, 2000), Transition::none);
  EXPECT_EQ(b.state(), BreakerState::closed);
  // Within the window they add up: 9 + 1 = 10 failures.
  EXPECT_EQ(feed(b, 0, 1, 2950), Transition::opened);
}

TEST(ErrorRateBreaker, RefusedPermitsAreNotCounted) {
  ErrorRateBreaker b(config());
  feed(b, 0, 10, 1000);
  Permit refused = b.allow(1500);
  ASSERT_FALSE(refused.admitted());
  EXPECT_EQ(b.record(refused, false, 1500), Transition::none);
  EXPECT_EQ(b.window(1500).failures, 10u);
}

TEST(ErrorRateBreaker, ConcurrentWorkersOpenItOnce) {
  ErrorRateBreaker b(config());
  std::atomic<int> opened{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        Permit p = b.allow(1000);
        if (b.record(p, false, 1000) == Transition::opened) opened.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened.load(), 1);
  EXPECT_EQ(b.state(), BreakerState::open);
}

}  // namespace
