// RFC 8259 section 7 string escaping into a buffer the caller has sized:
// at most kJsonEscapeGrowth output bytes per input byte. Plain runs (most of
// a log line) are copied eight bytes at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "http/byte_words.hpp"

namespace weir::http {

inline constexpr size_t kJsonEscapeGrowth = 6;  // a control byte becomes \u00XX

// Bytes that need no escape inside a JSON string.
inline constexpr std::array<bool, 256> kJsonPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 256; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

// True when one of the 8 bytes of `w` needs an escape: below 0x20, '"' or
// '\\' (the "has a byte less than n" and "has a zero byte" word tricks).
constexpr bool word_needs_escape(uint64_t w) noexcept {
  const uint64_t below_space = (w - words::kOnes * 0x20) & ~w & words::kHigh;
  return (below_space | words::has_byte(w, '"') | words::has_byte(w, '\\')) != 0;
}

// Writes `s` escaped (without quotes) at `out`; returns the end.
inline char* write_json_escaped(char* out, std::string_view s) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    // Eight plain bytes at a time, then byte by byte up to the next escape.
    uint64_t w;
    while (end - p >= 8 && (std::memcpy(&w, p, 8), !word_needs_escape(w))) {
      std::memcpy(out, &w, 8);
      p += 8;
      out += 8;
    }
    while (p < end && kJsonPlain[static_cast<unsigned char>(*p)]) *out++ = *p++;
    if (p == end) break;
    auto c = static_cast<unsigned char>(*p++);
    *out++ = '\\';
    switch (c) {
      case '"': *out++ = '"'; break;
      case '\\': *out++ = '\\'; break;
      case '\n': *out++ = 'n'; break;
      case '\r': *out++ = 'r'; break;
      case '\t': *out++ = 't'; break;
      default:
        std::memcpy(out, "u00", 3);
        out[3] = kHex[c >> 4];
        out[4] = kHex[c & 15];
        out += 5;
    }
  }
  return out;
}

}  // namespace weir::http
