// Reading, parsing and the connection's life cycle. The exchange itself
// (routing, relaying) is in exchange.cpp.
#include "core/client_connection.hpp"

#include <cstring>

#include "core/worker.hpp"
#include "http/local_response.hpp"
#include "observe/log.hpp"
#include "router/ip_cidr.hpp"

namespace weir::core {

namespace {
ClientConnection* self_of(llhttp_t* p) { return static_cast<ClientConnection*>(p->data); }
// Room kept free after a request head for body reads.
constexpr uint32_t kMinReadRoom = 4096;
}  // namespace

const llhttp_settings_t& ClientConnection::settings() {
  static const llhttp_settings_t s = [] {
    llhttp_settings_t st;
    llhttp_settings_init(&st);
    st.on_message_begin = cb_message_begin;
    st.on_url = cb_url;
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

ClientConnection::ClientConnection(Worker& w)
    : w_(w), io_(w.io), up_head_(w.io.heads), down_head_(w.io.heads) {}

bool ClientConnection::accept(Worker& w, uv_stream_t* server) {
  auto* c = new ClientConnection(w);
  uv_tcp_init(w.io.loop, &c->tcp_);
  c->tcp_.data = c;
  c->open_handles_ = 1;
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&c->tcp_)) != 0) {
    c->phase_ = Phase::closing;
    c->closed_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp_), &on_closed);
    return false;
  }
  c->timer_.init(w.io.loop, c, &ClientConnection::on_timer);
  c->open_handles_ = 2;
  uv_tcp_nodelay(&c->tcp_, 1);
  sockaddr_storage peer{};
  int plen = sizeof peer;
  if (uv_tcp_getpeername(&c->tcp_, reinterpret_cast<sockaddr*>(&peer), &plen) == 0) {
    if (peer.ss_family == AF_INET) {
      auto* in4 = reinterpret_cast<sockaddr_in*>(&peer);
      uv_ip4_name(in4, c->client_ip_, sizeof c->client_ip_);
      c->client_addr_.family = 4;
      std::memcpy(c->client_addr_.bytes.data(), &in4->sin_addr, 4);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&peer);
      uv_ip6_name(in6, c->client_ip_, sizeof c->client_ip_);
      c->client_addr_.family = 6;
      std::memcpy(c->client_addr_.bytes.data(), &in6->sin6_addr, 16);
      router::unmap_ipv4(c->client_addr_);  // a dual-stack listener's IPv4 client
    }
    c->client_ip_len_ = static_cast<uint8_t>(strnlen(c->client_ip_, sizeof c->client_ip_));
  }
  c->out_.init(reinterpret_cast<uv_stream_t*>(&c->tcp_), c, &ClientConnection::on_drain, &w.io.batch);
  llhttp_init(&c->parser_, HTTP_REQUEST, &settings());
  c->parser_.data = c;
  w.add_connection(c);
  if (w.connection_count() > w.snapshot()->limits.max_connections) {
    c->close();
    return false;
  }
  // A connection that never sends a complete head is bounded by the header timeout.
  c->arm_timer(w.snapshot()->limits.header_timeout_ms, true);
  c->reading_ = true;
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp_), &on_alloc, &on_read);
  return true;
}

void ClientConnection::arm_timer(uint32_t ms, bool header_timeout) noexcept {
  header_timer_ = header_timeout ? 1 : 2;
  timer_.set(ms);
}

void ClientConnection::on_timer(void* self) {
  auto* c = static_cast<ClientConnection*>(self);
  if (c->phase_ == Phase::closing) return;
  if (c->phase_ == Phase::paused || c->response_paused_) {
    c->pause_expired();
    return;
  }
  if (c->retry_pending_) {
    c->retry_now();
    return;
  }
  if (c->waiting()) {  // for an upstream connection
    c->on_pending_timer();
    return;
  }
  if (c->header_timer_ == 1 && c->phase_ == Phase::head) {
    c->reject(408, "request header timeout");
    return;
  }
  c->close();  // idle keep-alive timeout, or no request started in time
}

