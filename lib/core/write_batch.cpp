#include "core/write_batch.hpp"

#include <cstring>

#include "core/out_queue.hpp"

namespace weir::core {

WriteBatch::WriteBatch() = default;
WriteBatch::~WriteBatch() = default;

void WriteBatch::start(uv_loop_t* loop) {
  arena_ = std::make_unique<char[]>(kArenaBytes);
  segs_ = std::make_unique<Segment[]>(kMaxSegments);
  queues_ = std::make_unique<OutQueue*[]>(kMaxQueues);
  uv_prepare_init(loop, &prepare_);
  uv_check_init(loop, &check_);
  prepare_.data = check_.data = this;
  open_handles_ = 2;
  // Before polling, so nothing deferred by timers or close callbacks waits
  // through a blocking poll; after the I/O callbacks, to write their output.
  uv_prepare_start(&prepare_, [](uv_prepare_t* p) { on_loop_edge(reinterpret_cast<uv_handle_t*>(p)); });
  uv_check_start(&check_, [](uv_check_t* c) { on_loop_edge(reinterpret_cast<uv_handle_t*>(c)); });
  uv_unref(reinterpret_cast<uv_handle_t*>(&prepare_));
  uv_unref(reinterpret_cast<uv_handle_t*>(&check_));
  started_ = true;
}

void WriteBatch::close(void (*done)(void* arg), void* arg) {
  flush_all();
  started_ = false;
  done_ = done;
  done_arg_ = arg;
  auto closed = [](uv_handle_t* h) {
    auto* b = static_cast<WriteBatch*>(h->data);
    if (--b->open_handles_ == 0 && b->done_) b->done_(b->done_arg_);
  };
  uv_prepare_stop(&prepare_);
  uv_check_stop(&check_);
  uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&check_), closed);
}

void WriteBatch::on_loop_edge(uv_handle_t* h) {
  auto* b = static_cast<WriteBatch*>(h->data);
  if (b->nqueues_ != 0) b->flush_all();
}

bool WriteBatch::defer(OutQueue& q, const uv_buf_t* bufs, unsigned n, size_t total) {
  if (!started_ || flushing_ || total > kMaxDeferred) return false;
  if (used_ + total > kArenaBytes || nsegs_ == kMaxSegments ||
      (q.slot_ == kNone && nqueues_ == kMaxQueues))
    flush_all();
  char* at = arena_.get() + used_;
  for (unsigned i = 0; i < n; ++i) {
    if (bufs[i].len == 0) continue;
    std::memcpy(at, bufs[i].base, bufs[i].len);
    at += bufs[i].len;
  }
  // A queue written twice in a row extends its last segment.
  if (q.tail_ != kNone && q.tail_ + 1 == nsegs_ && segs_[q.tail_].off + segs_[q.tail_].len == used_) {
    segs_[q.tail_].len += static_cast<uint32_t>(total);
  } else {
    uint32_t s = nsegs_++;
    segs_[s] = Segment{static_cast<uint32_t>(used_), static_cast<uint32_t>(total), kNone};
    if (q.tail_ == kNone) q.head_ = s;
    else segs_[q.tail_].next = s;
    q.tail_ = s;
  }
  used_ += total;
  q.deferred_ += total;
  if (q.slot_ == kNone) {
    q.slot_ = nqueues_;
    queues_[nqueues_++] = &q;
  }
  return true;
}

void WriteBatch::drop(OutQueue& q) noexcept {
  if (q.slot_ == kNone) return;
  queues_[q.slot_] = nullptr;
  q.slot_ = kNone;
}

void WriteBatch::flush_all() noexcept {
  flushing_ = true;
  // A failed write is reported to its owner, who may close other queues of
  // the list (their slots turn null) or write more (that goes out at once).
  for (uint32_t i = 0; i < nqueues_; ++i) {
    OutQueue* q = queues_[i];
    if (!q) continue;
    if (int r = q->flush(); r < 0) q->report(r);
  }
  nqueues_ = nsegs_ = 0;
  used_ = 0;
  flushing_ = false;
}

}  // namespace weir::core
