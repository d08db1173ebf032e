#include "middleware/builtin/jwt/token_front.hpp"

#include <new>

#include "middleware/builtin/jwt/thread_slot.hpp"

namespace weir::jwt {

struct TokenFronts::Front {
  Ref entries[kMaxEntries];
};

TokenFronts::TokenFronts(size_t entries) {
  if (entries == 0) return;
  size_t n = 1;
  while (n * 2 <= entries && n * 2 <= kMaxEntries) n *= 2;
  mask_ = n - 1;
  fronts_ = std::make_unique<std::atomic<Front*>[]>(kMaxThreads);
}

TokenFronts::~TokenFronts() {
  if (!fronts_) return;
  for (size_t i = 0; i < kMaxThreads; ++i) delete fronts_[i].load(std::memory_order_acquire);
}

TokenFronts::Front* TokenFronts::front(bool create) {
  if (!fronts_) return nullptr;
  size_t slot = thread_slot();
  if (slot >= kMaxThreads) return nullptr;
  // Only this thread writes the slot; the release pairs with the
  // destructor's acquire.
  Front* f = fronts_[slot].load(std::memory_order_relaxed);
  if (!f && create) {
    f = new (std::nothrow) Front;
    fronts_[slot].store(f, std::memory_order_release);
  }
  return f;
}

TokenFronts::Ref TokenFronts::find(uint64_t hash, std::string_view token, int64_t now_ms) {
  Front* f = front(false);
  if (!f) return {};
  Ref& e = f->entries[hash & mask_];
  if (!e || e->hash != hash || e->token != token) return {};
  if (now_ms >= e->valid_until_ms) {
    e.reset();
    return {};
  }
  return e;
}

TokenFronts::Ref TokenFronts::put(uint64_t hash, std::string_view token, int64_t valid_until_ms,
                                  std::shared_ptr<const Claims> claims) {
  Front* f = front(true);
  if (!f || !claims) return {};
  Entry* e = new (std::nothrow) Entry;
  if (!e) return {};
  Ref ref(e);
  try {
    e->token.assign(token);
  } catch (...) {
    return {};
  }
  e->hash = hash;
  e->valid_until_ms = valid_until_ms;
  e->claims = std::move(claims);
  f->entries[hash & mask_] = ref;
  return ref;
}

}  // namespace weir::jwt
