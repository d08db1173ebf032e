#include "router/query_match.hpp"

namespace weir::router {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether percent-decoding `encoded` gives exactly `plain`.
bool decodes_to(std::string_view encoded, std::string_view plain) noexcept {
  size_t j = 0;
  for (size_t i = 0; i < encoded.size(); ++i, ++j) {
    char c = encoded[i];
    if (c == '%') {
      if (i + 2 >= encoded.size()) return false;
      int hi = hex_value(encoded[i + 1]);
      int lo = hex_value(encoded[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (j >= plain.size() || plain[j] != c) return false;
  }
  return j == plain.size();
}

}  // namespace

std::string check_query_match(const QueryMatch& m) {
  if (m.name.empty()) return "a query parameter name must not be empty";
  for (char c : m.name) {
    if (c == '&' || c == '=') return "query parameter name \"" + m.name + "\" holds '&' or '='";
  }
  return {};
}

bool query_holds(std::string_view query, const QueryMatch& m) noexcept {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (!decodes_to(name, m.name)) continue;
    if (m.present || decodes_to(value, m.value)) return true;
  }
  return false;
}

}  // namespace weir::router
