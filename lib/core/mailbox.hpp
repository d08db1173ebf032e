// A worker's inbox for work from other threads. Shared by pointer so that a
// handle held elsewhere (a paused exchange's Resumer) can post after the
// worker is gone: once closed, posts are dropped instead of touching freed
// memory.
#pragma once

#include <uv.h>

#include <functional>
#include <mutex>
#include <vector>

namespace weir::core {

class Mailbox {
 public:
  explicit Mailbox(uv_async_t* async) : async_(async) {}

  // false (fn dropped) once the worker closed its inbox.
  bool post(std::function<void()> fn) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!open_) return false;
    inbox_.push_back(std::move(fn));
    uv_async_send(async_);  // under the lock: close() cannot pass between
    return true;
  }
  // Loop thread: the work posted so far.
  std::vector<std::function<void()>> take() {
    std::vector<std::function<void()>> work;
    std::lock_guard<std::mutex> lock(mu_);
    work.swap(inbox_);
    return work;
  }
  // Loop thread, before uv_close(async).
  void close() {
    std::vector<std::function<void()>> dropped;
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
    dropped.swap(inbox_);
  }

 private:
  std::mutex mu_;  // never taken on the request path
  uv_async_t* async_;
  std::vector<std::function<void()>> inbox_;
  bool open_ = true;
};

}  // namespace weir::core
