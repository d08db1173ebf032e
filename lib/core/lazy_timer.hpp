// A deadline that is cheap to move. Setting or clearing it per request only
// stores a number; the libuv timer is re-armed when it fires early (the
// deadline moved later) or when a deadline comes earlier than the armed one.
// Busy connections thus cost no timer-heap operation per request.
#pragma once

#include <uv.h>

#include <cstdint>

namespace weir::core {

class LazyTimer {
 public:
  using Fn = void (*)(void* owner);

  void init(uv_loop_t* loop, void* owner, Fn fn) noexcept {
    uv_timer_init(loop, &handle_);
    handle_.data = this;
    owner_ = owner;
    fn_ = fn;
  }
  // Fires fn once `ms` from now, unless moved or cleared before.
  void set(uint64_t ms) noexcept {
    uint64_t now = uv_now(handle_.loop);
    deadline_ = now + ms;
    if (!armed_ || due_ > deadline_) arm(now);
  }
  void clear() noexcept { deadline_ = 0; }
  bool active() const noexcept { return deadline_ != 0; }
  uv_handle_t* handle() noexcept { return reinterpret_cast<uv_handle_t*>(&handle_); }
  // Call before uv_close(handle()).
  void stop() noexcept {
    deadline_ = 0;
    armed_ = false;
    uv_timer_stop(&handle_);
  }

 private:
  void arm(uint64_t now) noexcept {
    due_ = deadline_;
    armed_ = true;
    uv_timer_start(&handle_, &on_fire, deadline_ - now, 0);
  }
  static void on_fire(uv_timer_t* t) {
    auto* self = static_cast<LazyTimer*>(t->data);
    self->armed_ = false;
    if (self->deadline_ == 0) return;
    uint64_t now = uv_now(t->loop);
    if (now < self->deadline_) {
      self->arm(now);
      return;
    }
    self->deadline_ = 0;
    self->fn_(self->owner_);
  }

  uv_timer_t handle_;
  void* owner_ = nullptr;
  Fn fn_ = nullptr;
  uint64_t deadline_ = 0;  // loop time in ms; 0: none
  uint64_t due_ = 0;       // when the armed libuv timer fires
  bool armed_ = false;
};

}  // namespace weir::core
