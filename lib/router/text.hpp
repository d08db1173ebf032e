// ASCII text helpers shared by the router's build and match code. Host names,
// header names and methods are ASCII by protocol, so no locale is involved.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace weir::router {

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string ascii_lowered(std::string_view s);

// Three-way comparison of `a`, folded to lower case, against `lower`, which
// the caller keeps in lower case already (a sorted table of host names).
int compare_folded(std::string_view a, std::string_view lower) noexcept;

// Whether `s` ends with `lower_suffix`, ignoring the case of `s`.
bool ends_with_folded(std::string_view s, std::string_view lower_suffix) noexcept;

}  // namespace weir::router
