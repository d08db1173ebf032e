// A bounded cache of tokens that verified, so a client that sends the same
// token on every request pays for its signature once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "middleware/builtin/jwt/claims.hpp"

namespace weir::jwt {

// Entries are spread over up to 16 stripes by the token's hash, each with its
// own small mutex, 4-way set-associative inside. Workers that look up
// different tokens almost never meet on one mutex, and a hit allocates
// nothing: it compares, then copies a shared_ptr. Per-thread caches would
// need no mutex at all, but would hold each token once per worker and miss
// whenever a client's connections land on different workers.
//
// Entries are keyed by XXH3-64 of the token, and the whole token is stored
// and compared, so a hash collision (accidental or crafted) is a miss, never
// another token's verdict. Only tokens that verified are stored; memory is
// at most capacity x kMaxTokenBytes (32 MiB at the default 4096 entries,
// about 4 MiB with 1 KiB tokens).
class TokenCache {
 public:
  // 0 disables the cache: find() misses and insert() drops.
  explicit TokenCache(size_t capacity);
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // Entries it can hold: capacity rounded down to whole sets.
  size_t capacity() const noexcept;

  // The claims of `token` if it is cached and still valid at `now_ms`; an
  // entry found expired is dropped. `hash` is token_hash(token), passed in
  // so that tests can force collisions. `valid_until_ms`, when given, gets
  // the entry's.
  std::shared_ptr<const Claims> find(uint64_t hash, std::string_view token, int64_t now_ms,
                                     int64_t* valid_until_ms = nullptr);

  // Remembers that `token` is valid until `valid_until_ms` (exclusive).
  void insert(uint64_t hash, std::string_view token, int64_t valid_until_ms,
              std::shared_ptr<const Claims> claims);

  static uint64_t token_hash(std::string_view token) noexcept;

 private:
  struct Entry {
    uint64_t hash = 0;
    int64_t valid_until_ms = 0;
    uint64_t last_use = 0;
    std::string token;
    std::shared_ptr<const Claims> claims;  // null: free slot
  };
  // One cache line apart, so that two workers' mutexes do not share one.
  struct alignas(64) Stripe {
    std::mutex mutex;
    std::unique_ptr<Entry[]> entries;
    uint64_t clock = 0;
  };
  Entry* set_of(Stripe& stripe, uint64_t hash) const noexcept;
  Stripe& stripe_of(uint64_t hash) const noexcept;

  size_t ways_ = 0;
  size_t sets_per_stripe_ = 0;
  size_t stripe_count_ = 0;  // a power of two, or 0 when disabled
  std::unique_ptr<Stripe[]> stripes_;
};

}  // namespace weir::jwt
