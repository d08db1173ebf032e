// For unit tests that drive a uv loop of their own.
#pragma once

#include <uv.h>

#include <chrono>
#include <functional>

namespace weir::test {

// Runs `loop` until `done` holds or `ms` pass; returns `done()`.
inline bool run_loop_until(uv_loop_t* loop, const std::function<bool()>& done, int ms = 5000) {
  uv_timer_t tick;  // wakes the loop so `done` is checked often
  uv_timer_init(loop, &tick);
  uv_timer_start(&tick, [](uv_timer_t*) {}, 5, 5);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  bool ok = false;
  while (!(ok = done()) && std::chrono::steady_clock::now() < deadline) uv_run(loop, UV_RUN_ONCE);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);
  return ok;
}

}  // namespace weir::test
