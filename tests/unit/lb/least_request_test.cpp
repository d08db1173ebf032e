// least_request: two random choices, the lower (active + 1) / weight wins.
#include <gtest/gtest.h>

#include <vector>

#include "lb_statistics.hpp"
#include "policy_fixture.hpp"
#include "upstream/lb/random_state.hpp"

namespace weir::upstream::lb {
namespace {

using testing::chi_square;
using testing::chi_square_critical;
using testing::count_picks;
using testing::must_make;
using testing::proportion_tolerance;

TEST(LeastRequest, OfTwoEndpointsTheLessBusyAlwaysWins) {
  auto policy = must_make(Kind::least_request, {1, 1}, {.seed = 11});
  const uint32_t active[] = {10, 3};
  auto counts = count_picks(*policy, {.active = active}, 1000);
  EXPECT_EQ(counts, (std::vector<uint64_t>{0, 1000}));
}

TEST(LeastRequest, TheIdleEndpointWinsWheneverItIsOneOfTheTwoChoices) {
  // Endpoint 0 idle, the others busy: it is among the two distinct choices
  // with probability 2/n, and then it wins; the busy ones share the rest.
  auto policy = must_make(Kind::least_request, {1, 1, 1, 1}, {.seed = 12});
  const uint32_t active[] = {0, 5, 5, 5};
  const uint32_t picks = 40000;
  auto counts = count_picks(*policy, {.active = active}, picks);
  EXPECT_LT(chi_square(counts, {0.5, 1.0 / 6, 1.0 / 6, 1.0 / 6}), chi_square_critical(3));
}

TEST(LeastRequest, ComparesActiveRequestsPerWeight) {
  auto policy = must_make(Kind::least_request, {1, 3}, {.seed = 13});
  // (2+1)/1 = 3 against (5+1)/3 = 2: the heavy endpoint is less loaded.
  const uint32_t heavy_wins[] = {2, 5};
  EXPECT_EQ(count_picks(*policy, {.active = heavy_wins}, 200), (std::vector<uint64_t>{0, 200}));
  // (2+1)/1 = 3 against (9+1)/3 = 3.33: the light one is.
  const uint32_t light_wins[] = {2, 9};
  EXPECT_EQ(count_picks(*policy, {.active = light_wins}, 200), (std::vector<uint64_t>{200, 0}));
  // Nothing in flight: the heavier endpoint wins.
  EXPECT_EQ(count_picks(*policy, {}, 200), (std::vector<uint64_t>{0, 200}));
}

TEST(LeastRequest, EqualLoadSpreadsUniformly) {
  auto policy = must_make(Kind::least_request, std::vector<uint32_t>(10, 1), {.seed = 14});
  const std::vector<uint32_t> active(10, 4);
  auto counts = count_picks(*policy, {.active = active.data()}, 50000);
  EXPECT_LT(chi_square(counts, std::vector<double>(10, 1.0)), chi_square_critical(9));
}

// A closed loop: a fixed number of requests in flight, each step one of them
// (chosen at random) completes and a new one is placed. Completions then come
// from each endpoint in proportion to its active count, so in the steady state
// the share of picks follows the share of active requests, which the policy
// keeps near the weights.
TEST(LeastRequest, UnderLoadTheSharesFollowTheWeights) {
  auto policy = must_make(Kind::least_request, {1, 3, 1, 3}, {.seed = 15});
  RandomState completions(77);
  constexpr uint32_t kInFlight = 64;
  std::vector<uint32_t> active(4, 0);
  std::vector<uint32_t> owner(kInFlight);
  for (uint32_t r = 0; r < kInFlight; ++r) {
    owner[r] = policy->pick({.active = active.data()});
    ++active[owner[r]];
  }
  const uint32_t steps = 100000;
  std::vector<uint64_t> counts(4, 0);
  for (uint32_t s = 0; s < steps; ++s) {
    uint32_t r = completions.below(kInFlight);
    --active[owner[r]];
    owner[r] = policy->pick({.active = active.data()});
    ++active[owner[r]];
    ++counts[owner[r]];
  }
  // P2C tracks the weights closely but not exactly; 3 percentage points of
  // slack on each share, far above the sampling noise at 100,000 steps
  // (proportion_tolerance gives about 0.5 points).
  const double expected[] = {0.125, 0.375, 0.125, 0.375};
  for (int i = 0; i < 4; ++i) {
    double share = static_cast<double>(counts[i]) / steps;
    EXPECT_NEAR(share, expected[i], 0.03 + proportion_tolerance(expected[i], steps)) << i;
  }
}

TEST(LeastRequest, NeverPicksUnavailableEvenWhenIdle) {
  auto policy = must_make(Kind::least_request, {1, 1, 1, 1, 1}, {.seed = 16});
  const uint32_t active[] = {0, 9, 9, 0, 9};
  const uint8_t available[] = {0, 1, 1, 0, 1};
  auto counts = count_picks(*policy, {.active = active, .available = available}, 3000);
  EXPECT_EQ(counts[0], 0u);
  EXPECT_EQ(counts[3], 0u);
  EXPECT_LT(chi_square({counts[1], counts[2], counts[4]}, {1, 1, 1}), chi_square_critical(2));
}

TEST(LeastRequest, OneAvailableEndpointTakesEverything) {
  auto policy = must_make(Kind::least_request, std::vector<uint32_t>(50, 1), {.seed = 17});
  std::vector<uint8_t> available(50, 0);
  available[37] = 1;
  std::vector<uint32_t> active(50, 0);
  active[37] = 100;
  auto counts = count_picks(*policy, {.active = active.data(), .available = available.data()}, 500);
  EXPECT_EQ(counts[37], 500u);
}

}  // namespace
}  // namespace weir::upstream::lb
