// A single-producer, single-consumer ring of bytes: a worker appends whole
// log lines without a lock or a system call, the log writer thread drains.
// A line that does not fit is refused whole (the caller counts a drop).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace weir::observe {

class ByteRing {
 public:
  explicit ByteRing(size_t capacity_pow2)
      : cap_(capacity_pow2), mask_(capacity_pow2 - 1), data_(new char[capacity_pow2]) {}

  // Producer side.
  bool push(std::string_view bytes) noexcept {
    uint64_t head = head_.load(std::memory_order_relaxed);
    uint64_t tail = tail_.load(std::memory_order_acquire);
    if (bytes.size() > cap_ - (head - tail)) return false;
    size_t at = head & mask_;
    size_t first = std::min(bytes.size(), cap_ - at);
    std::memcpy(data_.get() + at, bytes.data(), first);
    std::memcpy(data_.get(), bytes.data() + first, bytes.size() - first);
    head_.store(head + bytes.size(), std::memory_order_release);
    return true;
  }

  // Consumer side: calls sink(ptr, len) for the readable bytes (in at most
  // two pieces), then frees them.
  template <typename Sink>
  size_t drain(Sink&& sink) {
    uint64_t tail = tail_.load(std::memory_order_relaxed);
    uint64_t head = head_.load(std::memory_order_acquire);
    size_t n = static_cast<size_t>(head - tail);
    if (n == 0) return 0;
    size_t at = tail & mask_;
    size_t first = std::min(n, cap_ - at);
    sink(data_.get() + at, first);
    if (n > first) sink(data_.get(), n - first);
    tail_.store(head, std::memory_order_release);
    return n;
  }

 private:
  const size_t cap_;
  const size_t mask_;
  std::unique_ptr<char[]> data_;
  alignas(64) std::atomic<uint64_t> head_{0};
  alignas(64) std::atomic<uint64_t> tail_{0};
};

}  // namespace weir::observe
