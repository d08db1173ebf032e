// RFC 9110 section 5.6.2: token = 1*tchar. One table for every place that
// checks a header name or a method, on the request path and in config.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "http/byte_words.hpp"

namespace weir::http {

// A byte table of the ASCII letters and digits plus `extra`: the shape of
// the RFC character classes a header or a credential is checked against.
constexpr std::array<bool, 256> alnum_and(std::string_view extra) {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : extra) t[static_cast<unsigned char>(c)] = true;
  return t;
}

inline constexpr std::array<bool, 256> kTchar = alnum_and("!#$%&'*+-.^_`|~");

constexpr bool is_tchar(char c) noexcept { return kTchar[static_cast<unsigned char>(c)]; }

// Header names are mostly letters, digits and '-': words of those pass in
// a few operations; a name with any other byte goes through the table.
inline bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  const bool common = words::all_words(s.data(), s.size(), [](uint64_t w) {
    using words::bytes_in;
    return (bytes_in(w, 'a', 'z') | bytes_in(w, 'A', 'Z') | bytes_in(w, '0', '9') |
            bytes_in(w, '-', '-')) == words::kHigh;
  });
  if (common) return true;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

}  // namespace weir::http
