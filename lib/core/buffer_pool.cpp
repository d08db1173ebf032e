#include "core/buffer_pool.hpp"

#include <cstdlib>
#include <cstring>

#include "core/huge_arena.hpp"

namespace weir::core {

BufferPool::~BufferPool() {
  for (char* p : free_)
    if (!carved_from(arena_, p)) std::free(p);
}

IoBuffer BufferPool::take() {
  if (!free_.empty()) {
    char* p = free_.back();
    free_.pop_back();
    return {p, block_};
  }
  char* p = arena_ ? static_cast<char*>(arena_->carve(block_)) : nullptr;
  if (!p) p = static_cast<char*>(std::malloc(block_));
  return p ? IoBuffer{p, block_} : IoBuffer{};
}

void BufferPool::give(IoBuffer buf) {
  if (!buf.data) return;
  // Grown buffers (large heads) are rare; keeping them would pin memory.
  // Past the cache only the arena's are kept: they cannot be freed.
  if (buf.cap != block_ || (free_.size() >= max_cached_ && !carved_from(arena_, buf.data))) {
    std::free(buf.data);
    return;
  }
  free_.push_back(buf.data);
}

bool BufferPool::grow(IoBuffer& buf, uint32_t min_cap) {
  if (buf.cap >= min_cap) return true;
  uint32_t cap = buf.cap ? buf.cap : 4096;
  while (cap < min_cap) cap *= 2;
  if (buf.data && buf.cap == block_ && carved_from(arena_, buf.data)) {
    // The arena's pieces stay the pool's: copy out and keep this one (or,
    // without memory for the free list, leave it unused: the arena bounds it).
    char* p = static_cast<char*>(std::malloc(cap));
    if (!p) return false;
    std::memcpy(p, buf.data, buf.cap);
    try {
      free_.push_back(buf.data);
    } catch (...) {
    }
    buf.data = p;
    buf.cap = cap;
    return true;
  }
  char* p = static_cast<char*>(std::realloc(buf.data, cap));
  if (!p) return false;
  buf.data = p;
  buf.cap = cap;
  return true;
}

}  // namespace weir::core
