// Wall-clock time of a uv_hrtime() instant, for log lines. The offset between
// the two clocks is read once a second per thread instead of reading the
// wall clock for every exchange; a step of the wall clock (NTP) shows within
// a second.
#pragma once

#include <uv.h>

#include <cstdint>

namespace weir::core {

// `now` is the caller's recent uv_hrtime(), which it has at hand.
inline int64_t wall_ms_at(uint64_t hrtime_ns, uint64_t now) noexcept {
  constexpr uint64_t kRefreshNs = 1'000'000'000;
  thread_local uint64_t read_at = 0;
  thread_local int64_t offset_ns = 0;  // wall clock minus uv_hrtime, in ns
  if (read_at == 0 || now - read_at > kRefreshNs) {
    uv_timeval64_t tv{};
    uv_gettimeofday(&tv);
    read_at = uv_hrtime();
    offset_ns = (tv.tv_sec * 1'000'000 + tv.tv_usec) * 1000 - static_cast<int64_t>(read_at);
  }
  return (static_cast<int64_t>(hrtime_ns) + offset_ns) / 1'000'000;
}

}  // namespace weir::core