void ClientConnection::on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* c = static_cast<ClientConnection*>(h->data);
  if (!c->rbuf_.data) {
    c->rbuf_ = c->io_.io.take();
    c->rlen_ = c->rpos_ = c->msg_start_ = 0;
  }
  if (c->rbuf_.data && c->rpos_ == c->rlen_) {
    // Everything read was parsed. Between requests start over; during a body
    // keep the head (the exchange's views point into it) and reuse the rest.
    if (c->phase_ == Phase::idle) {
      c->rlen_ = c->rpos_ = c->msg_start_ = 0;
    } else if (c->phase_ != Phase::head) {
      c->rlen_ = c->rpos_ = c->head_end_;
    }
  }
  if (c->rbuf_.data && c->rbuf_.cap - c->rlen_ < kMinReadRoom) {
    if (c->phase_ == Phase::head && c->msg_start_ > 0) {
      // Move the partial head to the front; the field offsets move with it.
      uint32_t delta = c->msg_start_;
      std::memmove(c->rbuf_.data, c->rbuf_.data + delta, c->rlen_ - delta);
      c->rlen_ -= delta;
      c->rpos_ -= delta;
      c->msg_start_ = 0;
      if (c->url_len_) c->url_off_ -= delta;
      c->fields_.shift(delta);
    } else if (c->rbuf_.cap < c->w_.snapshot()->limits.max_header_bytes + 2 * kMinReadRoom) {
      c->io_.io.grow(c->rbuf_, c->rbuf_.cap * 2);
    }
  }
  if (!c->rbuf_.data || c->rlen_ >= c->rbuf_.cap) {
    *buf = uv_buf_init(nullptr, 0);
    return;
  }
  *buf = uv_buf_init(c->rbuf_.data + c->rlen_, c->rbuf_.cap - c->rlen_);
}

void ClientConnection::release_buffers() noexcept {
  if (phase_ == Phase::idle && rpos_ == rlen_) {
    io_.io.give(rbuf_);
    rbuf_ = {};
    rlen_ = rpos_ = msg_start_ = 0;
    fields_.release(io_.fields);
  }
}

void ClientConnection::on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t*) {
  auto* c = static_cast<ClientConnection*>(s->data);
  if (c->phase_ == Phase::closing) return;
  if (nread == 0) {
    c->release_buffers();
    return;
  }
  if (nread < 0) {
    if (nread == UV_ENOBUFS) {
      c->reject(431, "request header too large");
      return;
    }
    c->client_eof_ = true;
    c->reading_ = false;
    uv_read_stop(s);
    if (c->phase_ == Phase::raw) {
      c->close();
      return;
    }
    // A client may half-close after a complete request and still read the
    // response; anything else ends the exchange.
    if (c->request_done_ && !c->response_done_ &&
        (c->phase_ == Phase::upstream || c->phase_ == Phase::connecting)) {
      c->close_after_ = true;
      return;
    }
    c->close();
    return;
  }
  c->rlen_ += static_cast<uint32_t>(nread);
  if (c->phase_ == Phase::raw) {
    c->timer_.set(c->w_.snapshot()->limits.idle_timeout_ms);
    uint32_t from = c->rpos_;
    c->rpos_ = c->rlen_;
    if (c->up_) {
      uv_buf_t b = uv_buf_init(c->rbuf_.data + from, c->rlen_ - from);
      if (c->up_->out().send(&b, 1) < 0) {
        c->close();
        return;
      }
      if (c->up_->out().pending() > kHighWater) {
        c->reading_ = false;
        uv_read_stop(s);
      }
    }
    c->rlen_ = c->rpos_ = 0;
    return;
  }
  c->pump();
}

void ClientConnection::pump() {
  while (!parse_paused_ && (rpos_ < rlen_ || kick_) && phase_ != Phase::closing &&
         phase_ != Phase::raw && rbuf_.data) {
    kick_ = false;
    const char* base = rbuf_.data;
    if (phase_ == Phase::idle) start_message();
    llhttp_errno_t err = llhttp_execute(&parser_, base + rpos_, rlen_ - rpos_);
    if (phase_ == Phase::closing) return;
    if (err == HPE_OK) {
      rpos_ = rlen_;
      break;
    }
    if (err == HPE_PAUSED) {
      rpos_ = off(llhttp_get_error_pos(&parser_));
      llhttp_resume(&parser_);
      if (phase_ == Phase::dispatch) {
        head_end_ = rpos_;
        dispatch();
      } else if (phase_ == Phase::buffering && request_done_) {
        body_complete();
      }
      end_exchange_if_done();
      continue;
    }
    if (err == HPE_PAUSED_UPGRADE) {
      rpos_ = off(llhttp_get_error_pos(&parser_));
      parse_paused_ = true;  // what follows belongs to the upgraded protocol
      break;
    }
    if (reject_status_) {
      reject(reject_status_, reject_message_);
    } else {
      reject(400, llhttp_get_error_reason(&parser_) ? llhttp_get_error_reason(&parser_)
                                                    : "malformed request");
    }
    return;
  }
  if (phase_ == Phase::closing) return;
  flush_up();
  if (phase_ == Phase::head && rpos_ - msg_start_ > w_.snapshot()->limits.max_header_bytes) {
    reject(431, "request header too large");
    return;
  }
  if (parse_paused_ && reading_ && rpos_ < rlen_) {
    // Unparsed bytes wait (pipelining or backpressure): stop reading more.
    reading_ = false;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  } else if (!parse_paused_) {
    resume_reading();
  }
  release_buffers();
}

