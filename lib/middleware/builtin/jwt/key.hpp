// One verification key, whatever its source: the inline secret, a PEM public
// key file, or one member of a JWK Set.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "middleware/builtin/jwt/algorithm.hpp"
#include "middleware/builtin/jwt/ec_public_key.hpp"
#include "middleware/builtin/jwt/rsa_public_key.hpp"

namespace weir::jwt {

struct Key {
  // RFC 7517 section 4.5; empty when the source names none (secret, PEM).
  std::string kid;
  KeyFamily family = KeyFamily::hmac;
  // RFC 7517 section 4.4: when the JWK names an algorithm, it is the only one
  // the key verifies.
  std::optional<Algorithm> alg;
  // Where the key came from, for error messages: `jwks_file: keys[2]`.
  std::string origin;

  std::string secret;                // hmac
  std::unique_ptr<RsaPublicKey> rsa;  // rsa
  std::unique_ptr<EcPublicKey> ec;    // ec

  // The family matches, the JWK's `alg` (if any) is this one, and for EC the
  // curve is the one the algorithm is defined on (RFC 7518 section 3.4).
  bool accepts(const AlgorithmInfo& info) const noexcept;
};

}  // namespace weir::jwt
