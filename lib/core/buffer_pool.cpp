#include "core/buffer_pool.hpp"

#include <cstdlib>
#include <cstring>

namespace weir::core {

BufferPool::~BufferPool() {
  for (char* p : free_) std::free(p);
}

IoBuffer BufferPool::take() {
  if (!free_.empty()) {
    char* p = free_.back();
    free_.pop_back();
    return {p, block_};
  }
  char* p = static_cast<char*>(std::malloc(block_));
  return p ? IoBuffer{p, block_} : IoBuffer{};
}

void BufferPool::give(IoBuffer buf) {
  if (!buf.data) return;
  // Grown buffers (large heads) are rare; keeping them would pin memory.
  if (buf.cap != block_ || free_.size() >= max_cached_) {
    std::free(buf.data);
    return;
  }
  free_.push_back(buf.data);
}

bool BufferPool::grow(IoBuffer& buf, uint32_t min_cap) {
  if (buf.cap >= min_cap) return true;
  uint32_t cap = buf.cap ? buf.cap : 4096;
  while (cap < min_cap) cap *= 2;
  char* p = static_cast<char*>(std::realloc(buf.data, cap));
  if (!p) return false;
  buf.data = p;
  buf.cap = cap;
  return true;
}

}  // namespace weir::core
