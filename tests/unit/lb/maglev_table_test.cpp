// maglev's lookup table: every slot filled, shares even to one slot, by weight.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "consistent_hash_fixture.hpp"
#include "upstream/lb/maglev.hpp"

namespace weir::upstream::lb {
namespace {

std::vector<uint64_t> slot_counts(const MaglevTable& table, uint32_t n) {
  std::vector<uint64_t> counts(n, 0);
  for (uint32_t owner : table) {
    EXPECT_LT(owner, n);
    if (owner < n) ++counts[owner];
  }
  return counts;
}

TEST(MaglevTable, EqualWeightsGetEqualSlotsToWithinOne) {
  const uint32_t n = 37;
  auto names = testing::endpoint_addresses(n);
  auto table = build_maglev_table(std::vector<uint32_t>(n, 1), names, 65537);
  ASSERT_EQ(table->size(), 65537u);
  auto counts = slot_counts(*table, n);
  auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
  EXPECT_LE(*hi - *lo, 1u);
  EXPECT_EQ(*lo, 65537u / n);
}

TEST(MaglevTable, SlotsFollowTheWeights) {
  auto names = testing::endpoint_addresses(4);
  const std::vector<uint32_t> weights = {1, 3, 2, 10};
  auto table = build_maglev_table(weights, names, 65537);
  auto counts = slot_counts(*table, 4);
  for (uint32_t i = 0; i < 4; ++i) {
    double expected = 65537.0 * weights[i] / 16.0;
    EXPECT_NEAR(static_cast<double>(counts[i]), expected, 2.0) << i;
  }
}

TEST(MaglevTable, SmallPrimeTablesWork) {
  auto names = testing::endpoint_addresses(7);
  auto table = build_maglev_table(std::vector<uint32_t>(7, 1), names, 7);
  auto counts = slot_counts(*table, 7);
  EXPECT_EQ(counts, std::vector<uint64_t>(7, 1));
}

TEST(MaglevTable, PrimeCheck) {
  EXPECT_TRUE(is_prime(2));
  EXPECT_TRUE(is_prime(65537));
  EXPECT_TRUE(is_prime(kMaxMaglevTable));
  EXPECT_FALSE(is_prime(1));
  EXPECT_FALSE(is_prime(65535));
  EXPECT_FALSE(is_prime(65539u * 3));
}

}  // namespace
}  // namespace weir::upstream::lb
