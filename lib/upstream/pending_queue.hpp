// The requests of one worker that wait for a connection to one endpoint
// (its pool is at max_connections, or the upstream's circuit breaker at its
// gateway-wide max_connections), first come first served. An intrusive list:
// waiting costs no allocation, and a waiter leaves in O(1) whenever its
// client goes away. Loop-affine, like the pool that holds it.
#pragma once

#include <cstdint>

namespace weir::upstream {

class PendingWaiter {
 public:
  // The queue's head may get a connection now. Called from inside the pool's
  // bookkeeping (a connection closing or going idle), so it must only
  // schedule the attempt (a zero timer), never make it there.
  virtual void wake() noexcept = 0;
  bool waiting() const noexcept { return queued_; }

 protected:
  ~PendingWaiter() = default;

 private:
  friend class PendingQueue;
  PendingWaiter* next_ = nullptr;
  PendingWaiter* prev_ = nullptr;
  bool queued_ = false;
};

class PendingQueue {
 public:
  PendingQueue() = default;
  PendingQueue(const PendingQueue&) = delete;
  PendingQueue& operator=(const PendingQueue&) = delete;

  bool empty() const noexcept { return head_ == nullptr; }
  uint32_t size() const noexcept { return size_; }
  bool is_head(const PendingWaiter& w) const noexcept { return head_ == &w; }

  void push(PendingWaiter& w) noexcept {
    if (w.queued_) return;
    w.queued_ = true;
    w.next_ = nullptr;
    w.prev_ = tail_;
    if (tail_) tail_->next_ = &w;
    else head_ = &w;
    tail_ = &w;
    ++size_;
  }

  // Takes `w` out (a no-op when it is not queued). When it was the head, the
  // next waiter is woken: a wake the old head received but did not use (it
  // timed out, or its client left) must not be lost.
  void remove(PendingWaiter& w) noexcept {
    if (!w.queued_) return;
    bool was_head = head_ == &w;
    if (w.prev_) w.prev_->next_ = w.next_;
    else head_ = w.next_;
    if (w.next_) w.next_->prev_ = w.prev_;
    else tail_ = w.prev_;
    w.next_ = w.prev_ = nullptr;
    w.queued_ = false;
    --size_;
    if (was_head) wake_head();
  }

  // A connection closed or went idle: the head may take its place.
  void wake_head() noexcept {
    if (head_) head_->wake();
  }

 private:
  PendingWaiter* head_ = nullptr;
  PendingWaiter* tail_ = nullptr;
  uint32_t size_ = 0;
};

}  // namespace weir::upstream
