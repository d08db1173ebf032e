#include "core/worker.hpp"

#include "core/client_connection.hpp"
#include "core/mirror_request.hpp"

namespace weir::core {

namespace {
// How often idle pooled upstream connections are checked for expiry: the
// precision of upstreams' idle_timeout_ms.
constexpr uint64_t kSweepMs = 250;
}  // namespace

Worker::Worker(uint32_t index, std::shared_ptr<const Snapshot> snapshot) : index_(index) {
  install_pools(std::move(snapshot));
}

Worker::~Worker() {
  join();
  if (owns_loop_) uv_loop_close(&own_loop_);
}

void Worker::install_pools(std::shared_ptr<const Snapshot> snap) {
  // Pools of endpoints that stay (same upstream name and address) carry over
  // with their idle connections; the others retire and close as they finish.
  std::vector<upstream::WorkerUpstream> next;
  next.reserve(snap->upstreams.size());
  for (const UpstreamSpec& spec : snap->upstreams) {
    upstream::WorkerUpstream wu;
    wu.name = spec.name;
    // Each worker runs its own copy of the policy; the seed differs so that
    // workers do not start their cycles on the same endpoint.
    if (spec.policy) wu.policy = spec.policy->clone(0x9e3779b97f4a7c15ULL * (index_ + 1) ^ next.size());
    if (spec.options.lb == Lb::ring_hash || spec.options.lb == Lb::maglev)
      wu.hash_key = &spec.hash_key;
    wu.active.assign(spec.addresses.size(), 0);
    wu.view = upstream::health::AvailabilityView(spec.health);
    for (size_t i = 0; i < spec.addresses.size(); ++i) {
      core::LoopRef<upstream::EndpointPool> found;
      for (auto& old : upstreams_) {
        if (old.name != spec.name) continue;
        for (auto& ep : old.endpoints)
          if (ep && ep->address == spec.addresses[i]) {
            found = ep;
            ep.reset();
            break;
          }
      }
      if (!found) {
        found = core::make_loop_ref<upstream::EndpointPool>();
        found->address = spec.addresses[i];
        found->addr = spec.resolved[i];
      }
      found->authority = spec.authorities[i];
      found->options = spec.options;
      // In-flight exchanges keep counting against the endpoint they picked.
      wu.active[i] = *found->active_slot;
      found->active_slot = &wu.active[i];
      wu.endpoints.push_back(std::move(found));
    }
    next.push_back(std::move(wu));
  }
  for (auto& old : upstreams_)
    for (auto& ep : old.endpoints)
      if (ep) {
        ep->retired = true;
        ep->orphan_active = *ep->active_slot;
        ep->active_slot = &ep->orphan_active;
        // Idle connections of a retired pool close now.
        while (ep->idle_head) upstream::UpstreamConnection::take_idle(*ep, nullptr)->finish(false);
      }
  upstreams_ = std::move(next);
  current_ = SnapshotRef(std::move(snap));
}

int Worker::init(uv_loop_t* loop, const std::vector<int>& listen_fds, bool listen) {
  if (!loop) {
    int r = uv_loop_init(&own_loop_);
    if (r < 0) return r;
    owns_loop_ = true;
    loop = &own_loop_;
  }
  io.loop = loop;
  uv_async_init(loop, &async_, &on_async);
  async_.data = this;
  uv_timer_init(loop, &drain_timer_);
  drain_timer_.data = this;
  uv_timer_init(loop, &sweep_timer_);
  sweep_timer_.data = this;
  uv_timer_start(&sweep_timer_, &on_sweep, kSweepMs, kSweepMs);
  uv_unref(reinterpret_cast<uv_handle_t*>(&sweep_timer_));
  io.batch.start(loop);
  open_handles_ = 4;
  for (int fd : listen_fds) {
    auto* t = new uv_tcp_t;
    uv_tcp_init(loop, t);
    t->data = this;
    int r = uv_tcp_open(t, fd);
    listeners_.push_back(t);
    ++open_handles_;
    if (r < 0) return r;
  }
  if (listen) {
    if (int r = start_listening(); r < 0) return r;
  }
  restart_checker();
  rewatch_names();
  return 0;
}

int Worker::start_listening() {
  for (uv_tcp_t* t : listeners_) {
    int r = uv_listen(reinterpret_cast<uv_stream_t*>(t), 1024, &on_connection);
    if (r < 0) return r;
  }
  return 0;
}

void Worker::run_thread() {
  thread_ = std::thread([this] { uv_run(io.loop, UV_RUN_DEFAULT); });
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::on_async(uv_async_t* a) {
  auto* w = static_cast<Worker*>(a->data);
  for (auto& fn : w->mailbox_->take()) fn();
}

void Worker::on_connection(uv_stream_t* server, int status) {
  auto* w = static_cast<Worker*>(server->data);
  if (status < 0 || w->draining_) return;
  ClientConnection::accept(*w, server);
}

void Worker::install(std::shared_ptr<const Snapshot> snapshot) {
  install_pools(std::move(snapshot));
  restart_checker();
  rewatch_names();
}

void Worker::rewatch_names() {
  // The names of the snapshot now served: names that stay keep their
  // schedule, so the snapshots the answers themselves publish do not restart
  // lookups; a reload's new names are looked up at once, dropped ones stop.
  if (index_ != 0 || io.loop == nullptr || draining_ || !name_hook_) return;
  if (!resolver_) resolver_ = std::make_unique<upstream::NameResolver>(io.loop, name_hook_);
  resolver_->watch(current_->names);
}

void Worker::restart_checker() {
  // One checker per gateway, on worker 0's loop, so endpoints are not probed
  // once per worker; the marks reach all workers through the shared
  // UpstreamHealth. A reload starts over with the new snapshot's upstreams.
  if (index_ != 0 || io.loop == nullptr || draining_) return;
  checker_.reset();
  std::vector<std::shared_ptr<upstream::health::UpstreamHealth>> checked;
  for (const UpstreamSpec& spec : current_->upstreams)
    if (spec.health && spec.health->spec().check) checked.push_back(spec.health);
  if (!checked.empty())
    checker_ = std::make_unique<upstream::health::HealthChecker>(io.loop, checked, uv_hrtime());
}

void Worker::add_active_requests(const std::string& name, const std::vector<std::string>& addresses,
                                 std::vector<uint32_t>& counts) const {
  for (const auto& wu : upstreams_) {
    if (wu.name != name) continue;
    for (size_t i = 0; i < addresses.size() && i < counts.size(); ++i)
      for (size_t k = 0; k < wu.endpoints.size() && k < wu.active.size(); ++k)
        if (wu.endpoints[k] && wu.endpoints[k]->address == addresses[i]) counts[i] += wu.active[k];
  }
}

void Worker::add_connection(ClientConnection* c) noexcept {
  c->next = conns_;
  c->prev = nullptr;
  if (conns_) conns_->prev = c;
  conns_ = c;
  ++connections_;
  if (current_->metrics) current_->metrics->connection_accepted(index_);
}

void Worker::remove_connection(ClientConnection* c) noexcept {
  if (c->prev) c->prev->next = c->next;
  else if (conns_ == c) conns_ = c->next;
  else return;  // not listed
  if (c->next) c->next->prev = c->prev;
  c->next = c->prev = nullptr;
  --connections_;
  if (current_->metrics) current_->metrics->connection_closed(index_);
  if (draining_) maybe_finish_stop();
}

void Worker::begin_stop(uint32_t drain_ms) {
  if (draining_) return;
  draining_ = true;
  for (uv_tcp_t* t : listeners_)
    uv_close(reinterpret_cast<uv_handle_t*>(t), [](uv_handle_t* h) {
      auto* w = static_cast<Worker*>(h->data);
      delete reinterpret_cast<uv_tcp_t*>(h);
      if (--w->open_handles_ == 0) w->closed_ = true;
    });
  listeners_.clear();
  // Idle connections close now, busy ones after their response.
  for (ClientConnection* c = conns_; c;) {
    ClientConnection* next = c->next;
    c->drain();
    c = next;
  }
  uv_timer_start(&drain_timer_, &on_drain_timer, drain_ms, 0);
  maybe_finish_stop();
}

void Worker::on_sweep(uv_timer_t* t) {
  auto* w = static_cast<Worker*>(t->data);
  uint64_t now = uv_now(t->loop);
  for (auto& wu : w->upstreams_)
    for (auto& ep : wu.endpoints)
      if (ep && ep->idle_head) upstream::UpstreamConnection::expire_idle(*ep, now);
}

void Worker::on_drain_timer(uv_timer_t* t) {
  auto* w = static_cast<Worker*>(t->data);
  while (w->conns_) w->conns_->close();  // deadline: whatever is left is cut
  w->maybe_finish_stop();
}

void Worker::maybe_finish_stop() {
  if (!draining_ || conns_ || closing_) return;
  closing_ = true;
  close_handles();
}

void Worker::close_handles() {
  abort_mirrors(io.loop);  // shadow copies end with the worker
  checker_.reset();         // its probes close with the other handles
  if (resolver_) {
    // Lookups the threadpool already runs cannot be cancelled: the worker
    // is closed once they returned.
    ++open_handles_;
    resolver_->close([this] {
      if (--open_handles_ == 0) closed_ = true;
    });
  }
  for (auto& wu : upstreams_)
    for (auto& ep : wu.endpoints) {
      ep->retired = true;
      while (ep->idle_head) upstream::UpstreamConnection::take_idle(*ep, nullptr)->finish(false);
    }
  auto done = [](uv_handle_t* h) {
    auto* w = static_cast<Worker*>(h->data);
    if (--w->open_handles_ == 0) w->closed_ = true;
  };
  uv_timer_stop(&drain_timer_);
  uv_timer_stop(&sweep_timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(&drain_timer_), done);
  uv_close(reinterpret_cast<uv_handle_t*>(&sweep_timer_), done);
  mailbox_->close();
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), done);
  io.batch.close(
      [](void* arg) {
        auto* w = static_cast<Worker*>(arg);
        if (--w->open_handles_ == 0) w->closed_ = true;
      },
      this);
}

}  // namespace weir::core
