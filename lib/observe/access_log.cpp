#include "observe/access_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace weir::observe {

namespace {
// Live logs, for reopen_all_access_logs(); touched on open/close only.
std::mutex g_registry_mu;
std::vector<AccessLog*> g_registry;
// Lines dropped by every access log of the process, closed ones included.
std::atomic<uint64_t> g_dropped_total{0};

size_t round_pow2(size_t n) {
  size_t p = 4096;
  while (p < n && p < (size_t{1} << 30)) p <<= 1;
  return p;
}

// Writes all of it, retrying on EINTR and short writes.
bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::write(fd, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}
}  // namespace

AccessLog::AccessLog(const AccessLogOptions& options) : options_(options) {
  options_.ring_bytes = round_pow2(options.ring_bytes);
  if (options_.flush_ms == 0) options_.flush_ms = 1;
}

bool AccessLog::open_file(std::string* error) {
  if (options_.path == "-") {
    fd_ = 1;
    owns_fd_ = false;
    return true;
  }
  int fd = ::open(options_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    if (error) *error = "access_log.path: cannot open " + options_.path + ": " + std::strerror(errno);
    return false;
  }
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
  fd_ = fd;
  owns_fd_ = true;
  return true;
}

std::shared_ptr<AccessLog> AccessLog::open(const AccessLogOptions& options, std::string* error) {
  std::shared_ptr<AccessLog> log(new AccessLog(options));
  if (!log->open_file(error)) return nullptr;
  log->writer_ = std::thread([raw = log.get()] { raw->run(); });
  std::lock_guard<std::mutex> lock(g_registry_mu);
  g_registry.push_back(log.get());
  return log;
}

AccessLog::~AccessLog() {
  {
    std::lock_guard<std::mutex> lock(g_registry_mu);
    g_registry.erase(std::remove(g_registry.begin(), g_registry.end(), this), g_registry.end());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  drain_all();
  for (auto& r : rings_) delete r.load();
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

bool AccessLog::append(uint32_t producer, std::string_view line) noexcept {
  if (producer >= kMaxProducers) producer = kMaxProducers - 1;
  ByteRing* ring = rings_[producer].load(std::memory_order_acquire);
  if (!ring) {
    // First line of this worker: its ring is made once.
    ring = new (std::nothrow) ByteRing(options_.ring_bytes);
    ByteRing* expected = nullptr;
    if (!ring || !rings_[producer].compare_exchange_strong(expected, ring)) {
      delete ring;
      ring = expected;
    }
    if (!ring) {
      count_drop();
      return false;
    }
  }
  if (!ring->push(line)) {
    count_drop();
    return false;
  }
  return true;
}

void AccessLog::drain_all() {
  std::lock_guard<std::mutex> lock(drain_mu_);
  if (reopen_.exchange(false, std::memory_order_relaxed) && owns_fd_) open_file(nullptr);
  for (auto& slot : rings_) {
    ByteRing* ring = slot.load(std::memory_order_acquire);
    if (!ring) continue;
    ring->drain([this](const char* p, size_t n) {
      if (write_all(fd_, p, n)) written_.fetch_add(n, std::memory_order_relaxed);
    });
  }
}

void AccessLog::flush() { drain_all(); }

void AccessLog::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(options_.flush_ms));
    lock.unlock();
    drain_all();
    lock.lock();
  }
}

void AccessLog::count_drop() noexcept {
  dropped_.fetch_add(1, std::memory_order_relaxed);
  g_dropped_total.fetch_add(1, std::memory_order_relaxed);
}

uint64_t access_log_dropped_total() noexcept { return g_dropped_total.load(std::memory_order_relaxed); }

void reopen_all_access_logs() noexcept {
  std::lock_guard<std::mutex> lock(g_registry_mu);
  for (AccessLog* log : g_registry) log->reopen();
}

}  // namespace weir::observe
