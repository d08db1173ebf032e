#include "middleware/builtin/rate_limit/rate_limit_headers.hpp"

namespace weir::ratelimit {

RateLimitHeaders::RateLimitHeaders(const Decision& d, std::string_view limit_text) noexcept
    : limit_(limit_text) {
  if (limit_.empty()) put(0, d.limit);
  put(1, d.remaining);
  put(2, ceil_seconds(d.reset_after_ms));
  if (!d.allowed && d.retry_after_ms > 0) put(3, ceil_seconds(d.retry_after_ms));
}

}  // namespace weir::ratelimit
