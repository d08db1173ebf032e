// The access log: one JSON object per exchange, written off the request path.
// Each worker appends to its own bounded chain of blocks (no lock, no system
// call; observe/line_blocks.hpp); a writer thread drains them every flush
// interval with write(2). When a worker's bound is reached the line is
// dropped and counted rather than blocking the worker. reopen() (SIGUSR1 in
// weir-gateway) makes the writer reopen the file, for log rotation.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "observe/line_blocks.hpp"

namespace weir::observe {

struct AccessLogOptions {
  std::string path = "-";          // "-": standard output
  // Per worker, what may wait for the writer before lines are dropped:
  // 4 KiB to 1 GiB, rounded up to whole blocks. At ~250 bytes a line, 4 MiB
  // holds 16,000 lines, 160 ms at 100k lines per second and worker: a writer
  // held up by the disk for two flush intervals loses none.
  size_t ring_bytes = 4u << 20;
  // The unit a worker fills and the writer hands back (1 KiB to 1 GiB).
  // Blocks are allocated as first needed, up to ring_bytes, and reused most
  // recently drained first, so while the writer keeps up a worker touches
  // only the blocks one flush interval fills, not the whole bound. At most
  // ring_bytes / 2: a worker's current block is never handed back, so the
  // bound holds two at least. A line longer than a block is dropped and
  // counted.
  size_t block_bytes = 64u << 10;
  // How often the writer drains: each drain is one write(2) per worker with
  // lines, and the writer's wake-up and its write take the CPU from a worker
  // when they share a core. 50 ms cost the gateway 0.8-1.5 % less CPU per
  // request than 5 ms with jwt, rate_limit and access_log on
  // (benchmarks/README.md). At 100k lines of ~250 bytes per second and worker
  // an interval fills 1.25 MiB, a third of the default ring_bytes.
  uint32_t flush_ms = 50;
};

class AccessLog {
 public:
  static constexpr uint32_t kMaxProducers = 256;

  // Opens the file (append, create 0640); on failure returns nullptr and
  // sets `error` ("access_log.path: cannot open /x: Permission denied").
  static std::shared_ptr<AccessLog> open(const AccessLogOptions& options, std::string* error);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Worker `producer` (its index, < kMaxProducers) appends one line (with
  // its newline). False when it was dropped (also for an index out of range:
  // two threads must never share a buffer).
  bool append(uint32_t producer, std::string_view line) noexcept;
  // Reopens the file at the next flush.
  void reopen() noexcept { reopen_.store(true, std::memory_order_relaxed); }
  // Writes everything appended so far, now (tests, shutdown).
  void flush();
  uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  uint64_t written_bytes() const noexcept { return written_.load(std::memory_order_relaxed); }

 private:
  explicit AccessLog(const AccessLogOptions& options);
  void run();
  void drain_all();
  bool open_file(std::string* error);
  void count_drop() noexcept;

  AccessLogOptions options_;
  uint32_t max_blocks_ = 2;
  int fd_ = -1;
  bool owns_fd_ = false;
  std::array<std::atomic<LineBlocks*>, kMaxProducers> buffers_{};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> written_{0};
  std::atomic<bool> reopen_{false};
  std::mutex mu_;  // the writer's sleep and flush(); never taken by append()
  std::mutex drain_mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread writer_;
};

// Every open access log reopens its file (what SIGUSR1 does).
void reopen_all_access_logs() noexcept;
// Lines dropped (bound reached) by all access logs of the process so far.
uint64_t access_log_dropped_total() noexcept;

}  // namespace weir::observe
