#include "upstream/upstream_connection.hpp"

#include <cstring>

#include "weir/http.hpp"

namespace weir::upstream {

namespace {
UpstreamConnection* self_of(llhttp_t* p) { return static_cast<UpstreamConnection*>(p->data); }
constexpr uint32_t kMaxResponseHead = 64 * 1024;
}  // namespace

const char* upstream_error_text(UpstreamError e) noexcept {
  switch (e) {
    case UpstreamError::connect_failed: return "upstream connection refused";
    case UpstreamError::connect_timeout: return "upstream connect timeout";
    case UpstreamError::reset: return "upstream connection closed";
    case UpstreamError::response_timeout: return "upstream response timeout";
    case UpstreamError::bad_response: return "upstream response malformed";
  }
  return "upstream error";
}

const llhttp_settings_t& UpstreamConnection::settings() {
  static const llhttp_settings_t s = [] {
    llhttp_settings_t st;
    llhttp_settings_init(&st);
    st.on_message_begin = cb_message_begin;
    st.on_status = cb_status;
    st.on_header_field = cb_header_field;
    st.on_header_value = cb_header_value;
    st.on_header_value_complete = cb_header_value_complete;
    st.on_headers_complete = cb_headers_complete;
    st.on_body = cb_body;
    st.on_message_complete = cb_message_complete;
    return st;
  }();
  return s;
}

UpstreamConnection::UpstreamConnection(core::IoContext& io, core::LoopRef<EndpointPool> pool)
    : io_(io), pool_(std::move(pool)) {}

UpstreamConnection* UpstreamConnection::connect(core::IoContext& io,
                                                core::LoopRef<EndpointPool> pool,
                                                UpstreamSink* sink) {
  auto* c = new UpstreamConnection(io, std::move(pool));
  c->sink_ = sink;
  uv_tcp_init(io.loop, &c->tcp_);
  c->timer_.init(io.loop, c, &UpstreamConnection::on_timer);
  c->tcp_.data = c;
  c->open_handles_ = 2;
  c->out_.init(c->stream(), c, &UpstreamConnection::on_drain, &io.batch);
  c->pool_->open_count++;
  uv_tcp_nodelay(&c->tcp_, 1);
  c->connect_req_.data = c;
  int r = uv_tcp_connect(&c->connect_req_, &c->tcp_, c->pool_->addr.get(), &on_connect);
  if (r < 0) {
    // Reported asynchronously so the caller sees one way of failing.
    c->pending_error_ = UpstreamError::connect_failed;
    c->timer_.set(0);
    return c;
  }
  c->pending_error_ = UpstreamError::connect_timeout;
  c->timer_.set(c->pool_->options.connect_timeout_ms);
  return c;
}

UpstreamConnection* UpstreamConnection::take_idle(EndpointPool& pool, UpstreamSink* sink) {
  UpstreamConnection* c = pool.idle_head;
  if (!c) return nullptr;
  c->pool_unlink();
  c->timer_.clear();
  c->sink_ = sink;
  c->state_ = State::active;
  return c;
}

void UpstreamConnection::pool_unlink() noexcept {
  if (state_ != State::idle) return;
  if (prev_) prev_->next_ = next_;
  else pool_->idle_head = next_;
  if (next_) next_->prev_ = prev_;
  next_ = prev_ = nullptr;
  pool_->idle_count--;
}

void UpstreamConnection::on_connect(uv_connect_t* req, int status) {
  auto* c = static_cast<UpstreamConnection*>(req->data);
  if (c->state_ == State::closing) return;
  c->timer_.clear();
  if (status < 0) {
    c->fail(UpstreamError::connect_failed);
    return;
  }
  c->state_ = State::active;
  uv_read_start(c->stream(), &on_alloc, &on_read);
  if (c->sink_) c->sink_->on_upstream_connected();
}

void UpstreamConnection::expect_response(bool head_request, uint32_t timeout_ms) {
  llhttp_init(&parser_, HTTP_RESPONSE, &settings());
  parser_.data = this;
  head_request_ = head_request;
  got_bytes_ = complete_ = paused_ = in_head_ = interim_ = upgrade_ = deferred_pool_ = false;
  content_length_seen_ = 0;
  timeout_ms_ = timeout_ms;
  ++requests_;
  pending_error_ = UpstreamError::response_timeout;
  timer_.set(timeout_ms);
}

void UpstreamConnection::on_timer(void* self) {
  auto* c = static_cast<UpstreamConnection*>(self);
  if (c->state_ == State::idle) return;  // idle expiry is expire_idle()'s
  c->fail(c->pending_error_);
}

void UpstreamConnection::expire_idle(EndpointPool& pool, uint64_t now) {
  // Oldest last: walk from the head and close everything past its time, and
  // while the breaker's connection slots are contended (see finish), one
  // connection per freed slot.
  UpstreamConnection* c = pool.idle_head;
  while (c) {
    UpstreamConnection* next = c->next_;
    if (now - c->idle_since_ >= pool.options.idle_timeout_ms ||
        (c->slot_owner_ && c->slot_owner_->limits.connections_contended()))
      c->close();
    c = next;
  }
}

void UpstreamConnection::fail(UpstreamError e) {
  if (state_ == State::closing) return;
  UpstreamSink* sink = sink_;
  bool before = !got_bytes_;
  close();
  if (sink) sink->on_upstream_error(e, before);
}

void UpstreamConnection::on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* c = static_cast<UpstreamConnection*>(h->data);
  if (!c->rbuf_.data) {
    c->rbuf_ = c->io_.io.take();
    c->rlen_ = c->rpos_ = 0;
  }
  if (c->rbuf_.data && c->rpos_ == c->rlen_ && !c->in_head_) c->rpos_ = c->rlen_ = 0;
  if (c->rbuf_.data && c->rlen_ == c->rbuf_.cap && c->in_head_ && c->rbuf_.cap < kMaxResponseHead)
    c->io_.io.grow(c->rbuf_, c->rbuf_.cap * 2);
  if (!c->rbuf_.data || c->rlen_ == c->rbuf_.cap) {
    *buf = uv_buf_init(nullptr, 0);  // makes on_read see UV_ENOBUFS
    return;
  }
  *buf = uv_buf_init(c->rbuf_.data + c->rlen_, c->rbuf_.cap - c->rlen_);
}

