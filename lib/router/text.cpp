#include "router/text.hpp"

#include "weir/http.hpp"

namespace weir {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (router::ascii_lower(a[i]) != router::ascii_lower(b[i])) return false;
  }
  return true;
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
