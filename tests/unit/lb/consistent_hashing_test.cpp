// ring_hash and maglev: stickiness, minimal disruption when endpoints come,
// go or become unavailable, and agreement between independent instances.
// Both policies run the same tests (a parameterised suite).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "consistent_hash_fixture.hpp"
#include "lb_statistics.hpp"

namespace weir::upstream::lb {
namespace {

using testing::endpoint_addresses;
using testing::key_hashes;
using testing::kKeys;
using testing::map_keys;
using testing::moved_fraction;
using testing::must_make;

class ConsistentHashing : public ::testing::TestWithParam<Kind> {};

// The bound of the issue: moving one of N endpoints moves at most 1/N of the
// keys plus 5 percentage points (maglev's extra churn; the spread of an
// endpoint's share on the ring, about 8% of it with 160 points).
constexpr double kSlack = 0.05;

TEST_P(ConsistentHashing, RemovingOneOfNMovesAboutOneNth) {
  for (uint32_t n : {5u, 10u, 40u}) {
    auto names = endpoint_addresses(n);
    auto before = map_keys(GetParam(), names);
    auto smaller = names;
    smaller.erase(smaller.begin() + n / 2);  // from the middle: positions shift
    auto after = map_keys(GetParam(), smaller);
    EXPECT_LE(moved_fraction(before, after), 1.0 / n + kSlack) << "n=" << n;
    // The removed endpoint's keys all moved; keys that stayed kept their endpoint.
    for (uint32_t k = 0; k < kKeys; ++k) EXPECT_NE(after[k], names[n / 2]);
  }
}

TEST_P(ConsistentHashing, AddingOneMovesAboutOneNthAndOnlyToTheNewcomer) {
  for (uint32_t n : {5u, 10u, 40u}) {
    auto names = endpoint_addresses(n);
    auto before = map_keys(GetParam(), names);
    auto larger = names;
    larger.insert(larger.begin(), endpoint_addresses(1, 900)[0]);
    auto after = map_keys(GetParam(), larger);
    EXPECT_LE(moved_fraction(before, after), 1.0 / (n + 1) + kSlack) << "n=" << n;
    if (GetParam() == Kind::ring_hash) {
      // On a ring a new endpoint only takes keys: nothing moves between old ones.
      for (uint32_t k = 0; k < kKeys; ++k) {
        if (before[k] != after[k]) {
          EXPECT_EQ(after[k], larger[0]);
        }
      }
    }
  }
}

TEST_P(ConsistentHashing, AnUnavailableEndpointMovesOnlyItsOwnKeys) {
  auto names = endpoint_addresses(10);
  auto before = map_keys(GetParam(), names);
  std::vector<uint8_t> available(10, 1);
  available[3] = 0;
  auto after = map_keys(GetParam(), names, {}, available.data());
  uint32_t moved = 0;
  for (uint32_t k = 0; k < kKeys; ++k) {
    EXPECT_NE(after[k], names[3]);
    if (before[k] != names[3]) {
      EXPECT_EQ(after[k], before[k]) << k;
    } else {
      ++moved;
    }
  }
  EXPECT_GT(moved, 0u);
  // Its keys are spread over the others, not all handed to one neighbour.
  std::vector<std::string> heirs;
  for (uint32_t k = 0; k < kKeys; ++k) {
    if (before[k] == names[3]) heirs.push_back(after[k]);
  }
  std::sort(heirs.begin(), heirs.end());
  EXPECT_GE(std::unique(heirs.begin(), heirs.end()) - heirs.begin(), 4);
}

TEST_P(ConsistentHashing, IndependentInstancesAgreeWhateverTheEndpointOrder) {
  auto names = endpoint_addresses(25);
  std::vector<uint32_t> weights;
  for (uint32_t i = 0; i < 25; ++i) weights.push_back(1 + i % 4);
  auto first = map_keys(GetParam(), names, weights, nullptr, 1);
  auto reversed_names = names;
  auto reversed_weights = weights;
  std::reverse(reversed_names.begin(), reversed_names.end());
  std::reverse(reversed_weights.begin(), reversed_weights.end());
  auto second = map_keys(GetParam(), reversed_names, reversed_weights, nullptr, 2);
  ASSERT_EQ(first.size(), kKeys);
  EXPECT_EQ(first, second);
}

TEST_P(ConsistentHashing, KeysSpreadEvenly) {
  const uint32_t n = 10;
  auto names = endpoint_addresses(n);
  auto mapped = map_keys(GetParam(), names);
  for (const auto& name : names) {
    double share = static_cast<double>(std::count(mapped.begin(), mapped.end(), name)) / kKeys;
    // The ring's per-endpoint share varies by about 1/sqrt(160) = 8% of
    // itself (4 sigma: 32%, plus the keys' noise); maglev's table is even to
    // one slot, and what remains is the keys' sampling noise.
    double slack = GetParam() == Kind::ring_hash ? 0.4 / n
                                                 : testing::proportion_tolerance(1.0 / n, kKeys);
    EXPECT_NEAR(share, 1.0 / n, slack) << name;
  }
}

TEST_P(ConsistentHashing, WeightsOneToThree) {
  auto names = endpoint_addresses(2);
  auto mapped = map_keys(GetParam(), names, {1, 3});
  double heavy = static_cast<double>(std::count(mapped.begin(), mapped.end(), names[1])) / kKeys;
  EXPECT_NEAR(heavy, 0.75, 0.05);
}

TEST_P(ConsistentHashing, AllUnavailableFollowsThePanicMode) {
  const uint8_t none[] = {0, 0, 0};
  auto spread = must_make(GetParam(), {1, 1, 1}, {.panic = PanicMode::spread});
  auto fail = must_make(GetParam(), {1, 1, 1}, {.panic = PanicMode::fail});
  for (uint64_t h : key_hashes()) {
    // Spread: the key's own endpoint, as if all were available.
    ASSERT_EQ(spread->pick({.hash = h, .available = none}), spread->pick({.hash = h}));
    ASSERT_EQ(fail->pick({.hash = h, .available = none}), kNone);
  }
}

TEST_P(ConsistentHashing, WithoutNamesIndexesStandInAndAppendsStayConsistent) {
  auto three = must_make(GetParam(), {1, 1, 1});
  auto four = must_make(GetParam(), {1, 1, 1, 1});
  uint32_t moved = 0;
  for (uint64_t h : key_hashes()) moved += three->pick({.hash = h}) != four->pick({.hash = h});
  EXPECT_LE(static_cast<double>(moved) / kKeys, 0.25 + kSlack);
}

INSTANTIATE_TEST_SUITE_P(Policies, ConsistentHashing,
                         ::testing::Values(Kind::ring_hash, Kind::maglev),
                         [](const auto& info) { return std::string(kind_name(info.param)); });

}  // namespace
}  // namespace weir::upstream::lb
