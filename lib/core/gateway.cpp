#include "weir/gateway.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <cstring>
#include <thread>

#include "core/gateway_impl.hpp"

namespace weir {

namespace {
// A listening socket with SO_REUSEPORT: each worker gets its own and the
// kernel spreads connections over them, so workers never share an accept queue.
int bind_socket(const sockaddr* sa, std::string& err) {
  int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    err = std::strerror(errno);
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  socklen_t len = sa->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (bind(fd, sa, len) != 0) {
    err = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}
}  // namespace

Status GatewayImpl::bind_all(uint32_t nworkers, std::vector<std::vector<int>>& fds) {
  fds.assign(nworkers, {});
  bound_ports.clear();
  for (const ListenSpec& l : listens) {
    sockaddr_storage ss{};
    if (uv_ip4_addr(l.address.c_str(), l.port, reinterpret_cast<sockaddr_in*>(&ss)) != 0 &&
        uv_ip6_addr(l.address.c_str(), l.port, reinterpret_cast<sockaddr_in6*>(&ss)) != 0)
      return {Status::listen, "listen " + l.address + ": not an IP address"};
    uint16_t port = l.port;
    for (uint32_t w = 0; w < nworkers; ++w) {
      if (ss.ss_family == AF_INET) reinterpret_cast<sockaddr_in*>(&ss)->sin_port = htons(port);
      else reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port = htons(port);
      std::string err;
      int fd = bind_socket(reinterpret_cast<sockaddr*>(&ss), err);
      if (fd < 0) {
        for (auto& v : fds)
          for (int f : v) ::close(f);
        fds.clear();
        return {Status::listen,
                "listen " + l.address + ":" + std::to_string(l.port) + ": " + err};
      }
      if (port == 0) {  // the kernel chose; the other workers share its choice
        sockaddr_storage got{};
        socklen_t glen = sizeof got;
        getsockname(fd, reinterpret_cast<sockaddr*>(&got), &glen);
        port = ntohs(got.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&got)->sin_port
                                              : reinterpret_cast<sockaddr_in6*>(&got)->sin6_port);
      }
      fds[w].push_back(fd);
    }
    bound_ports.push_back(port);
  }
  return {};
}

namespace {

// libuv writes to sockets with write(2): a peer that hung up raises SIGPIPE,
// whose default action ends the host process. Unless the host chose a
// disposition of its own, the gateway ignores it (the write then fails with
// EPIPE, which weir handles as an error value).
void ignore_sigpipe_by_default() {
  struct sigaction old{};
  if (sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL &&
      !(old.sa_flags & SA_SIGINFO))
    signal(SIGPIPE, SIG_IGN);
}

}  // namespace

Status GatewayImpl::launch(uv_loop_t* loop) {
  ignore_sigpipe_by_default();
  uint32_t n = loop ? 1 : options.workers;
  if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
  std::shared_ptr<const core::Snapshot> snap;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (state != State::created) return {Status::state, "the gateway was already started"};
    if (listens.empty()) return {Status::config, "no listener: call listen() or configure listeners"};
    if (!metrics) metrics = std::make_shared<observe::GatewayMetrics>(n);
    parts.metrics = metrics;
    // Names have no addresses yet: worker 0's resolver looks them up as it
    // starts, and await_names() below waits for the answers.
    Status st = core::build_snapshot(parts, snap, nullptr, &resolved);
    if (!st) return st;
    set_current(snap);
  }
  // With names to resolve and threads of its own, the gateway accepts only
  // once they answered (bounded), so its first requests do not meet an
  // upstream without endpoints. On the host's loop, which must run for the
  // answers to come, it listens at once.
  bool defer_listen = !loop && !snap->names.empty();
  std::vector<std::vector<int>> fds;
  Status st = bind_all(n, fds);
  if (!st) return st;
  for (uint32_t i = 0; i < n; ++i) {
    auto w = std::make_unique<core::Worker>(i, snap);
    if (i == 0) w->on_name_answer([this](const upstream::NameAnswer& a) { on_name_answer(a); });
    int r = w->init(loop, fds[i], !defer_listen);
    if (r < 0) {
      // Sockets of later workers were never handed over.
      for (uint32_t j = i + 1; j < n; ++j)
        for (int f : fds[j]) ::close(f);
      w->begin_stop(0);
      if (!loop) uv_run(w->io.loop, UV_RUN_DEFAULT);
      for (auto& started : workers) {
        started->begin_stop(0);
        if (!loop) uv_run(started->io.loop, UV_RUN_DEFAULT);
      }
      workers.clear();
      return {Status::listen, std::string("listen: ") + uv_strerror(r)};
    }
    workers.push_back(std::move(w));
  }
  host_loop = loop;
  if (loop) host_thread = std::this_thread::get_id();
  std::unique_lock<std::mutex> lock(mu);
  state = State::running;
  if (!loop)
    for (auto& w : workers) w->run_thread();
  if (!defer_listen) return {};
  await_names(lock);
  int r = on_every_worker(lock, [](core::Worker& w) { return w.start_listening(); });
  if (r == 0) return {};
  state = State::stopped;
  lock.unlock();
  for (auto& w : workers) {
    core::Worker* wp = w.get();
    wp->post([wp] { wp->begin_stop(0); });
  }
  for (auto& w : workers) w->join();
  return {Status::listen, std::string("listen: ") + uv_strerror(r)};
}

