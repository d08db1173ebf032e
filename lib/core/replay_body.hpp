// The request body as it streamed upstream, kept up to a bound so that a
// retry can send it again (route `retry.buffer_bytes`, docs/config.md). The
// first try is not delayed: bytes are copied here as they go out. A body that
// outgrows the bound is dropped at once and the request cannot be replayed
// any more. Memory: at most the bound per exchange; between exchanges of a
// connection only a small reserve stays allocated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weir::core {

class ReplayBody {
 public:
  // Capacity kept between exchanges, so that small bodies on a keep-alive
  // connection allocate once, not per request.
  static constexpr size_t kReserveKept = 16 * 1024;

  // Starts keeping a new body of at most `limit` bytes; 0 keeps nothing.
  void start(uint64_t limit) noexcept {
    bytes_.clear();
    limit_ = limit;
    whole_ = limit > 0;
  }
  void keep(const char* data, size_t len) {
    if (!whole_) return;
    if (bytes_.size() + len > limit_) {
      drop();
      return;
    }
    bytes_.append(data, len);
  }
  // Every body byte read so far is kept: the body can be sent again.
  bool whole() const noexcept { return whole_; }
  std::string_view bytes() const noexcept { return bytes_; }
  // Ends the exchange's use.
  void reset() noexcept { drop(); }

 private:
  void drop() noexcept {
    whole_ = false;
    bytes_.clear();
    if (bytes_.capacity() > kReserveKept) std::string().swap(bytes_);
  }

  std::string bytes_;
  uint64_t limit_ = 0;
  bool whole_ = false;
};

}  // namespace weir::core
