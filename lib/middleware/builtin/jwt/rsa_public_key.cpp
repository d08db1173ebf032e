#include "middleware/builtin/jwt/rsa_public_key.hpp"

#include <algorithm>
#include <string>
#include <thread>

#include "middleware/builtin/jwt/thread_slot.hpp"

namespace weir::jwt {

namespace {

// Enough copies for the workers of one machine; a few hundred bytes each
// for a 2048-bit key.
size_t replica_count() {
  size_t n = std::thread::hardware_concurrency();
  return std::clamp<size_t>(n, 1, 16);
}

}  // namespace

Result<std::unique_ptr<RsaPublicKey>> RsaPublicKey::create(const mbedtls_mpi& n,
                                                           const mbedtls_mpi& e) {
  using R = Result<std::unique_ptr<RsaPublicKey>>;
  size_t bits = mbedtls_mpi_bitlen(&n);
  if (bits < kMinRsaBits) {
    return R::failure("RSA key of " + std::to_string(bits) +
                      " bits; at least 2048 are required (RFC 7518 section 3.3)");
  }
  std::unique_ptr<RsaPublicKey> key(new RsaPublicKey());
  key->count_ = replica_count();
  key->replicas_ = std::make_unique<mbedtls_rsa_context[]>(key->count_);
  for (size_t i = 0; i < key->count_; ++i) {
    mbedtls_rsa_init(&key->replicas_[i], MBEDTLS_RSA_PKCS_V15, 0);
  }
  // The first context is checked; the others are copies of it.
  mbedtls_rsa_context* first = &key->replicas_[0];
  if (mbedtls_rsa_import(first, &n, nullptr, nullptr, nullptr, &e) != 0 ||
      mbedtls_rsa_complete(first) != 0 || mbedtls_rsa_check_pubkey(first) != 0) {
    return R::failure("not a valid RSA public key");
  }
  for (size_t i = 1; i < key->count_; ++i) {
    if (mbedtls_rsa_copy(&key->replicas_[i], first) != 0) return R::failure("out of memory");
  }
  key->bytes_ = mbedtls_rsa_get_len(first);
  key->bits_ = bits;
  return R::success(std::move(key));
}

RsaPublicKey::~RsaPublicKey() {
  for (size_t i = 0; i < count_; ++i) mbedtls_rsa_free(&replicas_[i]);
}

mbedtls_rsa_context* RsaPublicKey::context_for_this_thread() const noexcept {
  return &replicas_[thread_slot() % count_];
}

}  // namespace weir::jwt
