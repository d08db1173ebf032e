// The response header values that tell a client about its limit, in the
// fields of draft-ietf-httpapi-ratelimit-headers-06 (RateLimit-Limit,
// RateLimit-Remaining, RateLimit-Reset) and Retry-After (RFC 9110 10.2.3).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "http/decimal.hpp"
#include "middleware/builtin/rate_limit/decision.hpp"

namespace weir::ratelimit {

// Holds the decimal text of each value; views stay valid while it lives.
class RateLimitHeaders {
 public:
  // `limit_text`, when given, is d.limit in decimal: a limit's is the same
  // for every decision, so its owner may format it once.
  explicit RateLimitHeaders(const Decision& d, std::string_view limit_text = {}) noexcept;

  std::string_view limit() const noexcept { return limit_.empty() ? view(0) : limit_; }  // RateLimit-Limit
  std::string_view remaining() const noexcept { return view(1); }  // RateLimit-Remaining
  std::string_view reset() const noexcept { return view(2); }      // RateLimit-Reset, seconds
  // Retry-After in seconds; empty when the request passed, or when it can
  // never pass (cost above the limit) so that waiting would not help.
  std::string_view retry_after() const noexcept { return view(3); }

 private:
  std::string_view view(size_t i) const noexcept { return {text_[i].data(), len_[i]}; }
  void put(size_t i, uint64_t v) noexcept {
    char* begin = text_[i].data();
    len_[i] = static_cast<uint8_t>(http::write_decimal(begin, v) - begin);
  }

  std::array<std::array<char, 20>, 4> text_;  // 20 digits hold any uint64_t; read up to len_
  std::array<uint8_t, 4> len_{};
  std::string_view limit_;
};

// Milliseconds to the whole seconds a header carries, rounded up, so that a
// client that waits that long finds the allowance there.
constexpr uint64_t ceil_seconds(uint64_t ms) noexcept { return ms / 1000 + (ms % 1000 != 0); }

}  // namespace weir::ratelimit
