// What every policy owes the health checker: unavailable endpoints are never
// picked while another is available; with none available, the panic mode
// decides. Run over all kinds, random availability masks, and 2..100 endpoints.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy_fixture.hpp"
#include "upstream/lb/random_state.hpp"

namespace weir::upstream::lb {
namespace {

using testing::must_make;

class Availability : public ::testing::TestWithParam<Kind> {};

TEST_P(Availability, RandomMasksAreRespected) {
  RandomState random(31);
  for (uint32_t n : {2u, 3u, 17u, 100u}) {
    std::vector<uint32_t> weights(n);
    for (auto& w : weights) w = 1 + random.below(5);
    auto policy = must_make(GetParam(), weights, {.panic = PanicMode::fail, .seed = n});
    ASSERT_NE(policy, nullptr);
    std::vector<uint32_t> active(n);
    std::vector<uint8_t> available(n);
    for (int mask = 0; mask < 50; ++mask) {
      uint32_t up = 0;
      for (uint32_t i = 0; i < n; ++i) {
        available[i] = random.below(4) == 0 ? 1 : 0;  // mostly down: the hard case
        up += available[i];
        active[i] = random.below(10);
      }
      std::vector<bool> picked(n, false);
      for (int p = 0; p < 200; ++p) {
        uint32_t e = policy->pick(
            {.hash = random.next(), .active = active.data(), .available = available.data()});
        if (up == 0) {
          ASSERT_EQ(e, kNone) << "n=" << n;
          continue;
        }
        ASSERT_LT(e, n);
        ASSERT_EQ(available[e], 1) << "n=" << n << " picked unavailable " << e;
        picked[e] = true;
      }
      // Only one available: it is the answer every time.
      if (up == 1) {
        for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(picked[i], available[i] == 1);
      }
    }
  }
}

TEST_P(Availability, NoneAvailableWithSpreadStillPicksValidEndpoints) {
  // Equal weights: with nothing in flight least_request would rightly send
  // everything to the heaviest endpoint.
  auto policy = must_make(GetParam(), {2, 2, 2, 2}, {.panic = PanicMode::spread, .seed = 3});
  const uint8_t none[] = {0, 0, 0, 0};
  RandomState random(32);
  std::vector<bool> picked(4, false);
  for (int p = 0; p < 400; ++p) {
    uint32_t e = policy->pick({.hash = random.next(), .available = none});
    ASSERT_LT(e, 4u);
    picked[e] = true;
  }
  // Spread means spread: the load is not all put on one endpoint.
  EXPECT_EQ(picked, std::vector<bool>(4, true));
}

TEST_P(Availability, NoneAvailableWithFailReturnsNone) {
  auto policy = must_make(GetParam(), std::vector<uint32_t>(100, 1), {.panic = PanicMode::fail});
  const std::vector<uint8_t> none(100, 0);
  RandomState random(33);
  for (int p = 0; p < 100; ++p) {
    EXPECT_EQ(policy->pick({.hash = random.next(), .available = none.data()}), kNone);
  }
}

TEST_P(Availability, AllAvailableMaskEqualsNoMask) {
  // Same seed, same inputs: an all-ones mask changes nothing.
  auto with_mask = must_make(GetParam(), {3, 1, 2}, {.seed = 9});
  auto without = must_make(GetParam(), {3, 1, 2}, {.seed = 9});
  const uint8_t all[] = {1, 1, 1};
  const uint32_t active[] = {2, 0, 1};
  RandomState random(34);
  for (int p = 0; p < 500; ++p) {
    uint64_t h = random.next();
    ASSERT_EQ(with_mask->pick({.hash = h, .active = active, .available = all}),
              without->pick({.hash = h, .active = active}));
  }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, Availability,
                         ::testing::Values(Kind::round_robin, Kind::weighted_round_robin,
                                           Kind::least_request, Kind::random, Kind::ring_hash,
                                           Kind::maglev),
                         [](const auto& info) { return std::string(kind_name(info.param)); });

}  // namespace
}  // namespace weir::upstream::lb
