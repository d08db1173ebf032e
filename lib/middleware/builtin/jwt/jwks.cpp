#include "middleware/builtin/jwt/jwks.hpp"

#include <string>

#include "middleware/builtin/jwt/jwk.hpp"
#include "middleware/builtin/jwt/strict_json.hpp"

namespace weir::jwt {

Result<std::vector<Key>> parse_jwks(std::string_view json) {
  using R = Result<std::vector<Key>>;
  picojson::value doc;
  if (!parse_strict_json(json, doc)) {
    return R::failure("not JSON (or a name repeats in an object, or nesting is too deep)");
  }
  if (!doc.is<picojson::object>()) return R::failure("expected a JWK Set object");
  const auto& obj = doc.get<picojson::object>();
  auto it = obj.find("keys");
  if (it == obj.end()) return R::failure("keys: required");
  if (!it->second.is<picojson::array>()) return R::failure("keys: expected array");
  const auto& members = it->second.get<picojson::array>();

  std::vector<Key> keys;
  for (size_t i = 0; i < members.size(); ++i) {
    std::string path = "keys[" + std::to_string(i) + "]";
    auto parsed = parse_jwk(members[i], path);
    if (!parsed.ok()) return R::failure(std::move(parsed.error));
    if (!parsed.value) continue;
    Key& key = *parsed.value;
    // RFC 7517 section 4.5 lets keys of different types share a kid; two of
    // one type under one kid would make the choice of key arbitrary.
    for (const auto& other : keys) {
      if (!key.kid.empty() && other.kid == key.kid && other.family == key.family) {
        return R::failure(path + ".kid: \"" + key.kid + "\" repeats " + other.origin);
      }
    }
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return R::failure("keys: no signature verification key");
  return R::success(std::move(keys));
}

}  // namespace weir::jwt