void ClientConnection::end_exchange_if_done() {
  if (request_done_ && response_done_ && phase_ != Phase::idle && phase_ != Phase::closing &&
      phase_ != Phase::raw)
    end_exchange();
}

void ClientConnection::resume_reading() noexcept {
  if (reading_ || client_eof_ || closed_ || phase_ == Phase::closing) return;
  reading_ = true;
  uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &on_alloc, &on_read);
}

void ClientConnection::start_message() noexcept {
  phase_ = Phase::head;
  msg_start_ = rpos_;
  url_off_ = url_len_ = 0;
  reject_status_ = 0;
  reject_message_ = nullptr;
  request_done_ = response_done_ = response_started_ = false;
  head_method_ = up_chunked_ = down_chunked_ = down_eof_framed_ = false;
  expect_continue_ = upgrade_ = retried_ = body_sent_ = body_buffered_ = false;
  paused_in_body_ = false;
  chain_hooks_ = 0;
  retry_pending_ = false;
  error_reason_ = {};
  tries_ = 0;
  failed_ = nullptr;
  endpoint_index_ = UINT32_MAX;
  breaker_permit_ = upstream::breaker::Permit{upstream::breaker::Permit::Kind::refused};
  breaker_recorded_ = false;
  host_index_ = UINT32_MAX;
  host_ = {};
  user_agent_index_ = UINT32_MAX;
  user_agent_ = {};
  has_params_ = false;
  body_bytes_ = 0;
  status_ = 0;
  request_id_len_ = 0;
  route_ = nullptr;
  path_len_ = 0;  // no path of an earlier exchange in this one's log
  bytes_out_ = head_ns_ = 0;
  local_error_ = false;
  log_armed_ = true;  // metrics record every exchange, on_log hooks or not
  start_ns_ = uv_hrtime();
  if (header_timer_ != 1) arm_timer(w_.snapshot()->limits.header_timeout_ms, true);
}

// --- llhttp callbacks -------------------------------------------------------

int ClientConnection::cb_message_begin(llhttp_t* p) {
  auto* c = self_of(p);
  if (!c->fields_.begin(c->io_.fields)) {
    c->reject_status_ = 503;
    c->reject_message_ = "out of memory";
    return -1;
  }
  return 0;
}

int ClientConnection::cb_url(llhttp_t* p, const char* at, size_t len) {
  auto* c = self_of(p);
  if (c->url_len_ == 0) c->url_off_ = c->off(at);
  else if (c->off(at) != c->url_off_ + c->url_len_) return -1;
  c->url_len_ += static_cast<uint32_t>(len);
  if (c->url_len_ > c->w_.snapshot()->limits.max_url_bytes) {
    c->reject_status_ = 414;
    c->reject_message_ = "request target too long";
    return -1;
  }
  return 0;
}

int ClientConnection::cb_header_field(llhttp_t* p, const char* at, size_t len) {
  auto* c = self_of(p);
  const Limits& lim = c->w_.snapshot()->limits;
  auto r = c->fields_.on_name(c->off(at), static_cast<uint32_t>(len), lim.max_headers);
  if (r == http::HeadFields::NameResult::too_many ||
      c->off(at) + len - c->msg_start_ > lim.max_header_bytes) {
    c->reject_status_ = 431;
    c->reject_message_ = "request header too large";
    return -1;
  }
  if (r == http::HeadFields::NameResult::malformed) {
    c->reject_status_ = 400;
    c->reject_message_ = "malformed header field";
    return -1;
  }
  return 0;
}

int ClientConnection::cb_header_value(llhttp_t* p, const char* at, size_t len) {
  auto* c = self_of(p);
  if (c->off(at) + len - c->msg_start_ > c->w_.snapshot()->limits.max_header_bytes) {
    c->reject_status_ = 431;
    c->reject_message_ = "request header too large";
    return -1;
  }
  if (!c->fields_.on_value(c->off(at), static_cast<uint32_t>(len))) {
    c->reject_status_ = 400;
    c->reject_message_ = "obsolete line folding";
    return -1;
  }
  return 0;
}

