// A worker: one thread (or the host's thread), one uv loop, its own listening
// sockets (SO_REUSEPORT), its own upstream pools. Everything it owns is
// touched only from its loop; other threads talk to it through post().
#pragma once

#include <uv.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/io_context.hpp"
#include "core/mailbox.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_ref.hpp"
#include "upstream/endpoint_pool.hpp"
#include "upstream/health/health_checker.hpp"
#include "upstream/name_resolver.hpp"

namespace weir::core {

class ClientConnection;

class Worker {
 public:
  Worker(uint32_t index, std::shared_ptr<const Snapshot> snapshot);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Sets the worker up on `loop` (its own or the host's) with listening
  // sockets already bound by the gateway. Call on the loop's thread. With
  // `listen` false, connections are refused until start_listening().
  int init(uv_loop_t* loop, const std::vector<int>& listen_fds, bool listen = true);
  // Loop thread only: starts accepting on the sockets init() opened.
  int start_listening();
  // Runs the worker's own loop on a new thread.
  void run_thread();
  void join();
  // The thread run_thread() started (a default id before, or when attached).
  std::thread::id thread_id() const noexcept { return thread_.get_id(); }
  // Runs `fn` on the worker's loop thread (the only cross-thread entry).
  void post(std::function<void()> fn) { mailbox_->post(std::move(fn)); }
  // For handles that may outlive the worker (Resumer).
  const std::shared_ptr<Mailbox>& mailbox() const noexcept { return mailbox_; }
  // Worker 0 keeps the snapshot's endpoint names resolved and hands each
  // answer to `hook` (on its loop thread). Set before init().
  void on_name_answer(upstream::NameResolver::Callback hook) { name_hook_ = std::move(hook); }

  // Loop thread only.
  void install(std::shared_ptr<const Snapshot> snapshot);
  void begin_stop(uint32_t drain_ms);
  bool closed() const noexcept { return closed_; }

  IoContext io;
  const std::shared_ptr<const Snapshot>& snapshot() const noexcept { return current_.shared(); }
  // The same snapshot, for an exchange to hold (core/snapshot_ref.hpp).
  const SnapshotRef& current() const noexcept { return current_; }
  upstream::WorkerUpstream& upstream_at(int32_t i) noexcept { return upstreams_[i]; }
  uint64_t next_request_seq() noexcept { return ++request_seq_; }
  uint32_t index() const noexcept { return index_; }
  bool draining() const noexcept { return draining_; }

  // Requests in flight upstream and those of them retrying: the retry
  // budget (at most budget_percent of requests retry at once, as Envoy and
  // Finagle do) keeps retries from multiplying an outage.
  void begin_request() noexcept { ++in_flight_; }
  void end_request() noexcept { if (in_flight_) --in_flight_; }
  bool begin_retry(uint32_t budget_percent, uint32_t min_retries) noexcept {
    uint64_t allowed = std::max<uint64_t>(min_retries, uint64_t{in_flight_} * budget_percent / 100);
    if (retrying_ >= allowed) return false;
    ++retrying_;
    return true;
  }
  void end_retry() noexcept { if (retrying_) --retrying_; }
  uint32_t retrying() const noexcept { return retrying_; }

  // Adds this worker's requests in flight to each of `addresses` of
  // upstream `name` to `counts` (same order). Loop thread only.
  void add_active_requests(const std::string& name, const std::vector<std::string>& addresses,
                           std::vector<uint32_t>& counts) const;

  void add_connection(ClientConnection* c) noexcept;
  void remove_connection(ClientConnection* c) noexcept;
  uint32_t connection_count() const noexcept { return connections_; }

 private:
  static void on_connection(uv_stream_t* server, int status);
  static void on_async(uv_async_t* a);
  static void on_drain_timer(uv_timer_t* t);
  static void on_sweep(uv_timer_t* t);
  void maybe_finish_stop();
  void install_pools(std::shared_ptr<const Snapshot> snapshot);
  void close_handles();
  void restart_checker();
  void rewatch_names();

  uint32_t index_;
  SnapshotRef current_;  // the snapshot installed last
  std::vector<upstream::WorkerUpstream> upstreams_;
  uv_loop_t own_loop_;
  bool owns_loop_ = false;
  std::thread thread_;
  uv_async_t async_;
  uv_timer_t drain_timer_;
  uv_timer_t sweep_timer_;  // expires idle pooled upstream connections
  std::vector<uv_tcp_t*> listeners_;
  // Worker 0 only: the gateway's active health checks.
  std::unique_ptr<upstream::health::HealthChecker> checker_;
  std::shared_ptr<Mailbox> mailbox_ = std::make_shared<Mailbox>(&async_);
  // Worker 0 only: the lookups of endpoint names.
  upstream::NameResolver::Callback name_hook_;
  std::unique_ptr<upstream::NameResolver> resolver_;
  ClientConnection* conns_ = nullptr;
  uint32_t connections_ = 0;
  uint64_t request_seq_ = 0;
  uint32_t in_flight_ = 0;
  uint32_t retrying_ = 0;
  int open_handles_ = 0;
  bool draining_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace weir::core
