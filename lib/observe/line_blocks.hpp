// One producer's bounded buffer of whole lines, as a chain of fixed-size
// blocks: a worker appends without a lock or a system call, one writer
// thread drains. The blocks the writer has finished go back to the worker
// most recently drained first, so while the writer keeps up the worker
// cycles through the few blocks one drain interval fills instead of walking
// the whole bound (more memory touched, more of the worker's data evicted).
//
// Protocol. The producer fills its current block and publishes the bytes
// written so far with a release store of `used`. When a line does not fit,
// it takes a free block and links it as `next` of the current one (release):
// a non-null `next` seals the block, and its `used` is then final. The
// writer, oldest block first, acquire-loads `next` and then `used`, hands
// [drained, used) to its sink, and once it has seen `next` it resets the
// block and pushes it on `free_` (release). Only the producer pops `free_`
// (acquire), so the stack has no ABA: a block cannot leave and come back
// between a pop's load and its compare-exchange.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace weir::observe {

class LineBlocks {
 public:
  // `max_blocks` (at least 2) blocks of `block_bytes` bound what waits for
  // the writer; blocks are allocated as the producer first needs them.
  LineBlocks(size_t block_bytes, uint32_t max_blocks);
  ~LineBlocks();
  LineBlocks(const LineBlocks&) = delete;
  LineBlocks& operator=(const LineBlocks&) = delete;

  // False when the first block could not be allocated; push() then refuses.
  bool ok() const noexcept { return cur_ != nullptr; }

  // Producer side. Appends `line` whole, or refuses it (the caller counts a
  // drop): a line longer than a block, or no free block left within the
  // bound while the current one is full.
  bool push(std::string_view line) noexcept {
    size_t n = line.size();
    if (n > block_bytes_ || !cur_) return false;
    if (n > block_bytes_ - cur_used_ && !advance()) return false;
    std::memcpy(cur_->data() + cur_used_, line.data(), n);
    cur_used_ += n;
    cur_->used.store(cur_used_, std::memory_order_release);
    return true;
  }

  // Writer side (one at a time): calls sink(ptr, len) for every byte pushed
  // and not yet drained, oldest first, one call per block; a block goes back
  // to the producer once sink has returned for its last byte. Returns the
  // bytes drained.
  template <typename Sink>
  size_t drain(Sink&& sink) {
    size_t total = 0;
    while (head_) {
      Block* next = head_->next.load(std::memory_order_acquire);
      size_t used = head_->used.load(std::memory_order_acquire);  // final once next is set
      if (used > drained_) {
        sink(static_cast<const char*>(head_->data() + drained_), used - drained_);
        total += used - drained_;
        drained_ = used;
      }
      if (!next) break;
      recycle(head_);
      head_ = next;
      drained_ = 0;
    }
    return total;
  }

  // Blocks allocated so far (at most max_blocks); any thread, for tests.
  uint32_t blocks() const noexcept { return allocated_.load(std::memory_order_relaxed); }
  size_t block_bytes() const noexcept { return block_bytes_; }

 private:
  struct alignas(64) Block {
    std::atomic<size_t> used{0};
    std::atomic<Block*> next{nullptr};
    Block* free_next = nullptr;  // the link on free_; plain: see the protocol
    char* data() noexcept { return reinterpret_cast<char*>(this + 1); }
  };

  bool advance() noexcept;  // seals the current block, moves to a free one
  Block* take_free() noexcept;
  void recycle(Block* b) noexcept;
  Block* make_block() noexcept;
  static void destroy(Block* b) noexcept;

  const size_t block_bytes_;
  const uint32_t max_blocks_;
  // Producer only.
  Block* cur_ = nullptr;
  size_t cur_used_ = 0;
  std::atomic<uint32_t> allocated_{0};  // written by the producer (and the constructor)
  // Writer only.
  alignas(64) Block* head_ = nullptr;
  size_t drained_ = 0;
  // Pushed by the writer, popped by the producer.
  alignas(64) std::atomic<Block*> free_{nullptr};
};

}  // namespace weir::observe
