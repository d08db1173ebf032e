// Writing to a stream. With a WriteBatch, small writes are copied into the
// batch and go out with the batch's next burst (core/write_batch.hpp);
// otherwise, and for large writes, the bytes go out at once with
// uv_try_write (one writev). Only what the kernel did not take is copied into a queued
// uv_write. The caller reads pending() to apply backpressure (stop reading
// the other side above a high-water mark).
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>

#include "core/write_batch.hpp"

namespace weir::core {

class OutQueue {
 public:
  // Called on the loop thread when a queued write finished; status < 0 on error.
  using DrainFn = void (*)(void* owner, int status);

  OutQueue() = default;
  OutQueue(const OutQueue&) = delete;
  OutQueue& operator=(const OutQueue&) = delete;
  ~OutQueue() {
    if (batch_) batch_->drop(*this);
  }

  // `batch` may be null: every write then goes out at once.
  void init(uv_stream_t* stream, void* owner, DrainFn on_drain, WriteBatch* batch = nullptr) {
    stream_ = stream;
    owner_ = owner;
    on_drain_ = on_drain;
    batch_ = batch;
  }
  // Sends the buffers in order after anything already queued. Returns 0 or a
  // libuv error (the connection is then to be closed). A deferred write that
  // fails later is reported through the drain callback.
  int send(const uv_buf_t* bufs, unsigned n);
  // Writes what the batch holds for this queue now: before a shutdown or a
  // close, which would otherwise overtake it.
  int flush();
  size_t pending() const { return pending_ + deferred_; }
  // Queued writes still reference this object: it must outlive them, so a
  // closing connection waits for in_flight() == 0 (uv_close cancels them).
  unsigned in_flight() const { return in_flight_; }

 private:
  friend class WriteBatch;
  static void on_write(uv_write_t* req, int status);
  int write_now(const uv_buf_t* bufs, unsigned n, size_t total);
  void report(int status) {
    if (on_drain_) on_drain_(owner_, status);
  }

  uv_stream_t* stream_ = nullptr;
  WriteBatch* batch_ = nullptr;
  // This queue's chain of segments in the batch, and its place in its list.
  uint32_t head_ = WriteBatch::kNone;
  uint32_t tail_ = WriteBatch::kNone;
  uint32_t slot_ = WriteBatch::kNone;
  size_t deferred_ = 0;
  void* owner_ = nullptr;
  DrainFn on_drain_ = nullptr;
  size_t pending_ = 0;
  unsigned in_flight_ = 0;
};

}  // namespace weir::core
