// The path pattern language of routes: literal text, ":name" for one whole
// segment, "*name" for the rest of the path (last segment only).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weir::router {

enum class PieceKind : uint8_t { literal, param, catch_all };

struct PatternPiece {
  PieceKind kind;
  std::string_view text;  // literal: the bytes; param/catch_all: the name
};

struct ParsedPattern {
  std::vector<PatternPiece> pieces;  // views into the parsed pattern
  // The pattern with parameter names dropped ("/users/:/files/*"): two
  // routes with the same shape match exactly the same paths.
  std::string shape;
  size_t param_count = 0;  // params and catch-alls both capture
};

// Parses `pattern`; returns "" on success, else why it is malformed.
std::string parse_pattern(std::string_view pattern, ParsedPattern* out);

}  // namespace weir::router
