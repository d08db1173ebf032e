// random: weighted shares by chi-square, and exact shares among the
// available endpoints.
#include <gtest/gtest.h>

#include <vector>

#include "lb_statistics.hpp"
#include "policy_fixture.hpp"

namespace weir::upstream::lb {
namespace {

using testing::chi_square;
using testing::chi_square_critical;
using testing::count_picks;
using testing::must_make;

std::vector<double> as_shares(const std::vector<uint32_t>& weights) {
  return {weights.begin(), weights.end()};
}

TEST(WeightedRandom, OneToThree) {
  const std::vector<uint32_t> weights = {1, 3};
  auto policy = must_make(Kind::random, weights, {.seed = 21});
  auto counts = count_picks(*policy, {}, 100000);
  EXPECT_LT(chi_square(counts, as_shares(weights)), chi_square_critical(1));
}

TEST(WeightedRandom, EqualWeightsOverAHundredEndpoints) {
  auto policy = must_make(Kind::random, std::vector<uint32_t>(100, 4), {.seed = 22});
  auto counts = count_picks(*policy, {}, 200000);
  EXPECT_LT(chi_square(counts, std::vector<double>(100, 1.0)), chi_square_critical(99));
}

TEST(WeightedRandom, SkewedWeights) {
  std::vector<uint32_t> weights;
  for (uint32_t w = 1; w <= 40; ++w) weights.push_back(w * w);
  auto policy = must_make(Kind::random, weights, {.seed = 23});
  auto counts = count_picks(*policy, {}, 400000);
  EXPECT_LT(chi_square(counts, as_shares(weights)), chi_square_critical(39));
}

TEST(WeightedRandom, TheTestCanFailOnAWrongDistribution) {
  // Guards the statistic itself: 1:3 samples are far from a 1:1 hypothesis.
  auto policy = must_make(Kind::random, {1, 3}, {.seed = 24});
  auto counts = count_picks(*policy, {}, 10000);
  EXPECT_GT(chi_square(counts, {1, 1}), chi_square_critical(1));
}

TEST(WeightedRandom, UnavailableGetNothingAndTheRestKeepTheirRatios) {
  const std::vector<uint32_t> weights = {4, 1, 2, 8, 3};
  auto policy = must_make(Kind::random, weights, {.seed = 25});
  const uint8_t available[] = {1, 1, 0, 0, 1};
  auto counts = count_picks(*policy, {.available = available}, 80000);
  EXPECT_EQ(counts[2], 0u);
  EXPECT_EQ(counts[3], 0u);
  EXPECT_LT(chi_square({counts[0], counts[1], counts[4]}, {4, 1, 3}), chi_square_critical(2));
}

TEST(WeightedRandom, MostlyUnavailableUsesTheExactFallback) {
  // One of 64 available and light: nearly every pick exhausts the redraws.
  std::vector<uint32_t> weights(64, 100);
  weights[5] = 1;
  weights[9] = 2;
  auto policy = must_make(Kind::random, weights, {.seed = 26});
  std::vector<uint8_t> available(64, 0);
  available[5] = 1;
  available[9] = 1;
  auto counts = count_picks(*policy, {.available = available.data()}, 30000);
  EXPECT_EQ(counts[5] + counts[9], 30000u);
  EXPECT_LT(chi_square({counts[5], counts[9]}, {1, 2}), chi_square_critical(1));
}

}  // namespace
}  // namespace weir::upstream::lb
