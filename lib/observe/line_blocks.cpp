#include "observe/line_blocks.hpp"

#include <algorithm>
#include <new>

namespace weir::observe {

LineBlocks::LineBlocks(size_t block_bytes, uint32_t max_blocks)
    : block_bytes_(std::max<size_t>(block_bytes, 1)),
      // One block could never be handed back: the writer recycles only
      // blocks the producer has left.
      max_blocks_(std::max<uint32_t>(max_blocks, 2)) {
  cur_ = make_block();
  head_ = cur_;
}

LineBlocks::~LineBlocks() {
  // Every block is on the chain from head_ (through cur_) or on free_.
  for (Block* b = head_; b;) {
    Block* next = b->next.load(std::memory_order_relaxed);
    destroy(b);
    b = next;
  }
  for (Block* b = free_.load(std::memory_order_relaxed); b;) {
    Block* next = b->free_next;
    destroy(b);
    b = next;
  }
}

bool LineBlocks::advance() noexcept {
  Block* b = take_free();
  if (!b) return false;
  cur_->next.store(b, std::memory_order_release);
  cur_ = b;
  cur_used_ = 0;
  return true;
}

LineBlocks::Block* LineBlocks::take_free() noexcept {
  Block* top = free_.load(std::memory_order_acquire);
  while (top && !free_.compare_exchange_weak(top, top->free_next, std::memory_order_acquire,
                                             std::memory_order_acquire)) {
  }
  if (top) return top;
  // Nothing drained yet: grow, once per block, up to the bound.
  return allocated_.load(std::memory_order_relaxed) < max_blocks_ ? make_block() : nullptr;
}

void LineBlocks::recycle(Block* b) noexcept {
  b->used.store(0, std::memory_order_relaxed);
  b->next.store(nullptr, std::memory_order_relaxed);
  Block* top = free_.load(std::memory_order_relaxed);
  do {
    b->free_next = top;
  } while (!free_.compare_exchange_weak(top, b, std::memory_order_release, std::memory_order_relaxed));
}

LineBlocks::Block* LineBlocks::make_block() noexcept {
  void* p = ::operator new(sizeof(Block) + block_bytes_, std::align_val_t{alignof(Block)}, std::nothrow);
  if (!p) return nullptr;
  allocated_.store(allocated_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  return new (p) Block;
}

void LineBlocks::destroy(Block* b) noexcept {
  b->~Block();
  ::operator delete(b, std::align_val_t{alignof(Block)});
}

}  // namespace weir::observe
