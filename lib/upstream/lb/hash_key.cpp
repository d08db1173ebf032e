#include "upstream/lb/hash_key.hpp"

#include <xxhash.h>

namespace weir::upstream::lb {

namespace {
// "weir-key" in ASCII; part of the on-the-wire contract between instances.
constexpr uint64_t kKeySeed = 0x776569722d6b6579ULL;
}  // namespace

uint64_t hash_key(std::string_view key) noexcept {
  return XXH3_64bits_withSeed(key.data(), key.size(), kKeySeed);
}

uint64_t hash_endpoint(std::string_view name, uint64_t seed) noexcept {
  return XXH64(name.data(), name.size(), seed);
}

}  // namespace weir::upstream::lb
