// Helpers for the consistent-hashing tests (ring_hash, maglev): named
// endpoints, a fixed set of keys, and where each key goes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy_fixture.hpp"
#include "upstream/lb/hash_key.hpp"

namespace weir::upstream::lb::testing {

constexpr uint32_t kKeys = 10000;

// "10.0.<i/250>.<i%250>:8080", the kind of name the gateway passes.
inline std::vector<std::string> endpoint_addresses(uint32_t count, uint32_t first = 0) {
  std::vector<std::string> out;
  for (uint32_t i = first; i < first + count; ++i) {
    out.push_back("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ":8080");
  }
  return out;
}

inline std::vector<uint64_t> key_hashes() {
  std::vector<uint64_t> out;
  for (uint32_t k = 0; k < kKeys; ++k) out.push_back(hash_key("session-" + std::to_string(k)));
  return out;
}

// Builds a policy over `names` (weights default to 1) and returns, per key,
// the NAME of the endpoint it maps to, so that mappings over different
// endpoint lists compare directly.
inline std::vector<std::string> map_keys(Kind kind, const std::vector<std::string>& names,
                                         std::vector<uint32_t> weights = {},
                                         const uint8_t* available = nullptr, uint64_t seed = 0) {
  if (weights.empty()) weights.assign(names.size(), 1);
  std::vector<std::string_view> views(names.begin(), names.end());
  auto policy = must_make(kind, weights, {.seed = seed, .names = views});
  std::vector<std::string> out;
  if (policy == nullptr) return out;
  for (uint64_t h : key_hashes()) {
    uint32_t e = policy->pick({.hash = h, .available = available});
    out.push_back(e < names.size() ? names[e] : std::string("<none>"));
  }
  return out;
}

inline double moved_fraction(const std::vector<std::string>& before,
                             const std::vector<std::string>& after) {
  size_t moved = 0;
  for (size_t k = 0; k < before.size(); ++k) moved += before[k] != after[k] ? 1 : 0;
  return static_cast<double>(moved) / static_cast<double>(before.size());
}

}  // namespace weir::upstream::lb::testing
