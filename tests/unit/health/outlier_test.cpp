// Passive outlier detection and the shared availability state, driven by an
// injected clock (milliseconds passed to each call).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "upstream/health/availability_view.hpp"
#include "upstream/health/error_outcome.hpp"
#include "upstream/health/upstream_health.hpp"

namespace {

using weir::OutlierConfig;
using weir::upstream::health::AvailabilityView;
using weir::upstream::health::HealthSpec;
using weir::upstream::health::kMaxEjectionFactor;
using weir::upstream::health::Outcome;
using weir::upstream::health::UpstreamHealth;

constexpr uint64_t kBase = 1000;

HealthSpec spec(uint32_t endpoints, uint32_t max_percent = 50) {
  HealthSpec s;
  s.upstream = "users";
  for (uint32_t i = 0; i < endpoints; ++i) s.addresses.push_back("127.0.0.1:" + std::to_string(9001 + i));
  OutlierConfig o;
  o.consecutive_5xx = 3;
  o.consecutive_gateway_errors = 2;
  o.base_ejection_ms = kBase;
  o.max_ejection_percent = max_percent;
  s.outlier = o;
  return s;
}

void fail(UpstreamHealth& h, uint32_t i, int times, uint64_t now, uint16_t status = 500) {
  for (int k = 0; k < times; ++k) h.report(i, Outcome::response(status), now);
}

TEST(OutlierDetection, EjectsAfterConsecutive5xxAndSuccessResets) {
  UpstreamHealth h(spec(2));
  fail(h, 0, 2, 10);
  h.report(0, Outcome::response(200), 10);  // resets the run
  fail(h, 0, 2, 10);
  EXPECT_TRUE(h.available(0));
  EXPECT_TRUE(h.report(0, Outcome::response(500), 10));
  EXPECT_FALSE(h.available(0));
  EXPECT_TRUE(h.ejected(0));
  EXPECT_EQ(h.ejected_count(), 1u);
  EXPECT_TRUE(h.available(1));
}

TEST(OutlierDetection, GatewayErrorsHaveTheirOwnThreshold) {
  UpstreamHealth h(spec(2));
  h.report(1, Outcome::error(Outcome::Kind::connect_failure), 10);
  EXPECT_TRUE(h.available(1));
  EXPECT_TRUE(h.report(1, Outcome::response(503), 10));  // 2 gateway errors in a row
  EXPECT_TRUE(h.ejected(1));
  // A 500 is a 5xx but no gateway error: it cuts the gateway-error run.
  UpstreamHealth g(spec(2));
  g.report(0, Outcome::response(502), 10);
  g.report(0, Outcome::response(500), 10);
  g.report(1, Outcome::response(502), 10);
  g.report(1, Outcome::response(200), 10);
  EXPECT_TRUE(g.report(0, Outcome::response(504), 10));  // the 5xx run reaches 3
  EXPECT_FALSE(g.report(1, Outcome::response(504), 10));  // the 200 cut both runs
  EXPECT_TRUE(g.available(1));
}

TEST(OutlierDetection, UpstreamErrorsAreGatewayErrors) {
  using weir::upstream::UpstreamError;
  for (UpstreamError e : {UpstreamError::connect_failed, UpstreamError::connect_timeout,
                          UpstreamError::reset, UpstreamError::response_timeout,
                          UpstreamError::bad_response}) {
    Outcome o = weir::upstream::health::outcome_of(e);
    EXPECT_TRUE(o.is_failure());
    EXPECT_TRUE(o.is_gateway_error());
  }
  EXPECT_FALSE(Outcome::response(404).is_failure());
  EXPECT_TRUE(Outcome::response(500).is_failure());
  EXPECT_FALSE(Outcome::response(500).is_gateway_error());
}

TEST(OutlierDetection, ReturnsLazilyWhenTheTimeHasPassed) {
  UpstreamHealth h(spec(2));
  fail(h, 0, 3, 100);
  ASSERT_TRUE(h.ejected(0));
  h.expire_due(100 + kBase - 1);
  EXPECT_TRUE(h.ejected(0));
  h.expire_due(100 + kBase);
  EXPECT_FALSE(h.ejected(0));
  EXPECT_TRUE(h.available(0));
  EXPECT_EQ(h.ejected_count(), 0u);
  // A report is also a moment to look: eject endpoint 1, then report on 0.
  fail(h, 1, 3, 5000);
  ASSERT_TRUE(h.ejected(1));
  h.report(0, Outcome::response(200), 5000 + kBase);
  EXPECT_FALSE(h.ejected(1));
}

TEST(OutlierDetection, EjectionTimeGrowsWithEachEjectionUpToTheCap) {
  UpstreamHealth h(spec(2));
  uint64_t now = 1000;
  for (uint32_t k = 1; k <= kMaxEjectionFactor + 3; ++k) {
    fail(h, 0, 3, now);
    ASSERT_TRUE(h.ejected(0)) << "ejection " << k;
    uint32_t factor = std::min(k, kMaxEjectionFactor);
    EXPECT_EQ(h.times_ejected(0), factor);
    h.expire_due(now + kBase * factor - 1);
    EXPECT_TRUE(h.ejected(0)) << "ejection " << k << " ended early";
    now += kBase * factor;
    h.expire_due(now);
    ASSERT_FALSE(h.ejected(0)) << "ejection " << k << " did not end after " << kBase * factor;
  }
}

TEST(OutlierDetection, FactorShrinksWhileTheEndpointBehaves) {
  UpstreamHealth h(spec(2));
  uint64_t now = 0;
  for (int k = 0; k < 3; ++k) {  // factors 1, 2, 3
    fail(h, 0, 3, now);
    now += kBase * (k + 1);
    h.expire_due(now);
  }
  ASSERT_EQ(h.times_ejected(0), 3u);
  // Back for two base times: the next factor is 3 - 2 + 1 = 2.
  now += 2 * kBase;
  fail(h, 0, 3, now);
  EXPECT_EQ(h.times_ejected(0), 2u);
}

TEST(OutlierDetection, NeverEjectsMoreThanMaxEjectionPercent) {
  UpstreamHealth h(spec(4, 50));  // at most 2 of 4
  for (uint32_t i = 0; i < 4; ++i) fail(h, i, 3, 10);
  EXPECT_EQ(h.ejected_count(), 2u);
  EXPECT_TRUE(h.ejected(0));
  EXPECT_TRUE(h.ejected(1));
  EXPECT_FALSE(h.ejected(2));
  // Once a place frees up, the next failure of a failing endpoint ejects it.
  h.expire_due(10 + kBase);
  EXPECT_EQ(h.ejected_count(), 0u);
  EXPECT_TRUE(h.report(2, Outcome::response(500), 10 + kBase));
  // One endpoint at 50%: 0 may be ejected.
  UpstreamHealth single(spec(1, 50));
  fail(single, 0, 10, 10);
  EXPECT_FALSE(single.ejected(0));
}

TEST(OutlierDetection, WithoutOutlierConfigNothingIsEjected) {
  HealthSpec s = spec(2);
  s.outlier.reset();
  UpstreamHealth h(std::move(s));
  fail(h, 0, 100, 10);
  EXPECT_TRUE(h.available(0));
}

TEST(AvailabilityView, FollowsTheSharedState) {
  auto h = std::make_shared<UpstreamHealth>(spec(3));
  AvailabilityView view(h);
  const uint8_t* a = view.refresh(0);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a[0] + a[1] + a[2], 3);
  fail(*h, 1, 3, 0);
  a = view.refresh(1);
  EXPECT_EQ(a[0], 1);
  EXPECT_EQ(a[1], 0);
  EXPECT_EQ(a[2], 1);
  EXPECT_TRUE(h->set_down(2, true));
  EXPECT_FALSE(h->set_down(2, true));
  a = view.refresh(2);
  EXPECT_EQ(a[2], 0);
  // The view returns the ejection itself when its time has passed.
  a = view.refresh(kBase);
  EXPECT_EQ(a[1], 1);
  EXPECT_EQ(AvailabilityView(nullptr).refresh(0), nullptr);
}

