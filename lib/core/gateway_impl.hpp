// The gateway's state behind weir::Gateway: what it was built from, the
// snapshot it serves, its workers, and the addresses its endpoint names
// resolved to. Methods of weir::Gateway run on the host's thread; answers of
// the name resolver arrive on worker 0's thread, so `mu` guards what both
// touch (never taken on the request path).
#pragma once

#include <uv.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/snapshot.hpp"
#include "core/worker.hpp"
#include "observe/gateway_metrics.hpp"
#include "upstream/name_resolver.hpp"
#include "weir/gateway.hpp"

namespace weir {

struct ListenSpec {
  std::string address;
  uint16_t port = 0;
};

class GatewayImpl {
 public:
  enum class State { created, running, stopped };

  GatewayOptions options;
  std::vector<ListenSpec> listens;
  std::vector<std::unique_ptr<core::Worker>> workers;
  std::vector<uint16_t> bound_ports;
  uv_loop_t* host_loop = nullptr;
  std::thread::id host_thread;  // the host loop's thread (attach)
  // Created at start for the number of workers; shared by every snapshot.
  std::shared_ptr<observe::GatewayMetrics> metrics;

  std::mutex mu;
  std::condition_variable changed;  // a name answered, a worker passed a barrier
  State state = State::created;     // written under mu
  core::SnapshotParts parts;
  std::shared_ptr<const core::Snapshot> current;  // the last one published: set_current()
  upstream::ResolvedNames resolved;               // each name's last good answer
  struct NameStatus {
    bool answered = false;  // success or failure, at least once
    bool failing = false;   // the last answer was a failure
  };
  std::map<std::string, NameStatus, std::less<>> name_status;

  // `current` is written under mu and current_mu. Observability reads may
  // come from any thread (a handler serving /metrics on a worker while the
  // host reloads, which holds mu meanwhile): they take current_mu only.
  void set_current(std::shared_ptr<const core::Snapshot> snap) {
    std::lock_guard<std::mutex> lock(current_mu);
    current = std::move(snap);
  }
  std::shared_ptr<const core::Snapshot> published() const {
    std::lock_guard<std::mutex> lock(current_mu);
    return current;
  }
  mutable std::mutex current_mu;

  Status bind_all(uint32_t nworkers, std::vector<std::vector<int>>& fds);
  Status launch(uv_loop_t* loop);

  // Builds a snapshot from `next` and the resolved names and, once it
  // builds, makes it current and sends it to the workers. Holds mu.
  Status publish(core::SnapshotParts next);
  // Makes `snap` current and sends it to the workers. Holds mu.
  void install(std::shared_ptr<const core::Snapshot> snap);
  // Worker 0's resolver answered (gateway_names.cpp).
  void on_name_answer(const upstream::NameAnswer& answer);
  // With threads of its own (never on the host's loop, which must run for
  // the answers to come): waits a bounded time until every name of the
  // current snapshot has answered once and the workers serve what the
  // answers published, so start() and reload() return with names resolved.
  void await_names(std::unique_lock<std::mutex>& lock);
  // Runs `step` on every worker's loop, behind whatever was posted to it
  // before, and waits (bounded) until all ran. Returns the first error a
  // step returned, or UV_ETIMEDOUT. Threads of its own only; holds mu.
  int on_every_worker(std::unique_lock<std::mutex>& lock, std::function<int(core::Worker&)> step);
};

}  // namespace weir
