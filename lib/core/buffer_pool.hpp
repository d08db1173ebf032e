// Per-worker pool of fixed-size I/O buffers. A connection takes a buffer when
// bytes arrive and gives it back as soon as everything in it is consumed, so
// an idle keep-alive connection holds no read buffer. Loop-affine: no locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace weir::core {

struct IoBuffer {
  char* data = nullptr;
  uint32_t cap = 0;
};

class BufferPool {
 public:
  static constexpr uint32_t kSize = 32 * 1024;

  explicit BufferPool(uint32_t block_size = kSize, size_t max_cached = 256)
      : block_(block_size), max_cached_(max_cached) {}
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  uint32_t block_size() const noexcept { return block_; }
  // A buffer of exactly block_size() bytes, or {nullptr, 0} when memory ran out.
  IoBuffer take();
  // Returns a buffer taken from this pool or grown by grow(); NULL is a no-op.
  void give(IoBuffer buf);
  // Enlarges `buf` to at least `min_cap`, keeping its contents.
  static bool grow(IoBuffer& buf, uint32_t min_cap);

 private:
  uint32_t block_;
  std::vector<char*> free_;
  size_t max_cached_;
};

}  // namespace weir::core