int ClientConnection::cb_header_value_complete(llhttp_t* p) {
  auto* c = self_of(p);
  uint32_t i = c->fields_.on_value_complete(c->rbuf_.data);
  if (c->fields_.name_len(i) == 0) {  // RFC 9110 5.1: a name is a token
    c->reject_status_ = 400;
    c->reject_message_ = "empty header name";
    return -1;
  }
  if (c->fields_.kind(i) == http::HeaderKind::host) {
    if (c->host_index_ != UINT32_MAX) {  // RFC 9112 3.2: exactly one Host
      c->reject_status_ = 400;
      c->reject_message_ = "duplicate Host header";
      return -1;
    }
    c->host_index_ = i;
  } else if (c->fields_.kind(i) == http::HeaderKind::user_agent && c->user_agent_index_ == UINT32_MAX) {
    c->user_agent_index_ = i;
  }
  return 0;
}

int ClientConnection::cb_headers_complete(llhttp_t* p) {
  auto* c = self_of(p);
  c->fields_.finish(c->rbuf_.data);
  // Kept by value: every phase's request view reads them, and the header
  // table is out of cache (and its page out of the TLB) by the time the
  // response comes and the access log wants the user agent.
  if (c->host_index_ != UINT32_MAX) c->host_ = c->fields_.at(c->host_index_).value;
  if (c->user_agent_index_ != UINT32_MAX)
    c->user_agent_ = c->fields_.at(c->user_agent_index_).value;
  if (!c->validate_head()) return -1;
  c->phase_ = Phase::dispatch;
  c->parse_paused_ = true;
  c->timer_.clear();
  c->header_timer_ = 0;
  return HPE_PAUSED;
}

int ClientConnection::cb_body(llhttp_t* p, const char* at, size_t len) {
  auto* c = self_of(p);
  c->body_bytes_ += len;
  uint64_t max = c->snap_ ? c->snap_->limits.max_body_bytes : 0;
  if (max && c->body_bytes_ > max) {
    c->reject_status_ = 413;
    c->reject_message_ = "request body too large";
    return -1;
  }
  switch (c->phase_) {
    case Phase::upstream:
      if (c->chain_hooks_ & MiddlewareChains::request_chunk) c->run_chunk_hooks(true, {at, len}, false);
      c->add_body(at, len);
      if (c->up_ && c->up_->out().pending() > kHighWater) {
        c->parse_paused_ = true;
        return HPE_PAUSED;
      }
      return 0;
    case Phase::handler:
      c->body_buf_.append(at, len);
      return 0;
    case Phase::buffering:
      if (c->body_buf_.size() + len > c->snap_->pipeline.info[c->chain_index()].request_body_max) {
        c->reject_status_ = 413;
        c->reject_message_ = "request body too large";
        return -1;
      }
      c->body_buf_.append(at, len);
      return 0;
    default:
      return 0;  // discarded (a local response is going out)
  }
}

int ClientConnection::cb_message_complete(llhttp_t* p) {
  auto* c = self_of(p);
  c->request_done_ = true;
  if (c->phase_ == Phase::upstream && (c->chain_hooks_ & MiddlewareChains::request_chunk))
    c->run_chunk_hooks(true, {}, true);
  if (c->phase_ == Phase::upstream || c->phase_ == Phase::connecting) c->finish_request_body();
  if (c->phase_ == Phase::handler) c->run_handler();
  if (c->phase_ == Phase::closing) return HPE_PAUSED;
  c->parse_paused_ = true;  // a pipelined request waits for this response
  return HPE_PAUSED;
}

// --- ending -----------------------------------------------------------------

void ClientConnection::end_exchange() {
  run_log_hooks(false);
  if (up_) {
    up_->finish(request_done_ && !upgrade_);
    up_ = nullptr;
  }
  release_endpoint();
  replay_.reset();
  // The edits first: what they hold may belong to the snapshot's middleware
  // (the jwt middleware's cache of this worker), which dropping the snapshot
  // may destroy.
  io_.edits.give(edits_);
  edits_ = nullptr;
  snap_.reset();
  body_buf_.clear();
  if (body_buf_.capacity() > 64 * 1024) std::string().swap(body_buf_);
  up_head_.release();
  down_head_.release();
  if (close_after_ || draining_ || w_.draining() || client_eof_) {
    close_after_flush();
    return;
  }
  phase_ = Phase::idle;
  parse_paused_ = false;
  // Compact a pipelined request to the front of the buffer.
  if (rpos_ < rlen_) {
    std::memmove(rbuf_.data, rbuf_.data + rpos_, rlen_ - rpos_);
    rlen_ -= rpos_;
    rpos_ = 0;
  } else {
    rlen_ = rpos_ = 0;
  }
  msg_start_ = 0;
  arm_timer(w_.snapshot()->limits.idle_timeout_ms, false);
  resume_reading();
  if (rlen_ == 0) release_buffers();
}