void UpstreamConnection::release_buffer() noexcept {
  if (rbuf_.data && rpos_ == rlen_ && !in_head_) {
    io_.io.give(rbuf_);
    rbuf_ = {};
    rpos_ = rlen_ = 0;
  }
}

void UpstreamConnection::on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t*) {
  auto* c = static_cast<UpstreamConnection*>(s->data);
  if (nread == 0) {
    c->release_buffer();
    return;
  }
  if (c->state_ == State::idle) {  // closed by the upstream, or unsolicited bytes
    c->close();
    return;
  }
  if (nread < 0) {
    if (c->state_ == State::raw) {
      UpstreamSink* sink = c->sink_;
      c->close();
      if (sink) sink->on_upstream_eof();
      return;
    }
    if (nread == UV_EOF && c->got_bytes_ && !c->complete_ && !c->in_head_ &&
        llhttp_message_needs_eof(&c->parser_)) {
      // Close-delimited body (RFC 9112 6.3 rule 8): EOF ends the response.
      llhttp_finish(&c->parser_);
      if (c->sink_) c->sink_->on_upstream_batch_end();
      c->broken_ = true;
      if (c->state_ != State::closing && !c->complete_) c->fail(UpstreamError::reset);
      return;
    }
    c->fail(nread == UV_ENOBUFS ? UpstreamError::bad_response : UpstreamError::reset);
    return;
  }
  c->rlen_ += static_cast<uint32_t>(nread);
  if (c->state_ == State::raw) {
    uint32_t from = c->rpos_;
    c->rpos_ = c->rlen_;
    if (c->sink_) c->sink_->on_upstream_raw(c->rbuf_.data + from, c->rlen_ - from);
    c->release_buffer();
    return;
  }
  c->got_bytes_ = true;
  // Inactivity while the body streams is bounded by the same timeout.
  if (!c->in_head_ && !c->complete_ && c->pending_error_ == UpstreamError::response_timeout &&
      c->timeout_ms_)
    c->timer_.set(c->timeout_ms_);
  c->parse();
}

