// Route retries: which failures may be tried again, the budget, backoff with
// jitter, and a different endpoint for each try where there is one.
#include "core/client_connection.hpp"
#include "core/worker.hpp"
#include "http/method.hpp"

namespace weir::core {

bool ClientConnection::may_retry(RetryCause cause, int status) {
  if (!route_) return false;
  const RetryPolicy& p = route_->retry;
  if (tries_ >= p.attempts) return false;
  // A body that went out can be sent again only while all of it is kept
  // (retry.buffer_bytes), and a request that is not idempotent may have taken
  // effect (RFC 9110 9.2.2).
  if ((body_sent_ && !replay_.whole()) || response_started_ || upgrade_ ||
      phase_ == Phase::closing)
    return false;
  if (!p.non_idempotent && !http::idempotent_method(parser_.method)) return false;
  bool any = p.on_5xx || p.on_gateway_error;
  bool match = false;
  switch (cause) {
    case RetryCause::connect_failure: match = p.on_connect_failure || any; break;
    case RetryCause::reset: match = p.on_reset || any; break;
    case RetryCause::timeout: match = p.on_timeout || any; break;
    case RetryCause::bad_response: match = any; break;
    case RetryCause::status:
      match = (p.on_5xx && status >= 500 && status <= 599) ||
              (p.on_gateway_error && (status == 502 || status == 503 || status == 504));
      for (uint16_t s : p.statuses) match = match || s == status;
      break;
  }
  if (!match) return false;
  if (uv_now(io_.loop) - started_ms_ + 1 >= route_->timeout_ms) return false;  // no time left
  if (!retry_counted_) {
    if (!w_.begin_retry(p.budget_percent, p.min_retries)) return false;
    retry_counted_ = true;
  }
  // The upstream's circuit breaker bounds retries in flight gateway-wide.
  const UpstreamSpec& spec = snap_->upstreams[static_cast<size_t>(upstream_index_)];
  if (spec.breaker && !holds_retry_slot_) {
    if (!spec.breaker->limits.try_acquire(upstream::breaker::Resource::retries)) return false;
    holds_retry_slot_ = true;
  }
  return true;
}

void ClientConnection::schedule_retry() {
  ++tries_;
  failed_ = endpoint_.get();
  phase_ = Phase::connecting;
  // Body bytes that arrive meanwhile wait in the read buffer for the next try.
  parse_paused_ = true;
  retry_pending_ = true;  // keeps release_endpoint() from ending the exchange's counts
  release_endpoint();
  io_.up.clear();
  // Exponential backoff with full jitter: a random wait in [0, base * 2^n],
  // capped at 16 times the base, so clients that failed together spread out.
  uint64_t base = route_->retry.backoff_ms;
  uint64_t cap = base << std::min<uint32_t>(tries_ - 1u, 4u);
  uint64_t z = w_.next_request_seq() * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ULL;
  uint64_t delay = cap ? (z >> 11) % (cap + 1) : 0;
  uint64_t left = route_->timeout_ms - std::min<uint64_t>(route_->timeout_ms - 1, uv_now(io_.loop) - started_ms_);
  timer_.set(std::min(delay, left - 1));
}

void ClientConnection::retry_now() {
  retry_pending_ = false;
  if (!pick_endpoint(failed_)) {
    upstream_failed(503, "no upstream endpoint available");
    return;
  }
  connect_upstream();
  // A pooled connection took the head at once: run the parser on to the
  // body, and flush, as a connect callback would.
  if (phase_ == Phase::upstream) pump();
}

// How much of the request body to keep for a replay: nothing when the route
// cannot retry this request, or when its announced length is over the bound
// (keeping a part would only cost a copy).
uint64_t ClientConnection::replay_limit() const noexcept {
  if (!route_) return 0;
  const RetryPolicy& p = route_->retry;
  if (p.attempts == 0 || p.buffer_bytes == 0 || upgrade_) return 0;
  if (!p.non_idempotent && !http::idempotent_method(parser_.method)) return 0;
  if ((parser_.flags & F_CONTENT_LENGTH) && parser_.content_length > p.buffer_bytes) return 0;
  return p.buffer_bytes;
}

uint32_t ClientConnection::try_timeout_ms() const noexcept {
  const RetryPolicy& p = route_->retry;
  uint64_t whole = route_->timeout_ms;
  if (p.attempts == 0) return static_cast<uint32_t>(whole);
  uint64_t spent = uv_now(io_.loop) - started_ms_;
  uint64_t left = whole > spent ? whole - spent : 1;
  uint64_t per = p.per_try_timeout_ms ? p.per_try_timeout_ms : whole;
  return static_cast<uint32_t>(std::max<uint64_t>(1, std::min(per, left)));
}

}  // namespace weir::core
