// The access log: one JSON object per exchange, written off the request path.
// Each worker appends to its own bounded ring (no lock, no system call); a
// writer thread drains the rings every flush interval with write(2). When a
// ring is full the line is dropped and counted rather than blocking the
// worker. reopen() (SIGUSR1 in weir-gateway) makes the writer reopen the
// file, for log rotation.
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

#include "observe/byte_ring.hpp"

namespace weir::observe {

struct AccessLogOptions {
  std::string path = "-";          // "-": standard output
  // Per worker, rounded up to a power of two. At ~250 bytes a line, 4 MiB
  // drained every 20 ms holds bursts far above 100k lines per second.
  size_t ring_bytes = 4u << 20;
  uint32_t flush_ms = 20;
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
  // its newline). False when it was dropped.
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
  int fd_ = -1;
  bool owns_fd_ = false;
  std::array<std::atomic<ByteRing*>, kMaxProducers> rings_{};
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
// Lines dropped (ring full) by all access logs of the process so far.
uint64_t access_log_dropped_total() noexcept;

}  // namespace weir::observe
