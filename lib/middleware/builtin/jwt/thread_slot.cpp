#include "middleware/builtin/jwt/thread_slot.hpp"

#include <atomic>

namespace weir::jwt {

size_t thread_slot() noexcept {
  static std::atomic<size_t> next{0};
  thread_local const size_t slot = next.fetch_add(1, std::memory_order_relaxed);
  return slot;
}

}  // namespace weir::jwt
