// One JSON Web Key (RFC 7517 section 4, RFC 7518 section 6) to a Key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <picojson.h>

#include "middleware/builtin/jwt/key.hpp"
#include "middleware/builtin/jwt/result.hpp"

namespace weir::jwt {

// `path` names the JWK in error messages (`keys[1]`); errors read
// `keys[1].n: not base64url`. An empty optional is a key that is not for
// verifying signatures (another `use`, `key_ops` without "verify", an
// encryption `alg`) or of a type or curve weir does not know: RFC 7517
// section 5 says to ignore those members of a set rather than fail.
Result<std::optional<Key>> parse_jwk(const picojson::value& jwk, std::string_view path);

}  // namespace weir::jwt
