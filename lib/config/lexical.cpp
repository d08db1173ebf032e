#include "config/lexical.hpp"

#include "http/token.hpp"

namespace weir::config {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_visible(char c) { return c > 0x20 && c < 0x7f; }

}  // namespace

bool is_config_name(std::string_view text) {
  if (text.empty() || text.size() > kMaxNameBytes) return false;
  for (char c : text) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool is_http_token(std::string_view text) { return http::is_token(text); }

bool is_method(std::string_view text) {
  if (!is_http_token(text)) return false;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') return false;
  }
  return true;
}

bool is_field_value(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return false;
  }
  return true;
}

bool is_path(std::string_view text) {
  if (text.empty() || text.front() != '/') return false;
  for (char c : text) {
    if (!is_visible(c) || c == '?' || c == '#') return false;
  }
  return true;
}

bool is_host_pattern(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_visible(c) || c == '/' || c == '?' || c == '#' || c == '@' || c == '\\') return false;
  }
  return true;
}

}  // namespace weir::config
