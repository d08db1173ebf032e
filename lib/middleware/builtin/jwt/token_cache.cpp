#include "middleware/builtin/jwt/token_cache.hpp"

#include <algorithm>

#include <xxhash.h>

namespace weir::jwt {

namespace {

constexpr size_t kMaxWays = 4;
constexpr size_t kMaxStripes = 16;

size_t round_down_to_power_of_two(size_t n) {
  size_t p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

}  // namespace

TokenCache::TokenCache(size_t capacity) {
  if (capacity == 0) return;
  ways_ = std::min(kMaxWays, capacity);
  stripe_count_ = round_down_to_power_of_two(std::clamp<size_t>(capacity / ways_, 1, kMaxStripes));
  sets_per_stripe_ = std::max<size_t>(1, capacity / (stripe_count_ * ways_));
  stripes_ = std::make_unique<Stripe[]>(stripe_count_);
  for (size_t i = 0; i < stripe_count_; ++i) {
    stripes_[i].entries = std::make_unique<Entry[]>(sets_per_stripe_ * ways_);
  }
}

size_t TokenCache::capacity() const noexcept { return stripe_count_ * sets_per_stripe_ * ways_; }

uint64_t TokenCache::token_hash(std::string_view token) noexcept {
  return XXH3_64bits(token.data(), token.size());
}

TokenCache::Stripe& TokenCache::stripe_of(uint64_t hash) const noexcept {
  return stripes_[hash & (stripe_count_ - 1)];
}

TokenCache::Entry* TokenCache::set_of(Stripe& stripe, uint64_t hash) const noexcept {
  // The low bits chose the stripe; the set comes from the high ones.
  return &stripe.entries[((hash >> 32) % sets_per_stripe_) * ways_];
}

std::shared_ptr<const Claims> TokenCache::find(uint64_t hash, std::string_view token,
                                               int64_t now_ms, int64_t* valid_until_ms) {
  if (stripe_count_ == 0) return nullptr;
  Stripe& stripe = stripe_of(hash);
  std::shared_ptr<const Claims> stale;  // released after the unlock
  std::lock_guard lock(stripe.mutex);
  Entry* set = set_of(stripe, hash);
  for (size_t i = 0; i < ways_; ++i) {
    Entry& e = set[i];
    if (!e.claims || e.hash != hash || e.token != token) continue;
    if (now_ms < e.valid_until_ms) {
      e.last_use = ++stripe.clock;
      if (valid_until_ms) *valid_until_ms = e.valid_until_ms;
      return e.claims;
    }
    // Expired while cached: forget it, and let the caller verify again
    // (which refuses it with `expired`).
    stale = std::move(e.claims);
    return nullptr;
  }
  return nullptr;
}

void TokenCache::insert(uint64_t hash, std::string_view token, int64_t valid_until_ms,
                        std::shared_ptr<const Claims> claims) {
  if (stripe_count_ == 0 || !claims) return;
  Stripe& stripe = stripe_of(hash);
  std::shared_ptr<const Claims> evicted;  // released after the unlock
  std::lock_guard lock(stripe.mutex);
  Entry* set = set_of(stripe, hash);
  Entry* victim = nullptr;
  for (size_t i = 0; i < ways_ && victim == nullptr; ++i) {
    // Another worker verified the same token first: refresh its entry.
    if (set[i].claims && set[i].hash == hash && set[i].token == token) victim = &set[i];
  }
  for (size_t i = 0; i < ways_ && victim == nullptr; ++i) {
    if (!set[i].claims) victim = &set[i];
  }
  if (victim == nullptr) {  // the least recently used
    victim = &set[0];
    for (size_t i = 1; i < ways_; ++i) {
      if (set[i].last_use < victim->last_use) victim = &set[i];
    }
  }
  evicted = std::move(victim->claims);
  victim->hash = hash;
  victim->valid_until_ms = valid_until_ms;
  victim->last_use = ++stripe.clock;
  victim->token.assign(token);
  victim->claims = std::move(claims);
}

}  // namespace weir::jwt
