#include <mbedtls/md.h>

#include "middleware/builtin/jwt/signature.hpp"

namespace weir::jwt {

namespace {

// Every byte is compared whatever the earlier ones were, so the time taken
// does not tell an attacker how long a prefix of a forged MAC is right
// (RFC 7515 section 10.7 points at this timing attack).
bool equal_in_constant_time(const unsigned char* a, const unsigned char* b, size_t n) {
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < n; ++i) diff = diff | (a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

bool verify_hmac(const AlgorithmInfo& alg, std::string_view secret, std::string_view signing_input,
                 std::string_view signature) {
  // The MAC is never truncated in JWS, so the length is known in advance and
  // not secret.
  if (signature.size() != alg.hash_bytes) return false;
  const mbedtls_md_info_t* info = mbedtls_md_info_from_type(alg.md);
  unsigned char mac[MBEDTLS_MD_MAX_SIZE];
  if (info == nullptr ||
      mbedtls_md_hmac(info, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                      reinterpret_cast<const unsigned char*>(signing_input.data()),
                      signing_input.size(), mac) != 0) {
    return false;
  }
  return equal_in_constant_time(mac, reinterpret_cast<const unsigned char*>(signature.data()),
                                alg.hash_bytes);
}

}  // namespace weir::jwt