Gateway::Gateway(GatewayOptions options) : impl_(std::make_unique<GatewayImpl>()) {
  impl_->options = options;
  impl_->parts.limits = options.limits;
  impl_->parts.via = options.via;
}

Gateway::~Gateway() {
  stop(0);
  if (impl_->host_loop) {
    // The host's loop finishes closing our handles; run it here (bounded) in
    // case the host stopped running it before destroying the gateway.
    for (int i = 0; i < 1000; ++i) {
      bool all = true;
      for (auto& w : impl_->workers) all = all && w->closed();
      if (all) break;
      uv_run(impl_->host_loop, UV_RUN_NOWAIT);
    }
  }
}

std::unique_ptr<Gateway> Gateway::from_config(const GatewayConfig& config, Status* status) {
  std::string err = validate_config(config);
  if (!err.empty()) {
    if (status) *status = {Status::config, err};
    return nullptr;
  }
  GatewayOptions o;
  o.workers = config.workers;
  o.limits = config.limits;
  o.via = config.via;
  auto gw = std::make_unique<Gateway>(o);
  core::parts_from_config(config, gw->impl_->parts);
  for (const auto& l : config.listeners) gw->listen(l.address, l.port);
  if (status) *status = {};
  return gw;
}

Gateway& Gateway::upstream(std::string name, UpstreamPool pool) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->parts.upstreams.insert_or_assign(std::move(name), std::move(pool));
  return *this;
}

Gateway& Gateway::router(Router router) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->parts.router = std::move(router);
  return *this;
}

Gateway& Gateway::pipeline(Pipeline pipeline) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->parts.pipeline = std::move(pipeline);
  return *this;
}

Gateway& Gateway::listen(std::string address, uint16_t port) {
  impl_->listens.push_back({std::move(address), port});
  return *this;
}

Status Gateway::start() { return impl_->launch(nullptr); }

Status Gateway::attach(uv_loop_s* loop) {
  if (!loop) return {Status::invalid, "attach: loop is NULL"};
  return impl_->launch(loop);
}

Status Gateway::reload(const GatewayConfig& config) {
  // Checked before taking mu, which worker 0 needs for each name answer.
  std::string err = validate_config(config);
  std::unique_lock<std::mutex> lock(impl_->mu);
  if (impl_->state == GatewayImpl::State::stopped)
    return {Status::state, "reload: the gateway is stopped"};
  if (!err.empty()) return {Status::config, err};
  core::SnapshotParts parts;
  parts.pipeline = impl_->parts.pipeline;
  parts.metrics = impl_->metrics;
  core::parts_from_config(config, parts);
  if (Status st = impl_->publish(std::move(parts)); !st) return st;
  impl_->await_names(lock);
  return {};
}

Status Gateway::set_endpoints(const std::string& upstream, std::vector<Endpoint> endpoints) {
  std::unique_lock<std::mutex> lock(impl_->mu);
  if (impl_->state == GatewayImpl::State::stopped)
    return {Status::state, "set_endpoints: the gateway is stopped"};
  auto it = impl_->parts.upstreams.find(upstream);
  if (it == impl_->parts.upstreams.end())
    return {Status::invalid, "set_endpoints: unknown upstream \"" + upstream + "\""};
  if (endpoints.empty())
    return {Status::invalid, "set_endpoints: an upstream needs at least one endpoint"};
  for (size_t i = 0; i < endpoints.size(); ++i) {
    if (endpoints[i].weight == 0 || endpoints[i].weight > 10000)
      return {Status::invalid, "set_endpoints: endpoints[" + std::to_string(i) + "].weight: must be 1..10000"};
    for (size_t j = 0; j < i; ++j)
      if (endpoints[j].address == endpoints[i].address)
        return {Status::invalid, "set_endpoints: duplicate endpoint \"" + endpoints[i].address + "\""};
  }
  core::SnapshotParts parts = impl_->parts;
  parts.upstreams.insert_or_assign(upstream, UpstreamPool(it->second.options(), std::move(endpoints)));
  if (Status st = impl_->publish(std::move(parts)); !st) return {Status::invalid, "set_endpoints: " + st.message};
  impl_->await_names(lock);
  return {};
}

Status Gateway::stop(uint32_t drain_ms) {
  {
    // After this, answers of the name resolver publish nothing more.
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->state != GatewayImpl::State::running) {
      if (impl_->state == GatewayImpl::State::created) impl_->state = GatewayImpl::State::stopped;
      return {};
    }
    impl_->state = GatewayImpl::State::stopped;
  }
  if (impl_->host_loop) {
    for (auto& w : impl_->workers) w->begin_stop(drain_ms);
    return {};
  }
  for (auto& w : impl_->workers) {
    core::Worker* wp = w.get();
    wp->post([wp, drain_ms] { wp->begin_stop(drain_ms); });
  }
  for (auto& w : impl_->workers) w->join();
  return {};
}

bool Gateway::running() const noexcept { return impl_->state == GatewayImpl::State::running; }

std::vector<uint16_t> Gateway::ports() const { return impl_->bound_ports; }

}  // namespace weir
