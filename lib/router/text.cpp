#include "router/text.hpp"

#include <cstdint>
#include <cstring>

#include "weir/http.hpp"

namespace weir {

namespace {

// Each byte of `w` with 'A'-'Z' lowered: the high bit of a byte says
// ">= 'A'" after adding 0x80 - 'A' to its low seven bits and "> 'Z'" after
// adding 0x80 - 'Z' - 1; no sum carries into the next byte.
constexpr uint64_t lower_word(uint64_t w) noexcept {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const uint64_t low7 = w & ~kHigh;
  const uint64_t upper = (low7 + kOnes * (0x80 - 'A')) & ~(low7 + kOnes * (0x80 - 'Z' - 1)) & ~w & kHigh;
  return w | (upper >> 2);  // 0x80 >> 2 is the case bit, 0x20
}

uint64_t load8(const char* p) noexcept {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// All n < 8 bytes of p in one word, some of them twice: the same spread for
// both sides of a comparison, without a call to memcpy.
uint64_t load_short(const char* p, size_t n) noexcept {
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return lo | uint64_t{hi} << 32;
  }
  if (n == 0) return 0;
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return u[0] | uint64_t{u[n / 2]} << 8 | uint64_t{u[n - 1]} << 16;
}

}  // namespace

// Header names are compared on every lookup, mostly 4-20 bytes: eight bytes
// at a time, the last word overlapping the one before it.
bool iequals(std::string_view a, std::string_view b) noexcept {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char *x = a.data(), *y = b.data();
  if (n < 8) return lower_word(load_short(x, n)) == lower_word(load_short(y, n));
  for (size_t i = 0; i + 8 < n; i += 8)
    if (lower_word(load8(x + i)) != lower_word(load8(y + i))) return false;
  return lower_word(load8(x + n - 8)) == lower_word(load8(y + n - 8));
}

}  // namespace weir

namespace weir::router {

std::string ascii_lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

int compare_folded(std::string_view a, std::string_view lower) noexcept {
  size_t n = a.size() < lower.size() ? a.size() : lower.size();
  for (size_t i = 0; i < n; ++i) {
    auto x = static_cast<unsigned char>(ascii_lower(a[i]));
    auto y = static_cast<unsigned char>(lower[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == lower.size()) return 0;
  return a.size() < lower.size() ? -1 : 1;
}

bool ends_with_folded(std::string_view s, std::string_view lower_suffix) noexcept {
  if (s.size() < lower_suffix.size()) return false;
  return compare_folded(s.substr(s.size() - lower_suffix.size()), lower_suffix) == 0;
}

}  // namespace weir::router
