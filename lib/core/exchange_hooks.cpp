// The middleware phases of an exchange: request hooks (which may answer,
// choose the upstream, or pause until a Resumer continues them), response
// hooks in reverse order over the middleware that ran, and the log phase.
#include <algorithm>
#include <cstring>
#include <optional>

#include "core/client_connection.hpp"
#include "core/pause_state.hpp"
#include "core/wall_clock.hpp"
#include "core/worker.hpp"
#include "http/local_response.hpp"

namespace weir::core {

const std::vector<Middleware>& ClientConnection::route_chain(const Snapshot& snap) const {
  if (!route_) return snap.pipeline.global();
  return snap.pipeline.chain(static_cast<size_t>(route_ - &snap.routes->at(0)));
}

size_t ClientConnection::chain_index() const noexcept {
  if (!route_) return snap_->pipeline.chains.size() - 1;
  return route_index();
}

void ClientConnection::add_set_headers(Response& res) const {
  for (const auto& [name, value] : edits_->response_set) res.headers.emplace_back(name, value);
  for (const auto& [name, value] : edits_->response_add) res.headers.emplace_back(name, value);
}

void ClientConnection::answer_from_hooks() {
  Response& res = edits_->local;
  run_response_hooks(res.status);
  add_set_headers(res);
  status_ = res.status;
  std::string bytes;
  http::append_response(bytes, res, local_close(), head_method_);
  respond_local(std::move(bytes));
}

bool ClientConnection::run_request_hooks(size_t from) {
  const std::vector<Middleware>& chain = route_chain(*snap_);
  if (from == 0) {
    if (chain.empty()) return true;  // only other routes have middleware
    io_.edits.give(edits_);  // an earlier exchange's, if it never ended
    edits_ = io_.edits.take();
    edits_->host = this;
    edits_->start_ns = start_ns_;
    std::string_view id = request_id();
    std::memcpy(edits_->request_id, id.data(), id.size());
    edits_->request_id_len = static_cast<uint8_t>(id.size());
  }
  Request req = request_view();
  Context ctx(&req, edits_);
  for (size_t i = from; i < chain.size() && !edits_->responded; ++i) {
    hooks_ran_ = static_cast<uint16_t>(i + 1);
    if (!chain[i].on_request) continue;
    try {
      chain[i].on_request(ctx);
    } catch (...) {
      ctx.respond_error(500, "middleware failed");
    }
    if (edits_->paused && !edits_->responded) {
      hook_next_ = static_cast<uint16_t>(i + 1);
      phase_ = Phase::paused;
      return false;
    }
  }
  if (edits_->paused) drop_pause();  // answered in the same hook that paused
  if (edits_->request_id_changed) {  // error bodies and logs carry the adopted id
    std::memcpy(request_id_, edits_->request_id, edits_->request_id_len);
    request_id_len_ = edits_->request_id_len;
  }
  if (!edits_->responded) return true;
  answer_from_hooks();
  return false;
}

bool ClientConnection::run_body_hooks(size_t from) {
  const std::vector<Middleware>& chain = route_chain(*snap_);
  edits_->in_body_phase = true;
  Request req = request_view();
  Context ctx(&req, edits_);
  for (size_t i = from; i < chain.size() && !edits_->responded; ++i) {
    if (!chain[i].on_request_body) continue;
    try {
      chain[i].on_request_body(ctx, edits_->body_set ? edits_->body : body_buf_);
    } catch (...) {
      ctx.respond_error(500, "middleware failed");
    }
    if (edits_->paused && !edits_->responded) {
      hook_next_ = static_cast<uint16_t>(i + 1);
      paused_in_body_ = true;
      phase_ = Phase::paused;
      return false;
    }
  }
  if (edits_->paused) drop_pause();
  edits_->in_body_phase = false;
  if (!edits_->responded) return true;
  answer_from_hooks();
  return false;
}

void ClientConnection::body_complete() {
  if (run_body_hooks(0)) after_body();
}

void ClientConnection::after_body() {
  if (edits_->body_set) {
    body_buf_.swap(edits_->body);
    edits_->body_set = false;
  }
  if (upstream_index_ < 0) {
    phase_ = Phase::handler;
    run_handler();
    return;
  }
  body_buffered_ = true;
  to_upstream();
}

void ClientConnection::run_chunk_hooks(bool request, std::string_view chunk, bool last) {
  if (!edits_) return;
  Request req = request_view();
  Context ctx(&req, edits_, request ? 0 : status_,
              request ? Context::Phase::request : Context::Phase::response);
  for (const Middleware& m : route_chain(*snap_)) {
    const auto& hook = request ? m.on_request_chunk : m.on_response_chunk;
    if (!hook) continue;
    try {
      hook(ctx, chunk, last);
    } catch (...) {
      // Observers: a failing one leaves the body as it is.
    }
  }
}

bool ClientConnection::may_pause() const noexcept {
  // Only from a hook that runs now (not a Context kept past its hook): a
  // request or body hook, or a response hook on an upstream's response.
  return phase_ == Phase::dispatch || phase_ == Phase::buffering || response_may_pause_;
}

Resumer ClientConnection::pause_exchange() {
  if (!may_pause()) return {};
  auto st = std::make_shared<PauseState>();
  st->mailbox = w_.mailbox();
  st->conn = this;
  pause_ = st;
  pause_timed_ = false;
  timer_.set(route_->timeout_ms);
  return Resumer(std::move(st));
}

bool ClientConnection::pause_exchange_for(uint32_t ms, std::function<void(Context&)>&& then) {
  if (!may_pause()) return false;
  pause_timed_ = true;
  pause_then_ = std::move(then);
  timer_.set(ms);
  return true;
}

int32_t ClientConnection::find_upstream(std::string_view name) const {
  return upstream_index(*snap_, name);
}

void ClientConnection::drop_pause() noexcept {
  if (pause_) {
    pause_->conn = nullptr;  // a resume posted later finds the exchange gone
    pause_.reset();
  }
  if (edits_) edits_->paused = false;
  pause_timed_ = false;
  pause_then_ = nullptr;
  timer_.clear();
}

void ClientConnection::pause_expired() {
  if (pause_timed_) {  // pause_for(): the wait is the point
    std::function<void(Context&)> then = std::move(pause_then_);
    pause_then_ = nullptr;
    if (response_paused_) continue_response(then ? &then : nullptr);
    else continue_after_pause(then ? &then : nullptr);
    return;
  }
  drop_pause();
  response_paused_ = false;
  reject(504, "middleware did not resume in time");
}

void ClientConnection::resume_paused(PauseState& st, std::function<void(Context&)>& then) {
  if (pause_.get() != &st) return;
  if (response_paused_) {
    continue_response(then ? &then : nullptr);
    return;
  }
  if (phase_ != Phase::paused) return;
  continue_after_pause(then ? &then : nullptr);
}

void ClientConnection::continue_response(std::function<void(Context&)>* then) {
  drop_pause();
  if (then) {
    Request req = request_view();
    Context ctx(&req, edits_, status_, Context::Phase::response);
    response_may_pause_ = true;
    try {
      (*then)(ctx);
    } catch (...) {
      // As a failing response hook: the response goes on as it is.
    }
    response_may_pause_ = false;
    if (edits_->paused) return;  // paused again
  }
  if (!run_response_hooks(status_, true)) return;
  // The head waited with the upstream connection stopped (its buffer, which
  // the head's views point into, unchanged); what body came with it waited
  // in held_body_.
  emit_response_head(paused_head_);
  if (phase_ == Phase::closing) return;
  if (!held_body_.empty()) {
    on_response_body(held_body_.data(), held_body_.size());
    flush_down();
    held_body_.clear();
    if (phase_ == Phase::closing) return;
  }
  if (up_) up_->resume();
  if (held_complete_) {
    held_complete_ = false;
    on_response_complete();
    return;
  }
  flush_down();
}

void ClientConnection::continue_after_pause(std::function<void(Context&)>* then) {
  drop_pause();
  phase_ = paused_in_body_ ? Phase::buffering : Phase::dispatch;
  if (then) {
    Request req = request_view();
    Context ctx(&req, edits_);
    try {
      (*then)(ctx);
    } catch (...) {
      ctx.respond_error(500, "middleware failed");
    }
    if (edits_->paused && !edits_->responded) {
      phase_ = Phase::paused;  // paused again from the resume
      return;
    }
  }
  // The remaining hooks, or the answer a hook or `then` gave.
  size_t from = edits_->responded ? route_chain(*snap_).size() : hook_next_;
  if (paused_in_body_) {
    paused_in_body_ = false;
    if (run_body_hooks(from)) after_body();
  } else if (run_request_hooks(from)) {
    forward();
  }
  if (phase_ == Phase::paused || phase_ == Phase::closing) return;
  // A pause in the body phase comes back with the whole request read: an
  // answer now may end the exchange here, as pump() would have.
  end_exchange_if_done();
  if (phase_ == Phase::closing) return;
  kick_ = true;
  pump();
}

bool ClientConnection::response_removed(std::string_view name) const {
  if (!edits_changed(Context::Edits::response_headers)) return false;
  return edits_->response_remove.holds_name(name) || edits_->response_set.holds_name(name);
}

void ClientConnection::run_log_hooks(bool aborted) {
  if (!log_armed_) return;
  log_armed_ = false;
  // Before routing (a malformed head, a timeout) the exchange has no
  // snapshot of its own yet: the current one's global middleware log it.
  const Snapshot& snap = snap_ ? *snap_ : *w_.snapshot();
  const std::vector<Middleware>& chain = snap_ ? route_chain(snap) : snap.pipeline.global();
  const uint64_t now = uv_hrtime();
  // Every member in one initialiser, with no call or condition inside it:
  // otherwise the compiler clears the whole object first (`rep stos`).
  const std::string_view upstream = endpoint_ ? std::string_view(endpoint_->address) : std::string_view();
  const uint64_t upstream_us = head_ns_ ? (head_ns_ - start_ns_) / 1000 : 0;
  ExchangeInfo info{
      .status = status_,
      .aborted = aborted,
      .bytes_in = body_bytes_,
      .bytes_out = bytes_out_,
      .duration_us = (now - start_ns_) / 1000,
      .upstream_us = upstream_us,
      .start_ms = 0,  // below, only for log hooks
      .upstream = upstream,
      .retries = tries_,
      .reason = error_reason_,
  };
  record_metrics(info);
  if (!snap.pipeline.any_log) return;
  // The wall clock only for log hooks: metrics need none.
  info.start_ms = wall_ms_at(start_ns_, now);
  // Edits made by the request phase already hold the exchange's id (and any
  // a later hook adopted); the others are made here, only for the log.
  std::optional<Context::Edits> none;
  Context::Edits* e = edits_;
  if (!e) {
    e = &none.emplace();
    std::string_view id = request_id();
    std::memcpy(e->request_id, id.data(), id.size());
    e->request_id_len = static_cast<uint8_t>(id.size());
  }
  // Made in place (one Request, not one copied into another).
  const Request req = [this] {
    if (snap_) return request_view();
    Request r;
    if (rbuf_.data && url_len_) {  // the head is incomplete or invalid: no fields
      r.method = llhttp_method_name(static_cast<llhttp_method_t>(parser_.method));
      r.target = std::string_view(rbuf_.data + url_off_, url_len_);
    }
    r.client_ip = client_ip_view();
    return r;
  }();
  Context ctx(&req, e, status_, Context::Phase::log, &info);
  for (const Middleware& m : chain) {
    if (!m.on_log) continue;
    try {
      m.on_log(ctx);
    } catch (...) {
      // Logging must not change the exchange.
    }
  }
}

bool ClientConnection::run_response_hooks(uint16_t status, bool may_pause) {
  if (!edits_) return true;
  // Chains of request and log hooks only (auth, limits, logs) skip the
  // view, on the connection's own flags before reading the chain.
  if (!(chain_hooks_ & MiddlewareChains::response)) {
    response_paused_ = false;
    return true;
  }
  // Only the middleware whose request phase ran see the response, as with
  // Envoy's local replies: one that answered is the innermost. A response
  // that was paused goes on below the hook that paused it.
  const auto& chain = route_chain(*snap_);
  size_t from = response_paused_ ? resp_hook_next_ : std::min<size_t>(hooks_ran_, chain.size());
  if (std::none_of(chain.begin(), chain.begin() + static_cast<std::ptrdiff_t>(from),
                   [](const Middleware& m) { return static_cast<bool>(m.on_response); })) {
    response_paused_ = false;
    return true;
  }
  Request req = request_view();
  Context ctx(&req, edits_, status, Context::Phase::response);
  response_may_pause_ = may_pause;
  for (size_t i = from; i-- > 0;) {
    if (!chain[i].on_response) continue;
    try {
      chain[i].on_response(ctx);
    } catch (...) {
      // A failing response hook leaves the response as it is.
    }
    if (edits_->paused) {
      response_may_pause_ = false;
      response_paused_ = true;
      resp_hook_next_ = static_cast<uint16_t>(i);
      return false;
    }
  }
  response_may_pause_ = false;
  response_paused_ = false;
  return true;
}
}  // namespace weir::core
