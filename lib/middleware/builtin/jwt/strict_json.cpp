#include "middleware/builtin/jwt/strict_json.hpp"

#include "config/json_document.hpp"

namespace weir::jwt {

// The config reader's strict parser (bounded size and depth, duplicate names
// refused, nothing after the value) with the token's smaller depth budget.
bool parse_strict_json(std::string_view text, picojson::value& out) {
  return config::parse_json_document(text, out, kMaxJsonDepth).empty();
}

}  // namespace weir::jwt
