// Each thread's own small front of the shared TokenCache. A hit in the
// shared cache takes a stripe's mutex and copies a shared_ptr: four locked
// instructions per request with the release, each waiting for the stores
// before it. A hit here takes none: the front is the thread's alone and its
// entries are counted with plain integers (core/loop_ref.hpp), so an
// exchange holds the claims it was given without touching an atomic.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/loop_ref.hpp"
#include "middleware/builtin/jwt/claims.hpp"
#include "weir/middleware.hpp"

namespace weir::jwt {

class TokenFronts {
 public:
  // Threads alive at once that get a front (thread_slot() below this);
  // others use the shared cache alone.
  static constexpr size_t kMaxThreads = 256;
  // Entries per front at most, direct-mapped by the token's hash.
  static constexpr size_t kMaxEntries = 16;

  // A verified token: held by its front and by the exchanges given it, all
  // on the front's thread.
  struct Entry final : core::LoopCounted, Context::Hold {
    uint64_t hash = 0;
    int64_t valid_until_ms = 0;
    std::string token;
    std::shared_ptr<const Claims> claims;
    void release() noexcept override { core::LoopRef<Entry>::adopt(this); }  // drops one
  };
  using Ref = core::LoopRef<Entry>;

  // `entries` per front, rounded down to a power of two, at most
  // kMaxEntries; 0 disables the fronts.
  explicit TokenFronts(size_t entries);
  ~TokenFronts();
  TokenFronts(const TokenFronts&) = delete;
  TokenFronts& operator=(const TokenFronts&) = delete;

  size_t entries() const noexcept { return fronts_ ? mask_ + 1 : 0; }

  // The calling thread's entry for `token` (whose token_hash is `hash`)
  // when it is still valid at `now_ms`; an expired one is dropped. Compares
  // the whole token: a hash collision is a miss.
  Ref find(uint64_t hash, std::string_view token, int64_t now_ms);
  // Puts a verified token in the calling thread's front, in place of the
  // entry in its way (exchanges holding that one keep it), and returns it.
  // Null when the fronts are off or full of threads, or out of memory.
  Ref put(uint64_t hash, std::string_view token, int64_t valid_until_ms,
          std::shared_ptr<const Claims> claims);

 private:
  struct Front;
  Front* front(bool create);

  size_t mask_ = 0;  // entries - 1
  // Slot i is created and used by the thread with thread_slot() i, and freed
  // by the destructor, once no thread uses this object any more.
  std::unique_ptr<std::atomic<Front*>[]> fronts_;
};

}  // namespace weir::jwt
