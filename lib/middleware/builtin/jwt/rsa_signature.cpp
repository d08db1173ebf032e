#include <mbedtls/rsa.h>

#include "middleware/builtin/jwt/signature.hpp"

namespace weir::jwt {

bool verify_rsa(const AlgorithmInfo& alg, const RsaPublicKey& key, std::string_view signing_input,
                std::string_view signature) {
  // mbedTLS reads exactly the modulus size from the signature pointer.
  if (signature.size() != key.signature_bytes()) return false;
  unsigned char hash[MBEDTLS_MD_MAX_SIZE];
  if (!digest(alg.md, signing_input, hash)) return false;
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  mbedtls_rsa_context* ctx = key.context_for_this_thread();
  const auto hash_len = static_cast<unsigned int>(alg.hash_bytes);
  switch (alg.id) {
    case Algorithm::PS256:
    case Algorithm::PS384:
    case Algorithm::PS512:
      // RFC 7518 section 3.5: MGF1 with the same hash, and a salt as long as
      // the hash; a signature with any other salt length is refused.
      return mbedtls_rsa_rsassa_pss_verify_ext(ctx, nullptr, nullptr, MBEDTLS_RSA_PUBLIC, alg.md,
                                               hash_len, hash, alg.md,
                                               static_cast<int>(alg.hash_bytes), sig) == 0;
    default:
      return mbedtls_rsa_rsassa_pkcs1_v15_verify(ctx, nullptr, nullptr, MBEDTLS_RSA_PUBLIC, alg.md,
                                                 hash_len, hash, sig) == 0;
  }
}

}  // namespace weir::jwt
