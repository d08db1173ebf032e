// The active check of one endpoint: every interval_ms (+-10% jitter, so
// gateways and endpoints do not probe in lockstep) a TCP connect, and for
// HTTP checks a GET whose status line decides. Counts consecutive results
// and marks the endpoint down after `unhealthy` failures, up after `healthy`
// successes, with a log line for each change. Loop-affine; owns its handles
// and deletes itself once stop() has closed them (libuv's close rule).
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>

#include "upstream/health/upstream_health.hpp"

namespace weir::upstream::health {

class EndpointProbe {
 public:
  EndpointProbe(std::shared_ptr<UpstreamHealth> health, uint32_t index, uint64_t seed);
  EndpointProbe(const EndpointProbe&) = delete;
  EndpointProbe& operator=(const EndpointProbe&) = delete;

  // Schedules the first probe soon (within min(interval, 1 s)).
  void start(uv_loop_t* loop) noexcept;
  // Cancels what is in flight and closes the handles; the probe deletes
  // itself in the last close callback. Call once; nothing after it.
  void stop() noexcept;

 private:
  ~EndpointProbe() = default;

  void schedule(uint64_t delay_ms) noexcept;
  void begin() noexcept;
  void finish(bool ok, std::string_view why) noexcept;
  void judge(bool ok, std::string_view why) noexcept;
  uint64_t jittered_interval() noexcept;
  uint64_t next_random() noexcept;

  static void on_timer(uv_timer_t* t);
  static void on_connect(uv_connect_t* req, int status);
  static void on_write(uv_write_t* req, int status);
  static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
  static void on_closed(uv_handle_t* h);

  std::shared_ptr<UpstreamHealth> health_;
  const HealthCheckConfig& check_;
  uint32_t index_;
  uint64_t rng_;
  std::string request_;  // empty: TCP check
  uv_loop_t* loop_ = nullptr;
  uv_timer_t timer_;
  uv_tcp_t tcp_;
  uv_connect_t connect_req_;
  uv_write_t write_req_;
  char rbuf_[512];  // the status line must fit; the rest is never read
  size_t rlen_ = 0;
  uint32_t successes_ = 0;  // consecutive, while down
  uint32_t failures_ = 0;   // consecutive, while up
  int open_handles_ = 0;
  bool tcp_open_ = false;
  bool in_attempt_ = false;
  bool stopping_ = false;
};

}  // namespace weir::upstream::health
