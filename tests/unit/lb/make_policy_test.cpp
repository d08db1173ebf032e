// make_policy's error values, the kind names, clones and the fixed key hash.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "policy_fixture.hpp"
#include "upstream/lb/hash_key.hpp"
#include "upstream/lb/policy.hpp"

namespace weir::upstream::lb {
namespace {

using testing::must_make;

constexpr Kind kAllKinds[] = {Kind::round_robin, Kind::weighted_round_robin,
                              Kind::least_request, Kind::random,
                              Kind::ring_hash,     Kind::maglev};

TEST(MakePolicy, EmptyWeightListIsAnErrorForEveryKind) {
  for (Kind kind : kAllKinds) {
    PolicyResult r = make_policy(kind, {}, {});
    EXPECT_FALSE(r) << kind_name(kind);
    EXPECT_EQ(r.policy, nullptr);
    EXPECT_EQ(r.error, "no endpoints");
  }
}

TEST(MakePolicy, ZeroAndOversizedWeightsAreErrorsNamingTheEndpoint) {
  PolicyResult zero = make_policy(Kind::random, {1, 0, 2}, {});
  EXPECT_FALSE(zero);
  EXPECT_NE(zero.error.find("endpoints[1].weight"), std::string::npos) << zero.error;
  PolicyResult big = make_policy(Kind::maglev, {kMaxWeight + 1}, {});
  EXPECT_FALSE(big);
  EXPECT_NE(big.error.find("endpoints[0].weight"), std::string::npos) << big.error;
  EXPECT_TRUE(make_policy(Kind::maglev, {kMaxWeight, 1}, {}));
}

TEST(MakePolicy, TooManyEndpointsIsAnError) {
  std::vector<uint32_t> weights(kMaxEndpoints + 1, 1);
  EXPECT_FALSE(make_policy(Kind::round_robin, weights, {}));
}

TEST(MakePolicy, NamesMustMatchTheEndpointsAndBeDistinct) {
  const std::vector<std::string_view> two = {"a:1", "b:1"};
  EXPECT_FALSE(make_policy(Kind::ring_hash, {1, 1, 1}, {.names = two}));
  const std::vector<std::string_view> repeated = {"a:1", "b:1", "a:1"};
  PolicyResult r = make_policy(Kind::maglev, {1, 1, 1}, {.names = repeated});
  EXPECT_FALSE(r);
  EXPECT_NE(r.error.find("endpoints[2]"), std::string::npos) << r.error;
  const std::vector<std::string_view> three = {"a:1", "b:1", "c:1"};
  EXPECT_TRUE(make_policy(Kind::maglev, {1, 1, 1}, {.names = three}));
}

TEST(MakePolicy, MaglevTableSizeMustBeAPrimeAtLeastTheEndpointCount) {
  EXPECT_FALSE(make_policy(Kind::maglev, {1, 1}, {.maglev_table_size = 65536}));
  EXPECT_FALSE(make_policy(Kind::maglev, {1, 1}, {.maglev_table_size = 1}));
  EXPECT_FALSE(make_policy(Kind::maglev, {1, 1, 1, 1}, {.maglev_table_size = 3}));
  EXPECT_FALSE(make_policy(Kind::maglev, {1, 1}, {.maglev_table_size = 4294967291u}));
  EXPECT_TRUE(make_policy(Kind::maglev, {1, 1}, {.maglev_table_size = 251}));
}

TEST(MakePolicy, RingSizesAreBounded) {
  EXPECT_FALSE(make_policy(Kind::ring_hash, {1}, {.ring_points_per_weight = 0}));
  EXPECT_FALSE(make_policy(Kind::ring_hash, {1}, {.max_ring_size = kMaxRingSize + 1}));
  EXPECT_FALSE(make_policy(Kind::ring_hash, {1, 1, 1}, {.max_ring_size = 2}));
  EXPECT_TRUE(make_policy(Kind::ring_hash, {1, 1, 1}, {.max_ring_size = 3}));
}

TEST(MakePolicy, KindNamesRoundTripAndUnknownNamesAreRefused) {
  for (Kind kind : kAllKinds) {
    auto parsed = parse_kind(kind_name(kind));
    ASSERT_TRUE(parsed.has_value()) << kind_name(kind);
    EXPECT_EQ(*parsed, kind);
    auto policy = must_make(kind, {1, 2});
    ASSERT_NE(policy, nullptr);
    EXPECT_EQ(policy->kind(), kind);
    EXPECT_EQ(policy->size(), 2u);
  }
  EXPECT_FALSE(parse_kind("least_conn").has_value());
  EXPECT_FALSE(parse_kind("").has_value());
  EXPECT_EQ(kind_name(Kind::weighted_round_robin), "weighted_round_robin");
}

TEST(MakePolicy, OneEndpointIsAlwaysPicked) {
  const uint32_t active[] = {7};
  for (Kind kind : kAllKinds) {
    auto policy = must_make(kind, {3});
    ASSERT_NE(policy, nullptr);
    for (uint64_t i = 0; i < 50; ++i) {
      EXPECT_EQ(policy->pick({.hash = i * 0x9e3779b97f4a7c15ULL, .active = active}), 0u)
          << kind_name(kind);
    }
  }
}

TEST(MakePolicy, ClonesKeepKindSizeAndPanicModeAndHashingClonesAgree) {
  const std::vector<uint32_t> weights = {1, 2, 3, 4};
  for (Kind kind : kAllKinds) {
    auto policy = must_make(kind, weights, {.panic = PanicMode::fail, .seed = 1});
    ASSERT_NE(policy, nullptr);
    auto copy = policy->clone(99);
    EXPECT_EQ(copy->kind(), kind);
    EXPECT_EQ(copy->size(), 4u);
    EXPECT_EQ(copy->panic(), PanicMode::fail);
    const uint8_t none[] = {0, 0, 0, 0};
    EXPECT_EQ(copy->pick({.available = none}), kNone) << kind_name(kind);
    if (kind == Kind::ring_hash || kind == Kind::maglev) {
      for (uint64_t k = 0; k < 1000; ++k) {
        uint64_t h = hash_key("key-" + std::to_string(k));
        EXPECT_EQ(policy->pick({.hash = h}), copy->pick({.hash = h}));
      }
    }
  }
}

TEST(MakePolicy, ClonesOfRandomPoliciesFollowTheirOwnSeed) {
  auto policy = must_make(Kind::random, std::vector<uint32_t>(100, 1), {.seed = 5});
  auto a = policy->clone(1);
  auto b = policy->clone(2);
  auto a_again = policy->clone(1);
  int differ = 0;
  for (int i = 0; i < 100; ++i) {
    uint32_t x = a->pick({});
    EXPECT_EQ(x, a_again->pick({}));
    differ += x != b->pick({}) ? 1 : 0;
  }
  EXPECT_GT(differ, 80);  // two independent uniform streams over 100 agree ~1% of the time
}

// The key hash is part of the contract between gateway instances (and
// between releases): these values must never change.
TEST(HashKey, IsFixedAcrossBuildsAndInstances) {
  EXPECT_EQ(hash_key(""), hash_key(std::string_view("", 0)));
  EXPECT_NE(hash_key("user-1"), hash_key("user-2"));
  EXPECT_EQ(hash_key("user-42"), 0xa0f701600d699f73ULL);
  EXPECT_EQ(hash_key("10.0.0.1"), 0x443873a87bb57d5eULL);
}

}  // namespace
}  // namespace weir::upstream::lb
