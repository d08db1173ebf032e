// One client connection and the exchange in progress on it: parses requests
// (llhttp, strict, plus the framing checks of RFC 9112 that weir enforces
// itself), routes them, relays them to an upstream connection or an
// in-process handler, and relays the response back. Pipelined requests wait
// in the read buffer until the previous response is done. Loop-affine;
// deleted only from its close callbacks.
#pragma once

#include <llhttp.h>
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/head_buffer.hpp"
#include "core/io_context.hpp"
#include "core/lazy_timer.hpp"
#include "core/out_queue.hpp"
#include "core/replay_body.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_ref.hpp"
#include "http/head_fields.hpp"
#include "upstream/health/outcome.hpp"
#include "upstream/upstream_connection.hpp"

namespace weir::core {

class Worker;

struct PauseState;

class ClientConnection final : public upstream::UpstreamSink,
                               public upstream::PendingWaiter,
                               private Context::Host {
 public:
  explicit ClientConnection(Worker& w);
  // Accepts from `server`; false (and the object deleted) on failure.
  static bool accept(Worker& w, uv_stream_t* server);
  // Graceful stop: close now when idle, else after the current response.
  void drain() noexcept;
  // Hard stop.
  void close() noexcept;
  // A Resumer's resume(), on this connection's loop.
  void resume_paused(PauseState& st, std::function<void(Context&)>& then);

  ClientConnection* next = nullptr;  // the worker's list of connections
  ClientConnection* prev = nullptr;

 private:
  enum class Phase : uint8_t {
    idle,        // between requests
    head,        // reading a request head
    dispatch,    // head complete, deciding where it goes
    connecting,  // waiting for an upstream connection
    upstream,    // request relayed to the upstream
    paused,      // a request hook paused the exchange (Context::pause)
    handler,     // collecting the body for an in-process handler
    buffering,   // collecting the body for on_request_body hooks
    local,       // a local response is going out; the request is being discarded
    raw,         // upgraded: bytes spliced both ways
    closing,
  };

  // upstream::UpstreamSink
  void on_upstream_connected() override;
  void on_upstream_error(upstream::UpstreamError e, bool before_response) override;
  void on_response_head(const upstream::ResponseHead& head) override;
  bool on_response_body(const char* data, size_t len) override;
  void on_response_complete() override;
  void on_upstream_batch_end() override;
  void on_upstream_raw(const char* data, size_t len) override;
  void on_upstream_eof() override;
  void on_upstream_drain() override;
  // upstream::PendingWaiter
  void wake() noexcept override;

  // reading and parsing (client_connection.cpp)
  void pump();
  void start_message() noexcept;
  void end_exchange();
  void end_exchange_if_done();  // both directions finished: the next request may start
  void release_buffers() noexcept;
  void resume_reading() noexcept;
  bool reject(int status, const char* message);  // a local error response; closes after
  void send_local(std::string&& bytes, bool close_after);
  void log_error(int status, std::string_view message);
  void close_after_flush() noexcept;
  void arm_timer(uint32_t ms, bool header_timeout) noexcept;
  uint32_t off(const char* p) const noexcept {
    return static_cast<uint32_t>(p - rbuf_.data);
  }

  // the exchange (exchange.cpp)
  void dispatch();
  bool validate_head();
  void run_handler();
  void respond_local(std::string&& bytes);
  bool local_close() noexcept;
  Request request_view() const;
  void forward();  // after the request hooks: to the upstream, a handler, an answer
  void to_upstream();
  size_t chain_index() const noexcept;
  // The matched route's index in the exchange's snapshot (route_ is set).
  size_t route_index() const noexcept { return static_cast<size_t>(route_ - &snap_->routes->at(0)); }
  bool run_body_hooks(size_t from);  // false when a middleware answered or paused
  void body_complete();              // the buffered body is in: body hooks, then on
  void after_body();
  void run_chunk_hooks(bool request, std::string_view chunk, bool last);
  void answer_from_hooks();
  // Appends the response headers the hooks set and added to a response made here.
  void add_set_headers(Response& res) const;
  // The exchange runs middleware and a hook changed `part` of its edits.
  bool edits_changed(Context::Edits::Touched part) const noexcept {
    return edits_ && edits_->changed(part);
  }
  bool run_request_hooks(size_t from);  // false when a middleware answered or paused
  // Context::Host
  Resumer pause_exchange() override;
  bool pause_exchange_for(uint32_t ms, std::function<void(Context&)>&& then) override;
  int32_t find_upstream(std::string_view name) const override;
  void drop_pause() noexcept;
  bool may_pause() const noexcept;
  void continue_response(std::function<void(Context&)>* then);
  void emit_response_head(const upstream::ResponseHead& h);
  void pause_expired();
  void continue_after_pause(std::function<void(Context&)>* then);
  bool run_response_hooks(uint16_t status, bool may_pause = false);  // false: paused
  void run_log_hooks(bool aborted);  // once per exchange, when it ends
  void record_metrics(const ExchangeInfo& info) noexcept;  // exchange_metrics.cpp
  const std::vector<Middleware>& route_chain(const Snapshot& snap) const;
  bool response_removed(std::string_view name) const;
  bool edited_away(std::string_view name) const;

  void answer_locally(const RoutePlan& plan);  // respond and redirect routes
  void mirror_request(const RoutePlan& plan);

  void connect_upstream();
  // waiting for a connection and refusals (upstream_admission.cpp)
  enum class ConnectAttempt : uint8_t { started, at_limit, refused };
  ConnectAttempt try_connect();
  void wait_for_connection();
  void on_pending_timer();
  void arm_pending_timer() noexcept;
  void leave_pending() noexcept;
  void refuse_upstream(const char* message, std::string_view reason);
  void answer_fallback(const Response& fallback);
  uint64_t hash_request_key(const upstream::HashKey& key) const noexcept;
  bool pick_endpoint(const upstream::EndpointPool* avoid);
  uint32_t preferred_endpoint(upstream::WorkerUpstream& wu, uint64_t now);  // set_endpoint()
  void report_try(upstream::health::Outcome outcome) noexcept;
  void record_breaker(bool success) noexcept;
  bool admit_by_breaker();
  void release_breaker() noexcept;
  void breaker_refused(upstream::breaker::Resource r);
  void release_pending_slot() noexcept;
  void reject_with(int status, const char* message, std::string_view breaker_reason);
  void release_endpoint() noexcept;  // ends the exchange's in-flight count
  // retries (retry.cpp)
  enum class RetryCause : uint8_t { connect_failure, reset, timeout, bad_response, status };
  bool may_retry(RetryCause cause, int status);
  void schedule_retry();
  void retry_now();
  uint32_t try_timeout_ms() const noexcept;
  uint64_t replay_limit() const noexcept;
  void send_request_head();
  void build_request_head(const RoutePlan& plan);
  void append_forwarded_path(const RoutePlan& plan);
  void note_param_offsets() noexcept;
  void rebase_params() noexcept;
  void add_body(const char* data, size_t len);
  void finish_request_body();
  void flush_up();
  void flush_down();
  void upstream_failed(int status, const char* message, std::string_view breaker_reason = {});
  std::string_view request_id();
  std::string_view client_ip_view() const noexcept { return {client_ip_, client_ip_len_}; }

  static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
  static void on_timer(void* self);
  static void on_closed(uv_handle_t* h);
  static void on_shutdown(uv_shutdown_t* req, int status);
  static void on_drain(void* self, int status);

  static int cb_message_begin(llhttp_t* p);
  static int cb_url(llhttp_t* p, const char* at, size_t len);
  static int cb_header_field(llhttp_t* p, const char* at, size_t len);
  static int cb_header_value(llhttp_t* p, const char* at, size_t len);
  static int cb_header_value_complete(llhttp_t* p);
  static int cb_headers_complete(llhttp_t* p);
  static int cb_body(llhttp_t* p, const char* at, size_t len);
  static int cb_message_complete(llhttp_t* p);
  static const llhttp_settings_t& settings();

  Worker& w_;
  IoContext& io_;
  uv_tcp_t tcp_;
  LazyTimer timer_;
  uv_shutdown_t shutdown_req_;
  llhttp_t parser_;
  OutQueue out_;
  IoBuffer rbuf_{};
  uint32_t rlen_ = 0, rpos_ = 0;
  uint32_t msg_start_ = 0;  // where the current request starts in rbuf_
  uint32_t head_end_ = 0;   // where its head ends
  uint32_t url_off_ = 0, url_len_ = 0;
  http::HeadFields fields_;
  HeadBuffer up_head_;    // [normalised path][request head sent upstream]
  HeadBuffer down_head_;  // response head (and small framing) toward the client
  Phase phase_ = Phase::idle;
  uint8_t open_handles_ = 0;
  bool parse_paused_ = false;   // parsing waits (dispatch, backpressure, pipelining)
  bool request_done_ = false;   // the whole request was read
  bool response_done_ = false;
  bool response_started_ = false;
  bool close_after_ = false;    // Connection: close semantics for this exchange
  bool client_eof_ = false;
  bool draining_ = false;
  bool head_method_ = false;
  bool up_chunked_ = false;     // request body relayed with chunked framing
  bool down_chunked_ = false;   // response body relayed with chunked framing
  bool down_eof_framed_ = false;  // response to an HTTP/1.0 client: ends with close
  bool expect_continue_ = false;
  bool upgrade_ = false;
  bool retried_ = false;
  bool body_sent_ = false;      // some request body bytes went upstream
  bool reading_ = false;
  bool closed_ = false;
  bool in_flight_ = false;      // counted in the worker's requests in flight
  bool retry_counted_ = false;  // counted in the worker's retrying requests
  bool retry_pending_ = false;  // the timer starts the next try
  uint8_t tries_ = 0;           // retries made so far
  std::string_view error_reason_;  // a gateway-made error's text, for the log phase
  uint64_t started_ms_ = 0;     // loop time at dispatch: the route timeout bounds all tries
  const upstream::EndpointPool* failed_ = nullptr;  // the endpoint of the last failed try
  uint32_t endpoint_index_ = UINT32_MAX;            // endpoint_'s index in its upstream
  upstream::breaker::Permit breaker_permit_{upstream::breaker::Permit::Kind::refused};
  bool breaker_recorded_ = false;
  bool holds_request_slot_ = false;  // of the upstream's circuit_breaker.max_requests
  bool holds_retry_slot_ = false;    // of its max_retries
  bool holds_pending_slot_ = false;  // of its max_pending, while connecting
  uint64_t pending_deadline_ = 0;    // loop time the wait for a connection ends
  ReplayBody replay_;                // the body so far, for a retry
  bool kick_ = false;          // run llhttp even with no new bytes (after a pause)
  bool raw_pending_ = false;   // a 101 is on its way: splice once it is flushed
  uint8_t client_ip_len_ = 0;
  char client_ip_[46] = {};
  IpAddress client_addr_{};     // for client_cidrs predicates
  uint32_t param_offs_[Params::kMax] = {};  // captured values' offsets in up_head_
  uint8_t header_timer_ = 0;    // 1: header timeout armed, 2: idle timeout armed
  int reject_status_ = 0;
  const char* reject_message_ = nullptr;
  uint16_t status_ = 0;
  uint32_t path_len_ = 0;       // normalised path at the start of up_head_
  uint32_t query_off_ = 0, query_len_ = 0;
  uint32_t host_index_ = UINT32_MAX;
  std::string_view host_;  // the Host header's value, set with the head; empty without one
  uint32_t user_agent_index_ = UINT32_MAX;
  std::string_view user_agent_;  // the first User-Agent header's value, likewise
  bool has_params_ = false;  // the matched route captured params
  uint64_t body_bytes_ = 0;
  uint64_t request_seq_ = 0;
  int32_t upstream_index_ = -1;
  const Route* route_ = nullptr;
  SnapshotRef snap_;
  upstream::UpstreamConnection* up_ = nullptr;
  core::LoopRef<upstream::EndpointPool> endpoint_;
  std::string body_buf_;  // the whole request body: for a handler, or for on_request_body hooks
  Context::Edits* edits_ = nullptr;  // from io_.edits, while the exchange runs middleware
  std::shared_ptr<PauseState> pause_;      // while paused by Context::pause()
  bool pause_timed_ = false;               // paused by pause_for(): the timer resumes
  std::function<void(Context&)> pause_then_;  // pause_for()'s continuation
  uint16_t hook_next_ = 0;                 // the request hook after the pausing one
  uint16_t hooks_ran_ = 0;                 // request hooks reached: they see the response
  uint8_t chain_hooks_ = 0;                 // MiddlewareChains::Hooks of this exchange's chain
  bool paused_in_body_ = false;            // the pause came from an on_request_body hook
  bool body_buffered_ = false;             // the request body is whole in body_buf_
  // A response hook paused an upstream's response: its head waits in
  // paused_head_ (views into the stopped upstream connection), body bytes
  // that came with it in held_body_ (at most one read).
  bool response_may_pause_ = false;        // a response hook runs that may pause
  bool response_paused_ = false;
  bool held_complete_ = false;             // the response ended while paused
  uint16_t resp_hook_next_ = 0;            // the response hooks below this one are left
  upstream::ResponseHead paused_head_;
  std::string held_body_;
  char request_id_[Context::kMaxRequestIdBytes] = {};  // generated, or adopted by request_id
  uint8_t request_id_len_ = 0;
  bool log_armed_ = false;         // the log phase is owed for the current exchange
  bool local_error_ = false;       // reject() answered: a close is not an abort
  uint64_t start_ns_ = 0;          // uv_hrtime at the request's first byte (log phase only)
  uint64_t head_ns_ = 0;           // uv_hrtime at the upstream's response head
  uint64_t bytes_out_ = 0;         // toward the client, this exchange
};

}  // namespace weir::core
