#include "middleware/builtin/jwt/signature.hpp"

namespace weir::jwt {

bool verify_signature(const AlgorithmInfo& alg, const Key& key, std::string_view signing_input,
                      std::string_view signature) {
  // The key decides the family (RFC 8725 section 3.1): a token that names
  // HS256 is never checked against the bytes of an RSA or EC key, and an
  // RS256 token never against a secret.
  if (!key.accepts(alg)) return false;
  switch (alg.family) {
    case KeyFamily::hmac: return verify_hmac(alg, key.secret, signing_input, signature);
    case KeyFamily::rsa: return verify_rsa(alg, *key.rsa, signing_input, signature);
    case KeyFamily::ec: return verify_ecdsa(alg, *key.ec, signing_input, signature);
  }
  return false;
}

bool digest(mbedtls_md_type_t md, std::string_view input, unsigned char* out) {
  const mbedtls_md_info_t* info = mbedtls_md_info_from_type(md);
  return info != nullptr &&
         mbedtls_md(info, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                    out) == 0;
}

}  // namespace weir::jwt
