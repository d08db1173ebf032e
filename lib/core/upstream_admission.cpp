// What happens to a request its upstream cannot take at once: it waits for a
// connection in the endpoint pool's pending queue, or is refused with 503 and
// x-weir-breaker naming why, or gets the circuit breaker's fallback answer.
//
// Waiting (docs/upstreams.md): the queue is per worker and endpoint, first
// come first served. A waiter is woken when a connection of its pool on this
// worker closes or goes idle. A slot of the circuit breaker's gateway-wide
// max_connections can also free on another worker, which wakes nobody here:
// so the queue's head re-checks every kSharedLimitPollMs while that limit is
// set. Each waiter's deadline is its own connection timer, so waiting costs
// no allocation and no extra timer.
#include <algorithm>

#include "core/client_connection.hpp"
#include "core/worker.hpp"
#include "http/local_response.hpp"

namespace weir::core {

namespace {
constexpr uint64_t kSharedLimitPollMs = 10;
}  // namespace

void ClientConnection::wait_for_connection() {
  upstream::EndpointPool& pool = *endpoint_;
  const UpstreamSpec& spec = snap_->upstreams[static_cast<size_t>(upstream_index_)];
  // The breaker's max_pending bounds waiting requests gateway-wide.
  if (spec.breaker && !holds_pending_slot_) {
    if (!spec.breaker->limits.try_acquire(upstream::breaker::Resource::pending)) {
      breaker_refused(upstream::breaker::Resource::pending);
      return;
    }
    holds_pending_slot_ = true;
  }
  if (pool.pending.size() >= pool.options.max_pending) {
    refuse_upstream("too many requests waiting for an upstream connection", "max_pending");
    return;
  }
  uint64_t now = uv_now(io_.loop);
  uint64_t wait = pool.options.pending_timeout_ms ? pool.options.pending_timeout_ms
                                                  : pool.options.connect_timeout_ms;
  // The route's timeout bounds the whole exchange, waiting included.
  uint64_t spent = now - started_ms_;
  uint64_t left = route_->timeout_ms > spent ? route_->timeout_ms - spent : 0;
  pending_deadline_ = now + std::min(wait, left);
  pool.pending.push(*this);
  arm_pending_timer();
}

void ClientConnection::wake() noexcept { timer_.set(0); }

void ClientConnection::arm_pending_timer() noexcept {
  uint64_t now = uv_now(io_.loop);
  uint64_t left = pending_deadline_ > now ? pending_deadline_ - now : 0;
  const UpstreamSpec& spec = snap_->upstreams[static_cast<size_t>(upstream_index_)];
  if (spec.breaker && spec.breaker->limits.limit(upstream::breaker::Resource::connections) &&
      endpoint_->pending.is_head(*this))
    left = std::min(left, kSharedLimitPollMs);
  timer_.set(left);
}

void ClientConnection::on_pending_timer() {
  if (endpoint_->pending.is_head(*this)) {
    ConnectAttempt a = try_connect();
    if (a != ConnectAttempt::at_limit) {
      leave_pending();  // wakes the next one: more than one connection may have freed
      // A pooled connection took the head at once: flush it and run the
      // parser on to the body, as a connect callback would.
      if (a == ConnectAttempt::started && phase_ == Phase::upstream) pump();
      return;
    }
  }
  if (uv_now(io_.loop) >= pending_deadline_) {
    refuse_upstream("timed out waiting for an upstream connection", "pending_timeout");
    if (phase_ == Phase::local) pump();  // reads and drops the rest of the request
    return;
  }
  arm_pending_timer();
}

void ClientConnection::leave_pending() noexcept {
  if (waiting() && endpoint_) endpoint_->pending.remove(*this);
}

// 503 without reaching the upstream; `reason` goes into x-weir-breaker.
void ClientConnection::refuse_upstream(const char* message, std::string_view reason) {
  leave_pending();
  release_pending_slot();
  if (response_started_ || request_done_ || phase_ != Phase::connecting) {
    upstream_failed(503, message, reason);
    return;
  }
  reject_with(503, message, reason);
}

// The circuit breaker's static answer while it is open, marked as such.
void ClientConnection::answer_fallback(const Response& fallback) {
  Response res = fallback;
  res.headers.emplace_back("x-weir-breaker", "open");
  status_ = res.status;
  local_error_ = true;
  error_reason_ = "circuit breaker open";
  std::string bytes;
  http::append_response(bytes, res, local_close(), head_method_);
  respond_local(std::move(bytes));
}

}  // namespace weir::core
