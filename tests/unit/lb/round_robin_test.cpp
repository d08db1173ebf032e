// round_robin: the cycle, its start, and skipping unavailable endpoints.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "policy_fixture.hpp"

namespace weir::upstream::lb {
namespace {

using testing::count_picks;
using testing::must_make;

TEST(RoundRobin, CyclesThroughEndpointsInOrderIgnoringWeights) {
  auto policy = must_make(Kind::round_robin, {5, 1, 1}, {.random_start = false});
  std::vector<uint32_t> seen;
  for (int i = 0; i < 7; ++i) seen.push_back(policy->pick({}));
  EXPECT_EQ(seen, (std::vector<uint32_t>{0, 1, 2, 0, 1, 2, 0}));
}

TEST(RoundRobin, EqualSharesOverWholeCycles) {
  auto policy = must_make(Kind::round_robin, std::vector<uint32_t>(100, 1), {.seed = 3});
  auto counts = count_picks(*policy, {}, 100 * 50);
  for (uint64_t c : counts) EXPECT_EQ(c, 50u);
}

TEST(RoundRobin, RandomStartDependsOnTheSeed) {
  std::set<uint32_t> starts;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    auto policy = must_make(Kind::round_robin, std::vector<uint32_t>(16, 1), {.seed = seed});
    starts.insert(policy->pick({}));
  }
  // 64 seeds over 16 starts: a uniform start misses 16 * (15/16)^64 = 0.26
  // of them on average; a start that ignores the seed hits only one.
  EXPECT_GE(starts.size(), 12u);
}

TEST(RoundRobin, SkipsUnavailableAndKeepsEqualSharesAmongTheRest) {
  auto policy = must_make(Kind::round_robin, {1, 1, 1, 1}, {.random_start = false});
  const uint8_t available[] = {1, 0, 1, 1};
  auto counts = count_picks(*policy, {.available = available}, 300);
  EXPECT_EQ(counts, (std::vector<uint64_t>{100, 0, 100, 100}));
}

TEST(RoundRobin, AllUnavailableFollowsThePanicMode) {
  const uint8_t none[] = {0, 0, 0};
  auto spread = must_make(Kind::round_robin, {1, 1, 1}, {.panic = PanicMode::spread});
  auto counts = count_picks(*spread, {.available = none}, 300);
  EXPECT_EQ(counts, (std::vector<uint64_t>{100, 100, 100}));
  auto fail = must_make(Kind::round_robin, {1, 1, 1}, {.panic = PanicMode::fail});
  for (int i = 0; i < 10; ++i) EXPECT_EQ(fail->pick({.available = none}), kNone);
}

}  // namespace
}  // namespace weir::upstream::lb
