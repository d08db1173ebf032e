// The gateway's state behind weir::Gateway: its parts, its published
// snapshot and its workers. Shared by the files that implement Gateway.
#pragma once

#include <uv.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/snapshot.hpp"
#include "core/worker.hpp"
#include "observe/gateway_metrics.hpp"
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
  core::SnapshotParts parts;
  std::shared_ptr<const core::Snapshot> current;  // the last one published; see publish()
  std::vector<std::unique_ptr<core::Worker>> workers;
  std::vector<uint16_t> bound_ports;
  uv_loop_t* host_loop = nullptr;
  std::thread::id host_thread;  // the host loop's thread (attach)
  State state = State::created;
  // Created at start for the number of workers; shared by every snapshot.
  std::shared_ptr<observe::GatewayMetrics> metrics;

  // Sets `current`. Observability reads (published()) may come from other
  // threads than the configuring one, e.g. a handler serving /metrics on a
  // worker while the host reloads: both sides take current_mu.
  void publish(std::shared_ptr<const core::Snapshot> snap) {
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
};

}  // namespace weir
