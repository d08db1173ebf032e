#include "upstream/health/endpoint_probe.hpp"

#include <algorithm>

#include "observe/log.hpp"
#include "upstream/health/probe_request.hpp"

namespace weir::upstream::health {

EndpointProbe::EndpointProbe(std::shared_ptr<UpstreamHealth> health, uint32_t index, uint64_t seed)
    : health_(std::move(health)), check_(*health_->spec().check), index_(index), rng_(seed) {
  if (!check_.path.empty()) {
    // Without a configured host, the endpoint as configured ("api.internal:80"
    // rather than the address it resolved to), as a proxied request without
    // Host would carry.
    const HealthSpec& spec = health_->spec();
    const std::string& host = !check_.host.empty()                ? check_.host
                              : index < spec.authorities.size() ? spec.authorities[index]
                                                                : spec.addresses[index];
    request_ = probe_request(check_.path, host);
  }
}

// splitmix64: a few instructions, good enough to spread probe times.
uint64_t EndpointProbe::next_random() noexcept {
  uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t EndpointProbe::jittered_interval() noexcept {
  uint64_t interval = check_.interval_ms;
  uint64_t spread = interval / 5;  // +-10%
  return interval - interval / 10 + next_random() % (spread + 1);
}

void EndpointProbe::start(uv_loop_t* loop) noexcept {
  loop_ = loop;
  uv_timer_init(loop, &timer_);
  timer_.data = this;
  open_handles_ = 1;
  uint64_t first = std::min<uint64_t>(check_.interval_ms, 1000);
  schedule(next_random() % (first + 1));
}

void EndpointProbe::schedule(uint64_t delay_ms) noexcept {
  uv_timer_start(&timer_, &on_timer, delay_ms, 0);
}

void EndpointProbe::on_timer(uv_timer_t* t) {
  auto* p = static_cast<EndpointProbe*>(t->data);
  if (p->stopping_) return;
  if (p->in_attempt_) {
    p->finish(false, "no answer within " + std::to_string(p->check_.timeout_ms) + " ms");
  } else if (p->tcp_open_) {
    p->schedule(p->jittered_interval());  // the last socket is still closing
  } else {
    p->begin();
  }
}

void EndpointProbe::begin() noexcept {
  int r = uv_tcp_init(loop_, &tcp_);
  if (r < 0) {
    judge(false, uv_strerror(r));
    schedule(jittered_interval());
    return;
  }
  tcp_.data = this;
  tcp_open_ = true;
  ++open_handles_;
  in_attempt_ = true;
  rlen_ = 0;
  connect_req_.data = this;
  r = uv_tcp_connect(&connect_req_, &tcp_, health_->spec().resolved[index_].get(), &on_connect);
  if (r < 0) return finish(false, std::string("connect: ") + uv_strerror(r));
  uv_timer_start(&timer_, &on_timer, check_.timeout_ms, 0);
}

void EndpointProbe::on_connect(uv_connect_t* req, int status) {
  auto* p = static_cast<EndpointProbe*>(req->data);
  if (!p->in_attempt_) return;  // timed out or stopped: the socket is closing
  if (status < 0) return p->finish(false, std::string("connect: ") + uv_strerror(status));
  if (p->request_.empty()) return p->finish(true, "");
  auto* stream = reinterpret_cast<uv_stream_t*>(&p->tcp_);
  uv_buf_t buf = uv_buf_init(p->request_.data(), static_cast<unsigned>(p->request_.size()));
  p->write_req_.data = p;
  int r = uv_write(&p->write_req_, stream, &buf, 1, &on_write);
  if (r == 0) r = uv_read_start(stream, &on_alloc, &on_read);
  if (r < 0) p->finish(false, std::string("send: ") + uv_strerror(r));
}

void EndpointProbe::on_write(uv_write_t* req, int status) {
  auto* p = static_cast<EndpointProbe*>(req->data);
  if (status < 0 && p->in_attempt_) p->finish(false, std::string("send: ") + uv_strerror(status));
}

void EndpointProbe::on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* p = static_cast<EndpointProbe*>(h->data);
  *buf = uv_buf_init(p->rbuf_ + p->rlen_, static_cast<unsigned>(sizeof p->rbuf_ - p->rlen_));
}

void EndpointProbe::on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t*) {
  auto* p = static_cast<EndpointProbe*>(s->data);
  if (!p->in_attempt_) return;
  if (nread < 0) {
    return p->finish(false, nread == UV_EOF ? "closed before a status line"
                                            : std::string("read: ") + uv_strerror(static_cast<int>(nread)));
  }
  p->rlen_ += static_cast<size_t>(nread);
  int status = parse_status_line(p->rbuf_, p->rlen_);
  if (status == kIncomplete) {
    if (p->rlen_ == sizeof p->rbuf_) p->finish(false, "status line too long");
    return;
  }
  if (status == kMalformed) return p->finish(false, "not an HTTP/1.x status line");
  if (status_expected(p->check_.expect_status, status)) return p->finish(true, "");
  p->finish(false, "status " + std::to_string(status));
}

void EndpointProbe::finish(bool ok, std::string_view why) noexcept {
  in_attempt_ = false;
  uv_timer_stop(&timer_);
  // Closing cancels a pending connect or write; their callbacks see
  // in_attempt_ false and do nothing.
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &on_closed);
  judge(ok, why);
  if (!stopping_) schedule(jittered_interval());
}

void EndpointProbe::judge(bool ok, std::string_view why) noexcept {
  const HealthSpec& spec = health_->spec();
  bool down = health_->down(index_);
  std::string line;
  try {
    if (ok) {
      failures_ = 0;
      if (!down || ++successes_ < check_.healthy) return;
      successes_ = 0;
      health_->set_down(index_, false);
      if (!observe::log_enabled(LogLevel::info)) return;
      line = "upstream " + spec.upstream + " endpoint " + spec.addresses[index_] + " healthy: " +
             std::to_string(check_.healthy) + " consecutive checks passed";
      observe::log_line(LogLevel::info, line);
    } else {
      successes_ = 0;
      if (down || ++failures_ < check_.unhealthy) return;
      failures_ = 0;
      health_->set_down(index_, true);
      if (!observe::log_enabled(LogLevel::warn)) return;
      line = "upstream " + spec.upstream + " endpoint " + spec.addresses[index_] + " unhealthy: ";
      line.append(why).append(" (").append(std::to_string(check_.unhealthy));
      line.append(" consecutive checks failed)");
      observe::log_line(LogLevel::warn, line);
    }
  } catch (...) {
    // Out of memory while logging: the mark is already set.
  }
}

void EndpointProbe::stop() noexcept {
  stopping_ = true;
  in_attempt_ = false;
  uv_timer_stop(&timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &on_closed);
  auto* tcp = reinterpret_cast<uv_handle_t*>(&tcp_);
  if (tcp_open_ && !uv_is_closing(tcp)) uv_close(tcp, &on_closed);
}

void EndpointProbe::on_closed(uv_handle_t* h) {
  auto* p = static_cast<EndpointProbe*>(h->data);
  if (h == reinterpret_cast<uv_handle_t*>(&p->tcp_)) p->tcp_open_ = false;
  if (--p->open_handles_ == 0 && p->stopping_) delete p;
}

}  // namespace weir::upstream::health
