#include "core/out_queue.hpp"

#include <cstdlib>
#include <cstring>

namespace weir::core {

namespace {
struct QueuedWrite {
  uv_write_t req;
  OutQueue* queue;
  size_t len;
  char data[];  // flexible tail: the copied bytes
};
}  // namespace

int OutQueue::send(const uv_buf_t* bufs, unsigned n) {
  size_t total = 0;
  for (unsigned i = 0; i < n; ++i) total += bufs[i].len;
  if (total == 0) return 0;
  if (batch_ && pending_ == 0 && batch_->defer(*this, bufs, n, total)) return 0;
  if (head_ != WriteBatch::kNone) {
    if (int r = flush(); r < 0) return r;
  }
  return write_now(bufs, n, total);
}

int OutQueue::flush() {
  if (head_ == WriteBatch::kNone) return 0;
  constexpr unsigned kIov = 16;
  uv_buf_t iov[kIov];
  unsigned k = 0;
  size_t total = 0;
  int r = 0;
  for (uint32_t s = head_; s != WriteBatch::kNone; s = batch_->next(s)) {
    iov[k] = batch_->bytes(s);
    total += iov[k++].len;
    if (k == kIov || batch_->next(s) == WriteBatch::kNone) {
      r = write_now(iov, k, total);
      if (r < 0) break;
      k = 0;
      total = 0;
    }
  }
  head_ = tail_ = WriteBatch::kNone;
  deferred_ = 0;
  batch_->drop(*this);
  return r;
}

int OutQueue::write_now(const uv_buf_t* bufs, unsigned n, size_t total) {
  size_t written = 0;
  if (pending_ == 0) {
    int r = uv_try_write(stream_, bufs, n);
    if (r >= 0) {
      written = static_cast<size_t>(r);
      if (written == total) return 0;
    } else if (r != UV_EAGAIN) {
      return r;
    }
  }

  // Slow path: the kernel's buffer is full; keep a private copy of the rest.
  size_t rest = total - written;
  auto* q = static_cast<QueuedWrite*>(std::malloc(sizeof(QueuedWrite) + rest));
  if (!q) return UV_ENOMEM;
  q->queue = this;
  q->len = rest;
  size_t skip = written, off = 0;
  for (unsigned i = 0; i < n; ++i) {
    size_t len = bufs[i].len;
    if (skip >= len) {
      skip -= len;
      continue;
    }
    std::memcpy(q->data + off, bufs[i].base + skip, len - skip);
    off += len - skip;
    skip = 0;
  }
  uv_buf_t b = uv_buf_init(q->data, static_cast<unsigned>(rest));
  int r = uv_write(&q->req, stream_, &b, 1, &OutQueue::on_write);
  if (r < 0) {
    std::free(q);
    return r;
  }
  pending_ += rest;
  ++in_flight_;
  return 0;
}

void OutQueue::on_write(uv_write_t* req, int status) {
  auto* q = reinterpret_cast<QueuedWrite*>(req);
  OutQueue* self = q->queue;
  self->pending_ -= q->len;
  --self->in_flight_;
  std::free(q);
  if (self->on_drain_) self->on_drain_(self->owner_, status);
}

}  // namespace weir::core
