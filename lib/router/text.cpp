#include "router/text.hpp"

#include "http/byte_words.hpp"
#include "weir/http.hpp"

namespace weir {

// Header names are compared on every lookup, mostly 4-20 bytes: eight bytes
// at a time, the last word overlapping the one before it.
bool iequals(std::string_view a, std::string_view b) noexcept {
  namespace w = http::words;
  const size_t n = a.size();
  if (n != b.size()) return false;
  if (n == 0) return true;
  const char *x = a.data(), *y = b.data();
  if (n < 8) return w::lower(w::load_short(x, n)) == w::lower(w::load_short(y, n));
  for (size_t i = 0; i + 8 < n; i += 8)
    if (w::lower(w::load8(x + i)) != w::lower(w::load8(y + i))) return false;
  return w::lower(w::load8(x + n - 8)) == w::lower(w::load8(y + n - 8));
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