void UpstreamConnection::parse() {
  in_parse_ = true;
  while (state_ == State::active && !paused_ && !complete_ &&
         (rpos_ < rlen_ || (kick_ && rbuf_.data))) {
    kick_ = false;
    const char* base = rbuf_.data;
    llhttp_errno_t err = llhttp_execute(&parser_, base + rpos_, rlen_ - rpos_);
    if (state_ == State::closing) {
      in_parse_ = false;
      return;
    }
    if (deferred_pool_) {
      rpos_ = err == HPE_OK ? rlen_ : static_cast<uint32_t>(llhttp_get_error_pos(&parser_) - base);
      if (err == HPE_PAUSED) llhttp_resume(&parser_);
      break;
    }
    if (err == HPE_OK) {
      rpos_ = rlen_;
      break;
    }
    if (err == HPE_PAUSED) {
      rpos_ = static_cast<uint32_t>(llhttp_get_error_pos(&parser_) - base);
      llhttp_resume(&parser_);
      continue;
    }
    if (err == HPE_PAUSED_UPGRADE) {
      rpos_ = static_cast<uint32_t>(llhttp_get_error_pos(&parser_) - base);
      break;
    }
    in_parse_ = false;
    broken_ = true;
    if (deferred_pool_) {
      close();
      return;
    }
    if (sink_) sink_->on_upstream_batch_end();
    fail(UpstreamError::bad_response);
    return;
  }
  in_parse_ = false;
  if (sink_ && state_ != State::closing) sink_->on_upstream_batch_end();
  if (state_ == State::closing) return;
  if (deferred_pool_) {
    if (rpos_ < rlen_) close();
    else enter_pool();
    return;
  }
  if (complete_ && rpos_ < rlen_ && state_ != State::raw) broken_ = true;  // bytes past the response
  if (state_ == State::idle && broken_) {
    close();
    return;
  }
  if (state_ == State::raw && rpos_ < rlen_) {
    uint32_t from = rpos_;
    rpos_ = rlen_;
    if (sink_) sink_->on_upstream_raw(rbuf_.data + from, rlen_ - from);
  }
  if (!paused_) release_buffer();
}

void UpstreamConnection::pause() noexcept {
  if (paused_ || state_ == State::closing) return;
  paused_ = true;
  uv_read_stop(stream());
}

void UpstreamConnection::resume() {
  if (!paused_ || state_ == State::closing) return;
  paused_ = false;
  kick_ = true;
  if (state_ == State::active) parse();
  // pause() stopped reading; the response may have ended and the connection
  // gone to the pool meanwhile, where it must read to notice a close.
  if (state_ == State::active || state_ == State::raw || state_ == State::idle)
    uv_read_start(stream(), &on_alloc, &on_read);
}

void UpstreamConnection::finish(bool reusable) {
  if (state_ == State::closing) return;
  sink_ = nullptr;
  uint32_t max_requests = pool_->options.max_requests_per_connection;
  bool keep = reusable && complete_ && !broken_ && state_ == State::active && !paused_ &&
              llhttp_should_keep_alive(&parser_) && out_.pending() == 0 && !pool_->retired &&
              pool_->idle_count < pool_->options.max_idle &&
              (max_requests == 0 || requests_ < max_requests);
  // Under the breaker's gateway-wide max_connections, a request waiting on
  // another worker needs this slot more than this pool needs an idle
  // connection (unless this pool has its own waiters, who take it at once).
  if (keep && slot_owner_ && pool_->pending.empty() && slot_owner_->limits.connections_contended())
    keep = false;
  if (!keep) {
    close();
    return;
  }
  if (in_parse_) {
    // Pooled once llhttp has returned, so that no exchange can take this
    // connection while its parser is still running.
    deferred_pool_ = true;
    return;
  }
  enter_pool();
}

void UpstreamConnection::enter_pool() {
  deferred_pool_ = false;
  fields_.release(io_.fields);
  state_ = State::idle;
  next_ = pool_->idle_head;
  prev_ = nullptr;
  if (next_) next_->prev_ = this;
  pool_->idle_head = this;
  pool_->idle_count++;
  // No timer while pooled: the worker's sweep closes connections idle too
  // long, so reuse costs no timer operation.
  timer_.clear();
  idle_since_ = uv_now(io_.loop);
  if (rpos_ < rlen_) {
    close();  // bytes beyond the response
    return;
  }
  release_buffer();
  pool_->pending.wake_head();
}

void UpstreamConnection::abort() noexcept {
  sink_ = nullptr;
  close();
}

void UpstreamConnection::close() noexcept {
  if (state_ == State::closing) return;
  pool_unlink();
  state_ = State::closing;
  sink_ = nullptr;
  pool_->open_count--;
  if (slot_owner_) {
    slot_owner_->limits.release(breaker::Resource::connections);
    slot_owner_.reset();
  }
  pool_->pending.wake_head();
  timer_.stop();
  timer_.handle()->data = this;
  out_.flush();
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &on_closed);
  uv_close(timer_.handle(), &on_closed);
}

void UpstreamConnection::on_closed(uv_handle_t* h) {
  auto* c = static_cast<UpstreamConnection*>(h->data);
  if (--c->open_handles_ > 0) return;
  // uv_close cancels queued writes first, so none references the queue now.
  c->io_.io.give(c->rbuf_);
  c->fields_.release(c->io_.fields);
  delete c;
}

void UpstreamConnection::on_drain(void* self, int status) {
  auto* c = static_cast<UpstreamConnection*>(self);
  if (c->state_ == State::closing) return;
  if (status < 0) {
    c->fail(UpstreamError::reset);
    return;
  }
  if (c->sink_ && c->out_.pending() < core::kHighWater / 2) c->sink_->on_upstream_drain();
}

