// Per-worker pool of fixed-size I/O buffers. A connection takes a buffer when
// bytes arrive and gives it back as soon as everything in it is consumed, so
// an idle keep-alive connection holds no read buffer. Given an arena, new
// buffers come from its huge pages while it has room (core/huge_arena.hpp).
// Loop-affine: no locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace weir::core {

class HugeArena;

struct IoBuffer {
  char* data = nullptr;
  uint32_t cap = 0;
};

class BufferPool {
 public:
  static constexpr uint32_t kSize = 32 * 1024;

  explicit BufferPool(uint32_t block_size = kSize, HugeArena* arena = nullptr,
                      size_t max_cached = 256)
      : block_(block_size), max_cached_(max_cached), arena_(arena) {}
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  uint32_t block_size() const noexcept { return block_; }
  // A buffer of exactly block_size() bytes, or {nullptr, 0} when memory ran out.
  IoBuffer take();
  // Returns a buffer taken from this pool or grown by grow(); NULL is a no-op.
  // Buffers from the arena are always kept (the arena bounds them), others up
  // to max_cached.
  void give(IoBuffer buf);
  // Enlarges `buf`, taken from this pool, to at least `min_cap`, keeping its
  // contents. A grown buffer is the heap's (given back, it is freed).
  bool grow(IoBuffer& buf, uint32_t min_cap);

 private:
  uint32_t block_;
  std::vector<char*> free_;
  size_t max_cached_;
  HugeArena* arena_;
};

}  // namespace weir::core
