// One connection to an upstream endpoint: connects, sends what the exchange
// queues, parses the response (llhttp, strict) and hands it to its sink; then
// goes back to its endpoint's keep-alive pool or closes. Loop-affine. Deleted
// only from its close callbacks, so a sink may release it from any callback.
#pragma once

#include <llhttp.h>
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/io_context.hpp"
#include "core/lazy_timer.hpp"
#include "core/out_queue.hpp"
#include "http/head_fields.hpp"
#include "upstream/breaker/circuit_breaker.hpp"
#include "upstream/endpoint_pool.hpp"

namespace weir::upstream {

enum class UpstreamError : uint8_t {
  connect_failed,    // refused, unreachable: 502
  connect_timeout,   // 503
  reset,             // closed or reset mid-exchange: 502
  response_timeout,  // 504
  bad_response,      // cannot be framed safely: 502
};
const char* upstream_error_text(UpstreamError e) noexcept;

struct ResponseHead {
  int status = 0;
  uint8_t version_minor = 1;
  std::string_view reason;
  const http::HeadFields* fields = nullptr;
  bool keep_alive = true;      // the upstream allows reuse after this response
  bool chunked = false;
  bool has_length = false;
  uint64_t length = 0;
  bool upgrade = false;        // 101 Switching Protocols
};

class UpstreamSink {
 public:
  virtual void on_upstream_connected() = 0;
  // `before_response`: nothing of a response had arrived (a retry may be safe).
  virtual void on_upstream_error(UpstreamError e, bool before_response) = 0;
  virtual void on_response_head(const ResponseHead& head) = 0;
  // Returns true to pause the response until resume().
  virtual bool on_response_body(const char* data, size_t len) = 0;
  virtual void on_response_complete() = 0;
  // End of one read's worth of callbacks: flush what was batched.
  virtual void on_upstream_batch_end() = 0;
  // Bytes after an upgrade (101), passed on unparsed.
  virtual void on_upstream_raw(const char* data, size_t len) = 0;
  virtual void on_upstream_eof() = 0;  // end of stream in raw mode
  // The request bytes queued to the upstream drained below the high-water mark.
  virtual void on_upstream_drain() = 0;

 protected:
  ~UpstreamSink() = default;
};

class UpstreamConnection {
 public:
  // Starts connecting; the sink hears on_upstream_connected or an error.
  static UpstreamConnection* connect(core::IoContext& io, core::LoopRef<EndpointPool> pool,
                                     UpstreamSink* sink);
  // Closes the pool's idle connections whose idle timeout has passed, and
  // those whose circuit-breaker connection slot a waiting request needs.
  static void expire_idle(EndpointPool& pool, uint64_t now);
  // An idle pooled connection bound to `sink`, or nullptr.
  static UpstreamConnection* take_idle(EndpointPool& pool, UpstreamSink* sink);

  core::OutQueue& out() noexcept { return out_; }
  uv_stream_t* stream() noexcept { return reinterpret_cast<uv_stream_t*>(&tcp_); }
  // Prepares to parse the response of a request just sent.
  void expect_response(bool head_request, uint32_t timeout_ms);
  // Response backpressure: stop and restart reading.
  void pause() noexcept;
  void resume();
  // Ends the exchange: pools the connection when `reusable` and the response
  // was read to its end with keep-alive, else closes it. The sink is detached.
  void finish(bool reusable);
  // Closes at once; the sink is detached.
  void abort() noexcept;
  bool reused() const noexcept { return requests_ > 1; }
  // Counts this connection against its upstream's circuit_breaker
  // max_connections until it closes (the slot was taken by the caller).
  void hold_connection_slot(std::shared_ptr<breaker::CircuitBreaker> owner) noexcept {
    slot_owner_ = std::move(owner);
  }
  bool response_complete() const noexcept { return complete_; }
  const std::string& address() const noexcept { return pool_->address; }

 private:
  enum class State : uint8_t { connecting, active, idle, raw, closing };

  UpstreamConnection(core::IoContext& io, core::LoopRef<EndpointPool> pool);
  void close() noexcept;
  void fail(UpstreamError e);
  void parse();
  void release_buffer() noexcept;
  void pool_unlink() noexcept;
  void enter_pool();

  static void on_connect(uv_connect_t* req, int status);
  static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
  static void on_timer(void* self);
  static void on_closed(uv_handle_t* h);
  static void on_drain(void* self, int status);

  static int cb_message_begin(llhttp_t* p);
  static int cb_status(llhttp_t* p, const char* at, size_t len);
  static int cb_header_field(llhttp_t* p, const char* at, size_t len);
  static int cb_header_value(llhttp_t* p, const char* at, size_t len);
  static int cb_header_value_complete(llhttp_t* p);
  static int cb_headers_complete(llhttp_t* p);
  static int cb_body(llhttp_t* p, const char* at, size_t len);
  static int cb_message_complete(llhttp_t* p);
  static const llhttp_settings_t& settings();

  core::IoContext& io_;
  core::LoopRef<EndpointPool> pool_;
  UpstreamSink* sink_ = nullptr;
  uv_tcp_t tcp_;
  core::LazyTimer timer_;
  uv_connect_t connect_req_;
  llhttp_t parser_;
  core::OutQueue out_;
  core::IoBuffer rbuf_{};
  uint32_t rlen_ = 0, rpos_ = 0;
  http::HeadFields fields_;
  uint32_t reason_off_ = 0, reason_len_ = 0;
  uint32_t timeout_ms_ = 0;
  uint32_t requests_ = 0;
  uint64_t idle_since_ = 0;  // loop time when pooled
  uint8_t open_handles_ = 0;
  uint8_t content_length_seen_ = 0;
  State state_ = State::connecting;
  bool head_request_ = false;
  bool got_bytes_ = false;   // some response byte arrived
  bool in_head_ = false;
  bool complete_ = false;
  bool paused_ = false;
  // After a pause llhttp runs once even without new bytes: a pause in the
  // last body callback leaves the message's end to be reported.
  bool kick_ = false;
  bool broken_ = false;      // framing trouble: never reuse
  bool interim_ = false;     // a 1xx other than 101 is being parsed
  bool upgrade_ = false;     // a 101: raw bytes follow the head
  bool in_parse_ = false;
  bool deferred_pool_ = false;
  UpstreamError pending_error_ = UpstreamError::bad_response;
  std::shared_ptr<breaker::CircuitBreaker> slot_owner_;
  UpstreamConnection* next_ = nullptr;  // idle list
  UpstreamConnection* prev_ = nullptr;
};

}  // namespace weir::upstream
