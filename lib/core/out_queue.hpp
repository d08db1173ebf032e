// Writing to a stream without copying on the fast path: the bytes go out at
// once with uv_try_write (one writev); only what the kernel did not take is
// copied into a queued uv_write. The caller reads pending() to apply
// backpressure (stop reading the other side above a high-water mark).
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>

namespace weir::core {

class OutQueue {
 public:
  // Called on the loop thread when a queued write finished; status < 0 on error.
  using DrainFn = void (*)(void* owner, int status);

  void init(uv_stream_t* stream, void* owner, DrainFn on_drain) {
    stream_ = stream;
    owner_ = owner;
    on_drain_ = on_drain;
  }
  // Sends the buffers in order after anything already queued. Returns 0 or a
  // libuv error (the connection is then to be closed).
  int send(const uv_buf_t* bufs, unsigned n);
  size_t pending() const { return pending_; }
  // Queued writes still reference this object: it must outlive them, so a
  // closing connection waits for in_flight() == 0 (uv_close cancels them).
  unsigned in_flight() const { return in_flight_; }

 private:
  static void on_write(uv_write_t* req, int status);

  uv_stream_t* stream_ = nullptr;
  void* owner_ = nullptr;
  DrainFn on_drain_ = nullptr;
  size_t pending_ = 0;
  unsigned in_flight_ = 0;
};

}  // namespace weir::core
