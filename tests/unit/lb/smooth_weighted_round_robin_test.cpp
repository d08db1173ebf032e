// weighted_round_robin: nginx's smooth sequence, exact shares per cycle, and
// availability.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy_fixture.hpp"

namespace weir::upstream::lb {
namespace {

using testing::count_picks;
using testing::must_make;

std::string sequence(Policy& policy, int picks, const uint8_t* available = nullptr) {
  std::string out;
  for (int i = 0; i < picks; ++i) {
    uint32_t e = policy.pick({.available = available});
    out += e == kNone ? '-' : static_cast<char>('a' + e);
  }
  return out;
}

TEST(SmoothWeightedRoundRobin, Weights511GiveNginxsSequence) {
  auto policy = must_make(Kind::weighted_round_robin, {5, 1, 1});
  // The sequence of the comment in nginx's ngx_http_upstream_get_peer, and it
  // repeats every sum(weights) picks.
  EXPECT_EQ(sequence(*policy, 21), "aabacaa" "aabacaa" "aabacaa");
}

TEST(SmoothWeightedRoundRobin, EachCycleGivesExactlyTheWeights) {
  const std::vector<uint32_t> weights = {1, 3, 7, 2, 10};
  auto policy = must_make(Kind::weighted_round_robin, weights);
  for (int cycle = 0; cycle < 5; ++cycle) {
    auto counts = count_picks(*policy, {}, 23);
    for (size_t i = 0; i < weights.size(); ++i) EXPECT_EQ(counts[i], weights[i]) << i;
  }
}

TEST(SmoothWeightedRoundRobin, OneToThreeIsSpreadNotBunched) {
  auto policy = must_make(Kind::weighted_round_robin, {1, 3});
  EXPECT_EQ(sequence(*policy, 8), "babbbabb");
}

TEST(SmoothWeightedRoundRobin, UnavailableEndpointsGetNothingAndTheRestShareByWeight) {
  auto policy = must_make(Kind::weighted_round_robin, {5, 1, 2});
  const uint8_t available[] = {0, 1, 1};
  auto counts = count_picks(*policy, {.available = available}, 300);
  EXPECT_EQ(counts, (std::vector<uint64_t>{0, 100, 200}));
  // Back to all available: the shares return to 5:1:2 within one cycle.
  for (int i = 0; i < 8; ++i) policy->pick({});
  counts = count_picks(*policy, {}, 800);
  EXPECT_EQ(counts, (std::vector<uint64_t>{500, 100, 200}));
}

TEST(SmoothWeightedRoundRobin, AllUnavailableFollowsThePanicMode) {
  const uint8_t none[] = {0, 0, 0};
  auto spread = must_make(Kind::weighted_round_robin, {5, 1, 1}, {.panic = PanicMode::spread});
  EXPECT_EQ(sequence(*spread, 7, none), "aabacaa");
  auto fail = must_make(Kind::weighted_round_robin, {5, 1, 1}, {.panic = PanicMode::fail});
  EXPECT_EQ(sequence(*fail, 3, none), "---");
}

}  // namespace
}  // namespace weir::upstream::lb
