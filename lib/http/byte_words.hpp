// Eight bytes at a time: the word tricks behind the hot checks of header
// names and values (case-folded comparison, token and field-value checks,
// JSON escaping). Every test below looks at the low seven bits of a byte
// and adds a constant to them, so no sum carries into the next byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace weir::http::words {

inline constexpr uint64_t kOnes = 0x0101010101010101ull;
inline constexpr uint64_t kHigh = 0x8080808080808080ull;

inline uint64_t load8(const char* p) noexcept {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// The 1 to 7 bytes at p in one word, some of them twice and each of the
// eight bytes one of them: a word that a test of "every byte" or "some byte"
// judges as it would the bytes, and the same spread for both sides of a
// comparison. No call to memcpy.
inline uint64_t load_short(const char* p, size_t n) noexcept {
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return lo | uint64_t{hi} << 32;
  }
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  const uint32_t x = u[0] | uint32_t{u[n / 2]} << 8 | uint32_t{u[n - 1]} << 16 | uint32_t{u[0]} << 24;
  return x | uint64_t{x} << 32;
}

// The high bit of each byte of `w` whose value is in [lo, hi] (both below
// 0x80); bytes of 0x80 and above never are.
constexpr uint64_t bytes_in(uint64_t w, unsigned char lo, unsigned char hi) noexcept {
  const uint64_t low7 = w & ~kHigh;
  return (low7 + kOnes * (0x80 - lo)) & ~(low7 + kOnes * (0x7f - hi)) & ~w & kHigh;
}

// Nonzero when some byte of `w` is zero.
constexpr uint64_t has_zero(uint64_t w) noexcept { return (w - kOnes) & ~w & kHigh; }

// Nonzero when some byte of `w` is `c`.
constexpr uint64_t has_byte(uint64_t w, unsigned char c) noexcept { return has_zero(w ^ (kOnes * c)); }

// `w` with 'A'-'Z' lowered (0x80 >> 2 is the case bit, 0x20).
constexpr uint64_t lower(uint64_t w) noexcept { return w | (bytes_in(w, 'A', 'Z') >> 2); }

// Calls f(word of a, word of b) for the words covering [a, a + n) and
// [b, b + n) at the same offsets, n >= 1, the last pair overlapping the one
// before it (or load_short() below 8 bytes); stops and returns false at the
// first pair f refuses.
template <typename F>
bool all_word_pairs(const char* a, const char* b, size_t n, F f) noexcept {
  if (n < 8) return f(load_short(a, n), load_short(b, n));
  for (size_t i = 0; i + 8 < n; i += 8)
    if (!f(load8(a + i), load8(b + i))) return false;
  return f(load8(a + n - 8), load8(b + n - 8));
}

// The same over one range: f(word).
template <typename F>
bool all_words(const char* p, size_t n, F f) noexcept {
  return all_word_pairs(p, p, n, [&f](uint64_t w, uint64_t) { return f(w); });
}

}  // namespace weir::http::words
