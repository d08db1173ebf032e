// An RSA public key ready for concurrent verification.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include <mbedtls/bignum.h>
#include <mbedtls/rsa.h>

#include "middleware/builtin/jwt/result.hpp"

namespace weir::jwt {

// RFC 7518 section 3.3: "A key of size 2048 bits or larger MUST be used".
inline constexpr size_t kMinRsaBits = 2048;

class RsaPublicKey {
 public:
  // From the modulus and public exponent; refuses keys under kMinRsaBits and
  // what mbedtls_rsa_check_pubkey refuses.
  static Result<std::unique_ptr<RsaPublicKey>> create(const mbedtls_mpi& n, const mbedtls_mpi& e);
  ~RsaPublicKey();
  RsaPublicKey(const RsaPublicKey&) = delete;
  RsaPublicKey& operator=(const RsaPublicKey&) = delete;

  // Signature bytes: the modulus size; shorter or longer signatures are
  // refused before mbedTLS reads them.
  size_t signature_bytes() const noexcept { return bytes_; }
  size_t bits() const noexcept { return bits_; }

  // A context for the calling thread. mbedtls_rsa_public takes the context's
  // mutex (Debian builds mbedTLS with MBEDTLS_THREADING_C) for its whole
  // modular exponentiation, so one shared context would serialise every
  // worker's cache misses; each thread slot gets its own copy instead.
  mbedtls_rsa_context* context_for_this_thread() const noexcept;

 private:
  RsaPublicKey() = default;
  std::unique_ptr<mbedtls_rsa_context[]> replicas_;
  size_t count_ = 0;
  size_t bytes_ = 0;
  size_t bits_ = 0;
};

}  // namespace weir::jwt