bool ClientConnection::reject(int status, const char* message) {
  if (phase_ == Phase::closing) return false;
  if (response_started_) {  // too late for a clean answer
    close();
    return false;
  }
  if (up_) {
    up_->abort();
    up_ = nullptr;
  }
  std::string bytes;
  http::append_error_response(bytes, status, message ? message : "error", request_id(), true,
                              head_method_);
  status_ = static_cast<uint16_t>(status);
  local_error_ = true;
  log_error(status, message ? message : "error");
  send_local(std::move(bytes), true);
  return false;
}

void ClientConnection::log_error(int status, std::string_view message) {
  error_reason_ = message;  // static texts only: it outlives the call
  LogLevel level = status >= 500 ? LogLevel::warn : LogLevel::info;
  if (!observe::log_enabled(level)) return;
  std::string line;
  line.reserve(160);
  line += std::to_string(status);
  line += ' ';
  if (phase_ != Phase::head || url_len_) {
    line += llhttp_method_name(static_cast<llhttp_method_t>(parser_.method));
    line += ' ';
    if (rbuf_.data) line.append(rbuf_.data + url_off_, std::min<uint32_t>(url_len_, 256));
    line += ' ';
  }
  line += '"';
  line.append(message);
  line += "\" client=";
  line.append(client_ip_view());
  line += " request_id=";
  line.append(request_id());
  observe::log_line(level, line);
}

void ClientConnection::send_local(std::string&& bytes, bool close_after) {
  response_started_ = true;
  bytes_out_ += bytes.size();
  flush_down();
  uv_buf_t b = uv_buf_init(bytes.data(), static_cast<unsigned>(bytes.size()));
  if (out_.send(&b, 1) < 0) {
    close();
    return;
  }
  if (close_after) {
    close_after_flush();
  }
}

void ClientConnection::close_after_flush() noexcept {
  if (phase_ == Phase::closing) return;
  if (up_) {
    up_->abort();
    up_ = nullptr;
  }
  phase_ = Phase::closing;
  timer_.clear();
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  reading_ = false;
  // The shutdown waits for queued writes, then the connection closes.
  shutdown_req_.data = this;
  if (out_.flush() < 0 || uv_shutdown(&shutdown_req_, reinterpret_cast<uv_stream_t*>(&tcp_), &on_shutdown) != 0)
    close();
}

void ClientConnection::on_shutdown(uv_shutdown_t* req, int) {
  static_cast<ClientConnection*>(req->data)->close();
}

void ClientConnection::drain() noexcept {
  draining_ = true;
  if (phase_ == Phase::idle) close();
}

void ClientConnection::close() noexcept {
  if (closed_) return;
  closed_ = true;
  // A client that went away, or a failed connection, still gets its log line.
  if (log_armed_) run_log_hooks(!response_done_ && !local_error_);
  if (phase_ == Phase::paused || response_paused_) drop_pause();
  response_paused_ = false;
  phase_ = Phase::closing;
  if (up_) {
    up_->abort();
    up_ = nullptr;
  }
  w_.remove_connection(this);
  release_endpoint();
  timer_.stop();
  timer_.handle()->data = this;
  out_.flush();  // what was sent before the close goes out, as far as the kernel takes it
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &on_closed);
  uv_close(timer_.handle(), &on_closed);
}

void ClientConnection::on_closed(uv_handle_t* h) {
  auto* c = static_cast<ClientConnection*>(h->data);
  if (--c->open_handles_ > 0) return;
  c->io_.io.give(c->rbuf_);
  c->fields_.release(c->io_.fields);
  c->io_.edits.give(c->edits_);
  delete c;
}

void ClientConnection::on_drain(void* self, int status) {
  auto* c = static_cast<ClientConnection*>(self);
  if (c->phase_ == Phase::closing) return;
  if (status < 0) {
    c->close();
    return;
  }
  if (c->out_.pending() >= kHighWater / 2) return;
  if (c->up_) c->up_->resume();
}

}  // namespace weir::core