// --- llhttp callbacks -------------------------------------------------------

int UpstreamConnection::cb_message_begin(llhttp_t* p) {
  auto* c = self_of(p);
  if (!c->fields_.begin(c->io_.fields)) return -1;
  c->in_head_ = true;
  c->content_length_seen_ = 0;
  c->reason_len_ = 0;
  return 0;
}

int UpstreamConnection::cb_status(llhttp_t* p, const char* at, size_t len) {
  auto* c = self_of(p);
  if (c->reason_len_ == 0) c->reason_off_ = static_cast<uint32_t>(at - c->rbuf_.data);
  c->reason_len_ += static_cast<uint32_t>(len);
  return 0;
}

int UpstreamConnection::cb_header_field(llhttp_t* p, const char* at, size_t len) {
  auto* c = self_of(p);
  if (c->fields_.on_name(static_cast<uint32_t>(at - c->rbuf_.data), static_cast<uint32_t>(len),
                         http::HeadFields::kMaxFields) != http::HeadFields::NameResult::ok)
    return -1;
  return 0;
}

int UpstreamConnection::cb_header_value(llhttp_t* p, const char* at, size_t len) {
  auto* c = self_of(p);
  // A value in pieces that do not follow each other is a folded line.
  return c->fields_.on_value(static_cast<uint32_t>(at - c->rbuf_.data), static_cast<uint32_t>(len))
             ? 0
             : -1;
}

int UpstreamConnection::cb_header_value_complete(llhttp_t* p) {
  auto* c = self_of(p);
  uint32_t i = c->fields_.on_value_complete(c->rbuf_.data);
  if (c->fields_.name_len(i) == 0) return -1;
  if (c->fields_.kind(i) == http::HeaderKind::content_length) ++c->content_length_seen_;
  return 0;
}

int UpstreamConnection::cb_headers_complete(llhttp_t* p) {
  auto* c = self_of(p);
  c->in_head_ = false;
  c->fields_.finish(c->rbuf_.data);
  int status = p->status_code;
  // Status codes are 100..599 (RFC 9110 15); llhttp takes any number.
  if (status < 100 || status > 599) return -1;
  if (status >= 100 && status < 200 && status != 101) {
    c->interim_ = true;  // 1xx interim responses are not relayed (RFC 9110 15.2)
    return 0;
  }
  c->interim_ = false;
  c->timer_.clear();
  c->upgrade_ = status == 101;
  // Framing the gateway cannot relay safely is refused (RFC 9112 6.1, 6.3).
  bool chunked = (p->flags & F_CHUNKED) != 0;
  bool te = (p->flags & F_TRANSFER_ENCODING) != 0;
  bool has_cl = (p->flags & F_CONTENT_LENGTH) != 0;
  for (uint32_t i = 0; i < c->fields_.size(); ++i) {
    if (c->fields_.kind(i) == http::HeaderKind::transfer_encoding &&
        !iequals(c->fields_.at(i).value, "chunked"))
      return -1;
  }
  if ((te && !chunked) || (te && has_cl) || c->content_length_seen_ > 1) return -1;

  ResponseHead h;
  h.status = status;
  h.version_minor = p->http_minor;
  h.reason = std::string_view(c->rbuf_.data + c->reason_off_, c->reason_len_);
  h.fields = &c->fields_;
  h.keep_alive = llhttp_should_keep_alive(p) != 0;
  h.chunked = chunked;
  h.has_length = has_cl;
  h.length = has_cl ? p->content_length : 0;
  h.upgrade = status == 101;
  if (c->sink_) c->sink_->on_response_head(h);
  if (c->state_ == State::closing) return HPE_PAUSED;
  if (h.upgrade) return 2;
  return c->head_request_ ? 1 : 0;
}

int UpstreamConnection::cb_body(llhttp_t* p, const char* at, size_t len) {
  auto* c = self_of(p);
  if (c->sink_ && c->sink_->on_response_body(at, len)) {
    c->pause();
    return HPE_PAUSED;
  }
  return 0;
}

int UpstreamConnection::cb_message_complete(llhttp_t* p) {
  auto* c = self_of(p);
  if (c->interim_) {
    c->interim_ = false;
    return 0;
  }
  if (c->upgrade_) {  // the bytes that follow belong to the new protocol
    c->state_ = State::raw;
    c->timer_.clear();
    return HPE_PAUSED;
  }
  c->complete_ = true;
  if (c->sink_) c->sink_->on_response_complete();
  return HPE_PAUSED;
}

}  // namespace weir::upstream
