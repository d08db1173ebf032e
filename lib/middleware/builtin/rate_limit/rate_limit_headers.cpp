#include "middleware/builtin/rate_limit/rate_limit_headers.hpp"

#include <charconv>

namespace weir::ratelimit {

RateLimitHeaders::RateLimitHeaders(const Decision& d) noexcept {
  put(0, d.limit);
  put(1, d.remaining);
  put(2, ceil_seconds(d.reset_after_ms));
  if (!d.allowed && d.retry_after_ms > 0) put(3, ceil_seconds(d.retry_after_ms));
}

void RateLimitHeaders::put(size_t i, uint64_t v) noexcept {
  char* begin = text_[i].data();
  const auto r = std::to_chars(begin, begin + text_[i].size(), v);
  len_[i] = static_cast<uint8_t>(r.ptr - begin);
}

}  // namespace weir::ratelimit
