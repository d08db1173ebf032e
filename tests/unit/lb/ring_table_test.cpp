// ring_hash's ring: how many points each endpoint gets.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "consistent_hash_fixture.hpp"
#include "upstream/lb/ring_hash.hpp"

namespace weir::upstream::lb {
namespace {

TEST(RingHash, PointsPerWeightAndWeightsInLowestTerms) {
  auto policy = testing::must_make(Kind::ring_hash, {7, 7, 7});
  auto* ring = dynamic_cast<RingHash*>(policy.get());
  ASSERT_NE(ring, nullptr);
  EXPECT_EQ(ring->ring_size(), 3u * 160u);  // 7,7,7 is 1,1,1
  auto more = testing::must_make(Kind::ring_hash, {1, 1, 1}, {.ring_points_per_weight = 1000});
  EXPECT_EQ(dynamic_cast<RingHash*>(more.get())->ring_size(), 3000u);
}

TEST(RingHash, PointsFollowTheWeights) {
  std::string error;
  auto ring = build_ring({2, 6, 4}, testing::endpoint_addresses(3), 160, 1u << 20, &error);
  ASSERT_NE(ring, nullptr) << error;
  std::vector<uint32_t> points(3, 0);
  for (uint32_t owner : ring->owners) ++points[owner];
  EXPECT_EQ(points, (std::vector<uint32_t>{160, 480, 320}));
  EXPECT_TRUE(std::is_sorted(ring->points.begin(), ring->points.end()));
}

TEST(RingHash, AnEndpointsPointsDoNotDependOnTheOthers) {
  std::string error;
  auto names = testing::endpoint_addresses(4);
  auto four = build_ring({1, 2, 3, 4}, names, 160, 1u << 20, &error);
  names.pop_back();
  auto three = build_ring({1, 2, 3}, names, 160, 1u << 20, &error);
  ASSERT_NE(four, nullptr);
  ASSERT_NE(three, nullptr);
  // The three-endpoint ring is the four-endpoint ring without endpoint 3's points.
  std::vector<uint64_t> kept;
  for (size_t i = 0; i < four->points.size(); ++i) {
    if (four->owners[i] != 3) kept.push_back(four->points[i]);
  }
  EXPECT_EQ(kept, three->points);
}

TEST(RingHash, SkewedWeightsAreCappedAndTheLightestKeepsAPoint) {
  std::string error;
  auto ring = build_ring({1, kMaxWeight}, testing::endpoint_addresses(2), 160, 4096, &error);
  ASSERT_NE(ring, nullptr) << error;
  EXPECT_LE(ring->points.size(), 4096u);
  EXPECT_GE(ring->points.size(), 4000u);
  EXPECT_GE(std::count(ring->owners.begin(), ring->owners.end(), 0u), 1);
}

TEST(RingHash, MoreEndpointsThanPointsIsAnError) {
  std::string error;
  EXPECT_EQ(build_ring({1, 1, 1}, testing::endpoint_addresses(3), 160, 2, &error), nullptr);
  EXPECT_NE(error.find("max_ring_size"), std::string::npos) << error;
}

}  // namespace
}  // namespace weir::upstream::lb
