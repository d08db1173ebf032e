// A JWK Set document (RFC 7517 section 5) to the keys it holds.
#pragma once

#include <string_view>
#include <vector>

#include "middleware/builtin/jwt/key.hpp"
#include "middleware/builtin/jwt/result.hpp"

namespace weir::jwt {

// Errors name the member: `keys[1].n: not base64url`. Members that are not
// signature keys are skipped (see parse_jwk); a set with no signature key
// left, or with two keys of one family under one kid, is an error.
Result<std::vector<Key>> parse_jwks(std::string_view json);

}  // namespace weir::jwt
