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

// Settles block_bytes and ring_bytes (a whole number of blocks, at least two)
// as AccessLogOptions documents them; returns the number of blocks.
uint32_t shape_blocks(AccessLogOptions& o) {
  constexpr size_t kMax = size_t{1} << 30;
  size_t ring = std::clamp<size_t>(o.ring_bytes, 4096, kMax);
  size_t block = std::clamp<size_t>(o.block_bytes, 1024, ring / 2);
  size_t blocks = (ring + block - 1) / block;
  o.block_bytes = block;
  o.ring_bytes = blocks * block;
  return static_cast<uint32_t>(blocks);
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
  max_blocks_ = shape_blocks(options_);
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
  for (auto& b : buffers_) delete b.load(std::memory_order_relaxed);
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

bool AccessLog::append(uint32_t producer, std::string_view line) noexcept {
  if (producer >= kMaxProducers) {
    count_drop();
    return false;
  }
  // Only this worker stores into its slot, so relaxed suffices here; the
  // release below publishes the buffer's first block to the writer.
  LineBlocks* buf = buffers_[producer].load(std::memory_order_relaxed);
  if (!buf) {
    // First line of this worker: its buffer is made once.
    buf = new (std::nothrow) LineBlocks(options_.block_bytes, max_blocks_);
    if (buf && !buf->ok()) {
      delete buf;
      buf = nullptr;
    }
    if (!buf) {
      count_drop();
      return false;
    }
    buffers_[producer].store(buf, std::memory_order_release);
  }
  if (!buf->push(line)) {
    count_drop();
    return false;
  }
  return true;
}

void AccessLog::drain_all() {
  std::lock_guard<std::mutex> lock(drain_mu_);
  if (reopen_.exchange(false, std::memory_order_relaxed) && owns_fd_) open_file(nullptr);
  for (auto& slot : buffers_) {
    LineBlocks* buf = slot.load(std::memory_order_acquire);
    if (!buf) continue;
    buf->drain([this](const char* p, size_t n) {
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
