#include "core/mirror_request.hpp"

#include <vector>

#include "observe/log.hpp"
#include "upstream/upstream_connection.hpp"

namespace weir::core {

namespace {

class MirrorRequest;

// One loop's shadows. Thread-local and per loop: a loop is served by one
// thread, and this outlives every connection opened with its IoContext.
struct MirrorLoop {
  uv_loop_t* loop = nullptr;
  IoContext io;
  uint32_t in_flight = 0;
  MirrorStats stats;
  MirrorRequest* head = nullptr;  // the shadows in flight
};

thread_local std::vector<std::unique_ptr<MirrorLoop>> t_loops;

MirrorLoop& loop_state(uv_loop_t* loop) {
  for (auto& l : t_loops) {
    if (l->loop == loop) return *l;
  }
  t_loops.push_back(std::make_unique<MirrorLoop>());
  t_loops.back()->loop = loop;
  t_loops.back()->io.loop = loop;
  return *t_loops.back();
}

// Log lines for skipped copies are bounded: the 1st, 2nd, 4th, 8th ...
bool power_of_two(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

class MirrorRequest final : public upstream::UpstreamSink {
 public:
  MirrorRequest(MirrorLoop& home, std::string request, bool head_request, uint32_t timeout_ms)
      : home_(home), request_(std::move(request)), head_request_(head_request), timeout_ms_(timeout_ms) {
    next_ = home_.head;
    if (next_) next_->prev_ = this;
    home_.head = this;
    ++home_.in_flight;
  }

  void start(core::LoopRef<upstream::EndpointPool> pool) {
    up_ = upstream::UpstreamConnection::connect(home_.io, std::move(pool), this);
  }

  void abort() noexcept {
    if (up_) {
      upstream::UpstreamConnection* u = up_;
      up_ = nullptr;
      u->abort();
    }
    done();
  }

  MirrorRequest* next() const noexcept { return next_; }

 private:
  ~MirrorRequest() = default;

  void done() noexcept {
    if (prev_) prev_->next_ = next_;
    else home_.head = next_;
    if (next_) next_->prev_ = prev_;
    --home_.in_flight;
    delete this;
  }

  void on_upstream_connected() override {
    up_->expect_response(head_request_, timeout_ms_);
    uv_buf_t b = uv_buf_init(request_.data(), static_cast<unsigned>(request_.size()));
    if (up_->out().send(&b, 1) < 0) {
      ++home_.stats.failed;
      abort();
      return;
    }
    ++home_.stats.sent;
    // OutQueue copied what the kernel did not take at once.
    std::string().swap(request_);
  }
  void on_upstream_error(upstream::UpstreamError, bool) override {
    up_ = nullptr;  // the connection closed itself
    ++home_.stats.failed;
    done();
  }
  void on_response_head(const upstream::ResponseHead&) override {}
  bool on_response_body(const char*, size_t) override { return false; }
  void on_response_complete() override {
    upstream::UpstreamConnection* u = up_;
    up_ = nullptr;
    u->finish(false);  // never pooled: see the header
    done();
  }
  void on_upstream_batch_end() override {}
  void on_upstream_raw(const char*, size_t) override {}
  void on_upstream_eof() override {
    up_ = nullptr;
    done();
  }
  void on_upstream_drain() override {}

  MirrorLoop& home_;
  std::string request_;
  bool head_request_;
  uint32_t timeout_ms_;
  upstream::UpstreamConnection* up_ = nullptr;
  MirrorRequest* next_ = nullptr;
  MirrorRequest* prev_ = nullptr;
};

}  // namespace

bool send_mirror(uv_loop_t* loop, core::LoopRef<upstream::EndpointPool> pool, std::string request,
                 bool head_request, uint32_t timeout_ms) {
  MirrorLoop& home = loop_state(loop);
  if (home.in_flight >= kMaxMirrorsInFlight || pool->open_count >= pool->options.max_connections) {
    uint64_t n = ++home.stats.skipped_busy;
    if (power_of_two(n) && observe::log_enabled(LogLevel::warn))
      observe::log_line(LogLevel::warn, "mirror: " + std::to_string(n) + " copies skipped, " +
                                            std::to_string(kMaxMirrorsInFlight) + " in flight");
    return false;
  }
  auto* m = new MirrorRequest(home, std::move(request), head_request, timeout_ms);
  m->start(std::move(pool));
  return true;
}

void count_mirror_skipped_body(uv_loop_t* loop) { ++loop_state(loop).stats.skipped_body; }

MirrorStats mirror_stats(uv_loop_t* loop) { return loop_state(loop).stats; }

void abort_mirrors(uv_loop_t* loop) noexcept {
  for (auto& l : t_loops) {
    if (l->loop != loop) continue;
    while (l->head) l->head->abort();
  }
}

}  // namespace weir::core
