// Unsigned integers in decimal, inline. Every exchange writes a handful of
// small numbers (a status, lengths, durations, RateLimit-* values);
// std::to_chars is an out-of-line call that counts the digits in a loop of
// its own first, which cost about 3 ns per number in the access log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace weir::http {

inline constexpr char kDigitPairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Digits of `v`, 1 to 20.
constexpr size_t decimal_length(uint64_t v) noexcept {
  size_t n = 1;
  for (; v >= 10000; v /= 10000) n += 4;
  return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

// Writes `v` at `out` (room for 20 bytes); returns the end.
inline char* write_decimal(char* out, uint64_t v) noexcept {
  char* const end = out + decimal_length(v);
  char* p = end;
  while (v >= 100) {
    p -= 2;
    std::memcpy(p, kDigitPairs + 2 * (v % 100), 2);
    v /= 100;
  }
  if (v >= 10) std::memcpy(p - 2, kDigitPairs + 2 * v, 2);
  else p[-1] = static_cast<char>('0' + v);
  return end;
}

}  // namespace weir::http
