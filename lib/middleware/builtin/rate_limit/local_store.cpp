#include "middleware/builtin/rate_limit/local_store.hpp"

#include <bit>
#include <new>

namespace weir::ratelimit {

std::unique_ptr<LocalStore> LocalStore::create(size_t max_keys) noexcept {
  const size_t capacity = std::bit_ceil(max_keys < kProbe / 2 ? kProbe : 2 * max_keys);
  std::unique_ptr<Slot[]> slots(new (std::nothrow) Slot[capacity]);
  if (!slots) return nullptr;
  std::unique_ptr<LocalStore> store(new (std::nothrow) LocalStore(std::move(slots), capacity));
  return store;
}

bool LocalStore::held_elsewhere(uint64_t home, uint64_t key, const Slot* mine) const noexcept {
  for (size_t i = 0; i < kProbe; ++i) {
    const Slot& s = at(home, i);
    if (&s != mine && s.key.load() == key) return true;
  }
  return false;
}

StoreStats LocalStore::stats() const noexcept {
  return {mask_ + 1, counters_.evictions.load(std::memory_order_relaxed),
          counters_.overflow.load(std::memory_order_relaxed),
          counters_.contended.load(std::memory_order_relaxed)};
}

}  // namespace weir::ratelimit
