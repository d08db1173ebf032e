// Endpoint names: what the gateway does with the resolver's answers. A
// changed set of addresses is published like set_endpoints() publishes, as
// a new snapshot on every worker, in which kept addresses keep their pools
// and health state, new ones get traffic and vanished ones drain; unlike a
// reload it keeps the routes, middleware instances and breakers as they are.
// A failed lookup keeps the last good set (or, before any, leaves the name
// without endpoints).
#include <algorithm>
#include <chrono>

#include "core/gateway_impl.hpp"
#include "observe/log.hpp"

namespace weir {

namespace {

// How long start() and reload() wait for the first answer of new names: one
// resolver timeout (glibc's default is 5 s); a name still unanswered then
// serves 503 until it resolves.
constexpr auto kFirstAnswerWait = std::chrono::milliseconds(5000);
// How long they wait for the workers to run a step posted to them (take a
// snapshot, start listening): only a stuck worker takes longer.
constexpr auto kBarrierWait = std::chrono::milliseconds(10000);

std::string address_list(const std::vector<upstream::SocketAddress>& all) {
  std::string out;
  for (const upstream::SocketAddress& a : all) {
    if (!out.empty()) out += ", ";
    std::string s = upstream::format_address(a);
    out += s.substr(0, s.rfind(':'));  // ports are the endpoints' own
  }
  return out;
}

bool watched(const core::Snapshot& snap, std::string_view host) {
  return std::any_of(snap.names.begin(), snap.names.end(),
                     [&](const upstream::NameWatch& w) { return w.host == host; });
}

}  // namespace

Status GatewayImpl::publish(core::SnapshotParts next) {
  std::shared_ptr<const core::Snapshot> snap;
  Status st = core::build_snapshot(next, snap, current.get(), &resolved);
  if (!st) return st;
  parts = std::move(next);
  install(std::move(snap));
  return {};
}

void GatewayImpl::install(std::shared_ptr<const core::Snapshot> snap) {
  set_current(snap);
  // Names no longer used are forgotten; a later reload that brings one back
  // looks it up afresh.
  std::erase_if(resolved, [&](const auto& kv) { return !watched(*snap, kv.first); });
  std::erase_if(name_status, [&](const auto& kv) { return !watched(*snap, kv.first); });
  if (state == State::running)
    for (auto& w : workers) {
      core::Worker* wp = w.get();
      wp->post([wp, snap] { wp->install(snap); });
    }
}

void GatewayImpl::on_name_answer(const upstream::NameAnswer& a) {
  std::lock_guard<std::mutex> lock(mu);
  if (state != State::running || !current || !watched(*current, a.host)) return;
  NameStatus& ns = name_status[a.host];
  ns.answered = true;
  changed.notify_all();
  auto have = resolved.find(a.host);
  if (a.status != 0) {
    if (!ns.failing) {
      std::string line = "upstream endpoint name \"" + a.host + "\": cannot resolve: " +
                         uv_strerror(a.status) + "; ";
      line += have == resolved.end() ? "no endpoint from it until it resolves"
                                     : "keeping its last addresses (" + address_list(have->second) + ")";
      observe::log_line(LogLevel::warn, line);
    }
    ns.failing = true;
    return;
  }
  ns.failing = false;
  if (have != resolved.end() && have->second == a.addresses) return;
  std::vector<upstream::SocketAddress> before;
  if (have != resolved.end()) before = std::move(have->second);
  resolved[a.host] = a.addresses;
  std::shared_ptr<const core::Snapshot> snap;
  Status st = core::rebuild_endpoints(parts, *current, resolved, snap);
  if (!st) {
    // Too many endpoints, say: keep serving what was published.
    if (before.empty()) resolved.erase(a.host);
    else resolved[a.host] = std::move(before);
    observe::log_line(LogLevel::error, "upstream endpoint name \"" + a.host + "\": " + st.message);
    return;
  }
  install(std::move(snap));
  observe::log_line(LogLevel::info, "upstream endpoint name \"" + a.host + "\" resolves to " +
                                        address_list(a.addresses));
}

void GatewayImpl::await_names(std::unique_lock<std::mutex>& lock) {
  if (host_loop || state != State::running || !current || current->names.empty()) return;
  changed.wait_for(lock, kFirstAnswerWait, [&] {
    for (const upstream::NameWatch& w : current->names) {
      auto it = name_status.find(w.host);
      if (it == name_status.end() || !it->second.answered) return false;
    }
    return true;
  });
  // The answers posted their installs before they were marked.
  on_every_worker(lock, [](core::Worker&) { return 0; });
}

int GatewayImpl::on_every_worker(std::unique_lock<std::mutex>& lock,
                                 std::function<int(core::Worker&)> step) {
  struct Round {
    size_t pending;
    int error = 0;
  };
  auto round = std::make_shared<Round>(Round{workers.size()});
  for (auto& w : workers) {
    core::Worker* wp = w.get();
    wp->post([this, round, step, wp] {
      int r = step(*wp);
      std::lock_guard<std::mutex> l(mu);
      if (r < 0 && round->error == 0) round->error = r;
      --round->pending;
      changed.notify_all();
    });
  }
  if (!changed.wait_for(lock, kBarrierWait, [&] { return round->pending == 0; })) return UV_ETIMEDOUT;
  return round->error;
}

}  // namespace weir