TEST(UpstreamHealth, CarriesStateOfUnchangedEndpointsAcrossReloads) {
  UpstreamHealth old(spec(3, 100));
  fail(old, 0, 3, 10);
  old.set_down(2, true);
  HealthSpec next = spec(2, 100);
  next.addresses = {"127.0.0.1:9003", "127.0.0.1:9001"};  // 9002 dropped, order changed
  next.check = weir::HealthCheckConfig{};
  UpstreamHealth h(std::move(next), &old);
  EXPECT_TRUE(h.down(0));     // 9003
  EXPECT_TRUE(h.ejected(1));  // 9001
  EXPECT_EQ(h.ejected_count(), 1u);
  h.expire_due(10 + kBase);  // the carried ejection still ends on time
  EXPECT_FALSE(h.ejected(1));
  // Without checks configured any more, a down mark is not carried.
  UpstreamHealth unchecked(spec(3, 100), &old);
  EXPECT_FALSE(unchecked.down(2));
}

TEST(UpstreamHealth, ConcurrentReportsKeepTheEjectionBound) {
  UpstreamHealth h(spec(8, 25));  // at most 2 of 8
  std::vector<std::thread> threads;
  std::atomic<int> ejections{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 4000; ++i) {
        uint64_t now = static_cast<uint64_t>(i);  // ejections end and start again
        uint32_t ep = static_cast<uint32_t>((i + t) % 8);
        if (h.report(ep, Outcome::error(Outcome::Kind::reset), now)) ejections.fetch_add(1);
        EXPECT_LE(h.ejected_count(), 2u);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(ejections.load(), 0);
  uint32_t flagged = 0;
  for (uint32_t i = 0; i < 8; ++i) flagged += h.ejected(i) ? 1 : 0;
  EXPECT_EQ(flagged, h.ejected_count());
}

}  // namespace
