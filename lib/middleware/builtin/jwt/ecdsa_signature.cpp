#include <mbedtls/bignum.h>

#include "middleware/builtin/jwt/signature.hpp"

namespace weir::jwt {

bool verify_ecdsa(const AlgorithmInfo& alg, const EcPublicKey& key, std::string_view signing_input,
                  std::string_view signature) {
  // RFC 7518 section 3.4: the JWS signature is R and S as fixed-size
  // big-endian octet strings, concatenated; not the ASN.1 DER structure
  // that X.509 uses. Any other length is malformed.
  const size_t half = alg.coordinate_bytes;
  if (signature.size() != 2 * half) return false;
  unsigned char hash[MBEDTLS_MD_MAX_SIZE];
  if (!digest(alg.md, signing_input, hash)) return false;
  const auto* bytes = reinterpret_cast<const unsigned char*>(signature.data());
  mbedtls_mpi r, s;
  mbedtls_mpi_init(&r);
  mbedtls_mpi_init(&s);
  // mbedtls_ecdsa_verify refuses r or s outside [1, n-1] itself.
  bool ok = mbedtls_mpi_read_binary(&r, bytes, half) == 0 &&
            mbedtls_mpi_read_binary(&s, bytes + half, half) == 0 &&
            key.verify(hash, alg.hash_bytes, r, s);
  mbedtls_mpi_free(&r);
  mbedtls_mpi_free(&s);
  return ok;
}

}  // namespace weir::jwt
