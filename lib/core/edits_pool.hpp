// Middleware edits reused across exchanges: an exchange that runs middleware
// takes one and gives it back when it ends, so once the pool is warm the
// request path neither allocates nor zeroes a Context::Edits. Given an arena,
// new edits are made in its huge pages while it has room
// (core/huge_arena.hpp). Loop-affine (one per worker); bounded, the excess
// is freed (the arena's are kept: the arena bounds them).
#pragma once

#include <new>
#include <vector>

#include "core/huge_arena.hpp"
#include "weir/middleware.hpp"

namespace weir::core {

class EditsPool {
 public:
  static constexpr size_t kMaxFree = 1024;  // about the exchanges a worker has in flight
  static constexpr size_t kKeepBytes = 16 * 1024;  // larger bodies are not kept

  explicit EditsPool(HugeArena* arena = nullptr) : arena_(arena) { free_.reserve(kMaxFree); }
  ~EditsPool() {
    for (Context::Edits* e : free_) destroy(e);
  }
  EditsPool(const EditsPool&) = delete;
  EditsPool& operator=(const EditsPool&) = delete;

  Context::Edits* take() {
    if (free_.empty()) {
      if (void* p = arena_ ? arena_->carve(sizeof(Context::Edits)) : nullptr)
        return new (p) Context::Edits();
      return new Context::Edits();
    }
    Context::Edits* e = free_.back();
    free_.pop_back();
    return e;
  }
  // Clears `e` for its next exchange; its lists keep their buffers.
  void give(Context::Edits* e) noexcept {
    if (!e) return;
    if (free_.size() >= kMaxFree && !carved_from(arena_, e)) {
      delete e;
      return;
    }
    e->values.clear();
    // Parts no hook changed are still clear, and their lines may be cold.
    if (e->changed(Context::Edits::response_headers)) {
      e->response_set.clear();
      e->response_add.clear();
      e->response_remove.clear();
    }
    if (e->changed(Context::Edits::request_headers)) {
      e->request_set.clear();
      e->request_add.clear();
      e->request_remove.clear();
    }
    if (e->changed(Context::Edits::route)) {
      e->path.clear();
      e->endpoint.clear();
    }
    e->touched = 0;
    e->drop_claims();
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
    try {
      free_.push_back(e);
    } catch (...) {  // only past kMaxFree, with the arena's: they cannot be freed
      e->~Edits();
    }
  }

 private:
  void destroy(Context::Edits* e) noexcept {
    if (carved_from(arena_, e)) e->~Edits();
    else delete e;
  }

  HugeArena* arena_;
  std::vector<Context::Edits*> free_;
};

}  // namespace weir::core
