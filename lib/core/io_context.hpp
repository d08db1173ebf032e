// What a connection needs from the worker that owns it: the loop and the
// worker's pools. Loop-affine: touched only from the worker's thread.
#pragma once

#include <uv.h>

#include "core/buffer_pool.hpp"
#include "core/edits_pool.hpp"
#include "core/huge_arena.hpp"
#include "core/write_batch.hpp"
#include "http/head_fields.hpp"

namespace weir::core {

// Output gathered during one read callback and written with one writev when
// the callback ends. Shared by the worker's connections: always flushed before
// the callback returns to the loop.
struct IovBatch {
  static constexpr unsigned kMax = 64;
  uv_buf_t iov[kMax];
  char frames[kMax][24];  // chunk-size lines and other small framing
  unsigned n = 0;
  unsigned frames_used = 0;
  bool full() const noexcept { return n + 3 > kMax || frames_used + 2 > kMax; }
  void add(const char* p, size_t len) noexcept {
    iov[n++] = uv_buf_init(const_cast<char*>(p), static_cast<unsigned>(len));
  }
  char* frame() noexcept { return frames[frames_used++]; }
  void clear() noexcept { n = frames_used = 0; }
};

struct IoContext {
  IovBatch up;    // toward an upstream
  IovBatch down;  // toward a client
  uv_loop_t* loop = nullptr;
  // Before the pools, so that it outlives them: they hold its pieces.
  HugeArena arena;
  BufferPool io{BufferPool::kSize, &arena};                  // read buffers
  BufferPool heads{4096, &arena};                            // built message heads
  BufferPool fields{http::HeadFields::kBlockSize, &arena};  // header tables
  EditsPool edits{&arena};                                   // middleware edits
  WriteBatch batch;  // small writes, sent when the iteration's callbacks are done
};

// Output above this many queued bytes stops reading the other side.
constexpr size_t kHighWater = 256 * 1024;

}  // namespace weir::core
