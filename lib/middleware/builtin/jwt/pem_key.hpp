// A PEM or DER public key file, RSA or EC, to a Key.
#pragma once

#include <string>

#include "middleware/builtin/jwt/key.hpp"
#include "middleware/builtin/jwt/result.hpp"

namespace weir::jwt {

// A SubjectPublicKeyInfo in PEM or DER, as mbedtls_pk_parse_public_key
// reads them. The key has no kid; RSA keys verify RS* and PS*, EC keys the
// ES* algorithm of their curve.
Result<Key> load_pem_public_key(const std::string& path);

}  // namespace weir::jwt
