#include "middleware/builtin/jwt/thread_slot.hpp"

#include <mutex>
#include <vector>

namespace weir::jwt {

namespace {

// Slots of threads that ended are handed out again, so the numbers stay
// about as many as the threads alive at once, however many come and go (a
// host that restarts its gateway starts new workers).
struct Slots {
  std::mutex mutex;
  std::vector<size_t> free;
  size_t next = 0;
};

Slots& slots() {
  static Slots* s = new Slots;  // never destroyed: threads may end after exit starts
  return *s;
}

struct ThreadSlot {
  size_t slot;
  ThreadSlot() {
    Slots& s = slots();
    std::lock_guard lock(s.mutex);
    if (s.free.empty()) {
      slot = s.next++;
    } else {
      slot = s.free.back();
      s.free.pop_back();
    }
  }
  ~ThreadSlot() {
    Slots& s = slots();
    std::lock_guard lock(s.mutex);
    try {
      s.free.push_back(slot);
    } catch (...) {  // out of memory: the slot is not reused
    }
  }
};

}  // namespace

size_t thread_slot() noexcept {
  thread_local const ThreadSlot slot;
  return slot.slot;
}

}  // namespace weir::jwt
