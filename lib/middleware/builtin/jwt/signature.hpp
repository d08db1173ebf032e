// JWS signature verification (RFC 7515 section 5.2 step 8), one function per
// algorithm family and one that picks by the key's family.
#pragma once

#include <string_view>

#include "middleware/builtin/jwt/algorithm.hpp"
#include "middleware/builtin/jwt/key.hpp"

namespace weir::jwt {

// `signing_input` is ASCII(BASE64URL(header) || '.' || BASE64URL(payload))
// (RFC 7515 section 5.1 step 5); `signature` is the decoded third part.
// False unless key.accepts(alg) and the signature is valid.
bool verify_signature(const AlgorithmInfo& alg, const Key& key, std::string_view signing_input,
                      std::string_view signature);

// RFC 7518 section 3.2: HMAC with SHA-2, compared in constant time.
bool verify_hmac(const AlgorithmInfo& alg, std::string_view secret, std::string_view signing_input,
                 std::string_view signature);
// RFC 7518 sections 3.3 (RSASSA-PKCS1-v1_5) and 3.5 (RSASSA-PSS).
bool verify_rsa(const AlgorithmInfo& alg, const RsaPublicKey& key, std::string_view signing_input,
                std::string_view signature);
// RFC 7518 section 3.4: ECDSA with the signature as R || S.
bool verify_ecdsa(const AlgorithmInfo& alg, const EcPublicKey& key, std::string_view signing_input,
                  std::string_view signature);

// The digest of `input` with `md` into `out` (room for 64 bytes).
bool digest(mbedtls_md_type_t md, std::string_view input, unsigned char* out);

}  // namespace weir::jwt
