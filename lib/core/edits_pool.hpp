// Middleware edits reused across exchanges: an exchange that runs middleware
// takes one and gives it back when it ends, so once the pool is warm the
// request path neither allocates nor zeroes a Context::Edits. Loop-affine
// (one per worker); bounded, the excess is freed.
#pragma once

#include <memory>
#include <vector>

#include "weir/middleware.hpp"

namespace weir::core {

class EditsPool {
 public:
  static constexpr size_t kMaxFree = 1024;  // about the exchanges a worker has in flight
  static constexpr size_t kKeepBytes = 16 * 1024;  // larger bodies are not kept

  EditsPool() { free_.reserve(kMaxFree); }

  Context::Edits* take() {
    if (free_.empty()) return new Context::Edits();
    Context::Edits* e = free_.back().release();
    free_.pop_back();
    return e;
  }
  // Clears `e` for its next exchange; its lists keep their buffers.
  void give(Context::Edits* e) noexcept {
    if (!e) return;
    if (free_.size() >= kMaxFree) {
      delete e;
      return;
    }
    e->values.clear();
    e->response_set.clear();
    e->response_add.clear();
    e->response_remove.clear();
    e->request_set.clear();
    e->request_add.clear();
    e->request_remove.clear();
    e->path.clear();
    e->endpoint.clear();
    e->claims.reset();
    e->host = nullptr;
    e->start_ns = 0;
    e->upstream = -1;
    // The body and the local response sit past the lines most exchanges
    // touch: they are reset only when used.
    if (e->body_used) {
      e->body.clear();
      if (e->body.capacity() > kKeepBytes) std::string().swap(e->body);
    }
    if (e->responded) {
      e->local.status = 200;
      e->local.headers.clear();
      e->local.body.clear();
      if (e->local.body.capacity() > kKeepBytes) std::string().swap(e->local.body);
    }
    e->body_set = e->in_body_phase = e->body_used = false;
    e->paused = e->responded = e->request_id_changed = false;
    e->request_id_len = e->client_ip_len = 0;
    free_.emplace_back(e);
  }

 private:
  std::vector<std::unique_ptr<Context::Edits>> free_;
};

}  // namespace weir::core
