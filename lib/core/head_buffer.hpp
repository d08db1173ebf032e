// An append-only byte buffer over a pooled block, for building message heads
// without a heap allocation per request.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/buffer_pool.hpp"
#include "http/decimal.hpp"

namespace weir::core {

class HeadBuffer {
 public:
  explicit HeadBuffer(BufferPool& pool) : pool_(pool) {}
  ~HeadBuffer() { release(); }
  HeadBuffer(const HeadBuffer&) = delete;
  HeadBuffer& operator=(const HeadBuffer&) = delete;

  void clear() noexcept { len_ = 0; failed_ = false; }
  void release() noexcept {
    pool_.give(buf_);
    buf_ = {};
    len_ = 0;
    failed_ = false;
  }
  void append(std::string_view s) noexcept {
    // An empty view may carry a null pointer, which memcpy must not see.
    if (s.empty() || !reserve(s.size())) return;
    std::memcpy(buf_.data + len_, s.data(), s.size());
    len_ += static_cast<uint32_t>(s.size());
  }
  void append(char c) noexcept { append(std::string_view(&c, 1)); }
  void append_uint(uint64_t v) noexcept {
    char* out = tail(20);
    if (out) advance(static_cast<size_t>(http::write_decimal(out, v) - out));
  }
  void append_hex(uint64_t v) noexcept {
    char tmp[24];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v, 16);
    append(std::string_view(tmp, static_cast<size_t>(r.ptr - tmp)));
  }
  void truncate(uint32_t len) noexcept { if (len < len_) len_ = len; }
  // Room for n more bytes at the end (nullptr when out of memory); advance()
  // then commits what was written there.
  char* tail(size_t n) noexcept { return reserve(n) ? buf_.data + len_ : nullptr; }
  void advance(size_t n) noexcept { len_ += static_cast<uint32_t>(n); }
  // Appends a copy of [off, off + n) of this buffer (safe across growth).
  void append_self(uint32_t off, uint32_t n) noexcept {
    if (!reserve(n)) return;
    std::memmove(buf_.data + len_, buf_.data + off, n);
    len_ += n;
  }

  const char* data() const noexcept { return buf_.data; }
  uint32_t size() const noexcept { return len_; }
  std::string_view view() const noexcept { return {buf_.data, len_}; }
  // True when an append ran out of memory; the content is then incomplete.
  bool failed() const noexcept { return failed_; }

 private:
  bool reserve(size_t n) noexcept {
    if (failed_) return false;
    if (!buf_.data) {
      buf_ = pool_.take();
      if (!buf_.data) return fail();
    }
    if (len_ + n > buf_.cap) {
      if (len_ + n > (1u << 24) || !pool_.grow(buf_, static_cast<uint32_t>(len_ + n)))
        return fail();
    }
    return true;
  }
  bool fail() noexcept {
    failed_ = true;
    return false;
  }

  BufferPool& pool_;
  IoBuffer buf_{};
  uint32_t len_ = 0;
  bool failed_ = false;
};

}  // namespace weir::core
