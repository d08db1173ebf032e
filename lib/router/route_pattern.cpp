#include "router/route_pattern.hpp"

namespace weir::router {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::string parse_pattern(std::string_view pattern, ParsedPattern* out) {
  out->pieces.clear();
  out->shape.clear();
  out->param_count = 0;
  if (pattern.empty() || pattern[0] != '/') return "must start with '/'";

  size_t literal_begin = 0;
  size_t i = 0;
  while (i < pattern.size()) {
    char c = pattern[i];
    // ':' and '*' are special only at the start of a segment; elsewhere they
    // are literal ("/v1/items:batchGet" is a plain path).
    bool segment_start = i > 0 && pattern[i - 1] == '/';
    if (!segment_start || (c != ':' && c != '*')) {
      ++i;
      continue;
    }
    if (i > literal_begin) {
      std::string_view lit = pattern.substr(literal_begin, i - literal_begin);
      out->pieces.push_back({PieceKind::literal, lit});
      out->shape.append(lit);
    }
    size_t end = pattern.find('/', i);
    if (end == std::string_view::npos) end = pattern.size();
    std::string_view name = pattern.substr(i + 1, end - i - 1);
    const char* what = c == ':' ? "parameter" : "catch-all";
    if (name.empty()) return std::string(what) + " at byte " + std::to_string(i) + " needs a name";
    for (char n : name) {
      if (!is_name_char(n)) {
        return std::string(what) + " name \"" + std::string(name) +
               "\" may hold only letters, digits and '_'";
      }
    }
    for (const PatternPiece& p : out->pieces) {
      if (p.kind != PieceKind::literal && p.text == name) {
        return "parameter name \"" + std::string(name) + "\" is used twice";
      }
    }
    if (c == '*' && end != pattern.size()) return "catch-all \"*" + std::string(name) + "\" must be the last segment";
    out->pieces.push_back({c == ':' ? PieceKind::param : PieceKind::catch_all, name});
    out->shape.push_back(c);
    ++out->param_count;
    i = end;
    literal_begin = end;
  }
  if (literal_begin < pattern.size()) {
    std::string_view lit = pattern.substr(literal_begin);
    out->pieces.push_back({PieceKind::literal, lit});
    out->shape.append(lit);
  }
  return {};
}

}  // namespace weir::router
