// pick() makes no heap allocation, on the fast path and on the slow paths
// (unavailable endpoints, the fallbacks, panic). The test program counts
// operator new through benchmarks/micro/alloc_counter.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "policy_fixture.hpp"
#include "upstream/lb/random_state.hpp"

namespace weir::upstream::lb {
namespace {

class PickAllocation : public ::testing::TestWithParam<Kind> {};

TEST_P(PickAllocation, NoneOnAnyPath) {
  for (uint32_t n : {2u, 100u}) {
    std::vector<uint32_t> weights(n);
    for (uint32_t i = 0; i < n; ++i) weights[i] = 1 + i % 7;
    for (PanicMode panic : {PanicMode::spread, PanicMode::fail}) {
      auto policy = testing::must_make(GetParam(), weights, {.panic = panic, .seed = 1});
      ASSERT_NE(policy, nullptr);
      std::vector<uint32_t> active(n, 1);
      std::vector<uint8_t> some(n, 0);
      some[n - 1] = 1;
      const std::vector<uint8_t> none(n, 0);
      RandomState random(2);
      const size_t before = bench::allocation_count();
      uint64_t sink = 0;
      for (int p = 0; p < 2000; ++p) {
        sink += policy->pick({.hash = random.next(), .active = active.data()});
        sink += policy->pick({.hash = random.next(), .available = some.data()});
        sink += policy->pick({.hash = random.next(), .available = none.data()});
      }
      EXPECT_EQ(bench::allocation_count() - before, 0u) << "n=" << n;
      EXPECT_GT(sink, 0u);
    }
  }
}

TEST(PickAllocationCounter, SeesAllocations) {
  // The counter must be able to fail the test above.
  const size_t before = bench::allocation_count();
  auto policy = testing::must_make(Kind::maglev, {1, 1});
  EXPECT_GT(bench::allocation_count() - before, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllKinds, PickAllocation,
                         ::testing::Values(Kind::round_robin, Kind::weighted_round_robin,
                                           Kind::least_request, Kind::random, Kind::ring_hash,
                                           Kind::maglev),
                         [](const auto& info) { return std::string(kind_name(info.param)); });

}  // namespace
}  // namespace weir::upstream::lb
