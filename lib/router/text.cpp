#include "router/text.hpp"

#include "http/byte_words.hpp"
#include "weir/http.hpp"

namespace weir {

// Header names are compared on every lookup, mostly 4-20 bytes: eight bytes
// at a time, the last word overlapping the one before it.
bool iequals(std::string_view a, std::string_view b) noexcept {
  namespace w = http::words;
  if (a.size() != b.size()) return false;
  return a.empty() || w::all_word_pairs(a.data(), b.data(), a.size(), [](uint64_t x, uint64_t y) {
           return w::lower(x) == w::lower(y);
         });
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
