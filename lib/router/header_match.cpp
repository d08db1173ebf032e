#include "router/header_match.hpp"

#include "http/token.hpp"
#include "router/text.hpp"

namespace weir::router {

namespace {

// RFC 9110 section 5.5: no control bytes in a field value but HTAB.
bool is_field_value(std::string_view v) noexcept {
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return false;
  }
  return true;
}

bool value_holds(const HeaderMatch& m, std::string_view value) noexcept {
  switch (m.kind) {
    case HeaderMatch::Kind::equals:
      return value == m.value;
    case HeaderMatch::Kind::present:
      return true;
    case HeaderMatch::Kind::prefix:
      return value.starts_with(m.value);
    case HeaderMatch::Kind::glob:
      return glob_matches(m.value, value);
  }
  return false;
}

}  // namespace

std::string check_header_match(const HeaderMatch& m) {
  if (!http::is_token(m.name)) return "header name \"" + m.name + "\" is not an HTTP token";
  if (!is_field_value(m.value)) return "header \"" + m.name + "\" value holds control characters";
  switch (m.kind) {
    case HeaderMatch::Kind::equals:
      break;
    case HeaderMatch::Kind::present:
      // A value here would suggest a comparison that never happens.
      if (!m.value.empty()) return "header \"" + m.name + "\" is a presence predicate and takes no value";
      break;
    case HeaderMatch::Kind::prefix:
      if (m.value.empty()) return "header \"" + m.name + "\" prefix is empty (a presence predicate says that)";
      break;
    case HeaderMatch::Kind::glob:
      if (m.value.size() > kMaxGlobBytes) {
        return "header \"" + m.name + "\" glob is longer than " + std::to_string(kMaxGlobBytes) + " bytes";
      }
      break;
  }
  return {};
}

bool glob_matches(std::string_view pattern, std::string_view value) noexcept {
  // A later '*' can absorb whatever an earlier one would have, so retrying
  // from the last '*' only is enough: no nested backtracking.
  size_t p = 0;
  size_t v = 0;
  size_t star = std::string_view::npos;  // position of the last '*' in pattern
  size_t resume = 0;                     // where in value that '*' stops absorbing
  while (v < value.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = v;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == value[v])) {
      ++p;
      ++v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool header_match_holds(const HeaderMatch& m, std::span<const Header> headers) noexcept {
  for (const Header& h : headers) {
    if (iequals(h.name, m.name) && value_holds(m, h.value)) return true;
  }
  return false;
}

}  // namespace weir::router
