// The answer for one request: whether it passes, and what the client is told
// in the RateLimit-* and Retry-After headers (rate_limit_headers.hpp).
#pragma once

#include <cstdint>

namespace weir::ratelimit {

struct Decision {
  bool allowed = true;
  // The request was let through without being counted: the key table had no
  // slot for its key (Limiter::stats().overflow counts these).
  bool untracked = false;
  uint32_t limit = 0;           // burst (token bucket) or limit (sliding window)
  uint32_t remaining = 0;       // requests of cost 1 that would pass right now
  uint64_t reset_after_ms = 0;  // until the key is back to its full allowance
  uint64_t retry_after_ms = 0;  // denied only: until this request would pass;
                                // 0 when it never can (cost above the limit)
};

}  // namespace weir::ratelimit
