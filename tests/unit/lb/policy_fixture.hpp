// Shared helpers of the load-balancing tests: building a policy that must
// build, and counting picks.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "upstream/lb/policy.hpp"

namespace weir::upstream::lb::testing {

inline std::unique_ptr<Policy> must_make(Kind kind, const std::vector<uint32_t>& weights,
                                         const Options& options = {}) {
  PolicyResult result = make_policy(kind, weights, options);
  EXPECT_TRUE(result) << kind_name(kind) << ": " << result.error;
  return std::move(result.policy);
}

// Picks `picks` times with the same input and counts the endpoints chosen;
// a kNone or out-of-range pick fails the test.
inline std::vector<uint64_t> count_picks(Policy& policy, const PickInput& input, uint32_t picks) {
  std::vector<uint64_t> counts(policy.size(), 0);
  for (uint32_t i = 0; i < picks; ++i) {
    uint32_t e = policy.pick(input);
    if (e >= policy.size()) {
      ADD_FAILURE() << "pick " << i << " returned " << e;
      break;
    }
    ++counts[e];
  }
  return counts;
}

}  // namespace weir::upstream::lb::testing
