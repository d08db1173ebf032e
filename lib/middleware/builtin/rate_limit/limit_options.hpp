// What one rate limit allows: the algorithm and its numbers, as the
// `rate_limit` middleware options name them (docs/rate-limiting.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weir::ratelimit {

enum class Algorithm : uint8_t { token_bucket, sliding_window };

struct LimitOptions {
  Algorithm algorithm = Algorithm::token_bucket;
  double rate_per_s = 0;   // token_bucket: sustained requests per second
  uint32_t burst = 0;      // token_bucket: requests allowed at once (bucket size)
  uint32_t window_ms = 0;  // sliding_window: window length
  uint32_t limit = 0;      // sliding_window: requests per window
  size_t max_keys = 65536; // keys tracked at once; rounded up to a power of two
};

// Bounds the validation enforces. The sliding-window state packs two 16-bit
// counters and a 32-bit window number into one word (sliding_window.hpp).
inline constexpr uint32_t kMaxWindowLimit = 65535;
inline constexpr uint32_t kMaxWindowMs = 86'400'000;  // one day
inline constexpr double kMaxRatePerS = 1e9;           // one token per nanosecond
inline constexpr size_t kMaxKeys = size_t{1} << 24;

// "token_bucket" or "sliding_window"; false for anything else.
bool parse_algorithm(std::string_view name, Algorithm* out) noexcept;
std::string_view algorithm_name(Algorithm a) noexcept;

// "" when the options describe a usable limit, else a message that starts
// with the option's name ("burst: must be at least 1").
std::string validate_options(const LimitOptions& o);

}  // namespace weir::ratelimit
