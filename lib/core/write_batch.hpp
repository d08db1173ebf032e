// Small writes gathered and sent in short bursts: when the loop iteration's
// callbacks are done, or as soon as kMaxQueues streams have bytes waiting.
// On loopback the writer's core also runs the receiver's side of TCP; each
// write queues the peer's socket on the peer's epoll instance, whose lock and
// ready list the peer's core touches too. Writes spread over an iteration's
// work find those lines on the other core every time; in a burst they stay
// local (at 500 connections this took ~0.8 us of kernel time per request off
// the proxy with middleware, ~0.3 us without). The bound keeps the burst
// short: held for a whole iteration of several hundred events, the peers sit
// idle and the kernel kicks them with inter-processor interrupts, which cost
// more than the batch saves. The bytes wait in one small arena that every
// burst reuses, so they stay in cache.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace weir::core {

class OutQueue;

class WriteBatch {
 public:
  // Larger writes go out at once: copying them would cost more than the
  // wake-up they might save.
  static constexpr size_t kMaxDeferred = 4096;
  static constexpr uint32_t kMaxQueues = 16;
  static constexpr uint32_t kMaxSegments = 4 * kMaxQueues;
  static constexpr size_t kArenaBytes = 64 * 1024;
  static constexpr uint32_t kNone = UINT32_MAX;

  WriteBatch();
  ~WriteBatch();
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  // Flushes before the loop polls and after it ran the I/O callbacks. The two
  // handles are unreferenced: they never keep the loop alive. close() must
  // be called before the loop ends; `done` runs once both handles closed.
  void start(uv_loop_t* loop);
  void close(void (*done)(void* arg), void* arg);

  bool flushing() const noexcept { return flushing_; }
  // Copies the buffers as one segment of `q`'s chain. False when the write is
  // to go out at once instead (too large, or the batch is being flushed).
  bool defer(OutQueue& q, const uv_buf_t* bufs, unsigned n, size_t total);
  // Segments of a chain, in the order they were deferred.
  uint32_t next(uint32_t seg) const noexcept { return segs_[seg].next; }
  uv_buf_t bytes(uint32_t seg) const noexcept {
    return uv_buf_init(arena_.get() + segs_[seg].off, segs_[seg].len);
  }
  // Forgets `q` (it flushed its chain itself, or it closes).
  void drop(OutQueue& q) noexcept;
  void flush_all() noexcept;

 private:
  struct Segment {
    uint32_t off;
    uint32_t len;
    uint32_t next;
  };
  static void on_loop_edge(uv_handle_t* h);

  uv_prepare_t prepare_{};
  uv_check_t check_{};
  bool started_ = false;
  bool flushing_ = false;
  unsigned open_handles_ = 0;
  void (*done_)(void*) = nullptr;
  void* done_arg_ = nullptr;
  std::unique_ptr<char[]> arena_;
  std::unique_ptr<Segment[]> segs_;
  std::unique_ptr<OutQueue*[]> queues_;
  size_t used_ = 0;
  uint32_t nsegs_ = 0;
  uint32_t nqueues_ = 0;
};

}  // namespace weir::core
