#include "middleware/builtin/jwt/ec_public_key.hpp"

#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>

namespace weir::jwt {

namespace {

// Fills the base-point table of the group (see EcPublicKey::group_). ECDSA
// verification computes u1*G + u2*Q with u1 = hash/s and u2 = r/s, and
// mbedTLS skips the multiplication for a factor of 0 or 1; with s = r = 1
// and a hash of 0x01 bytes, u1 is neither, so G is multiplied (and its table
// stored) while Q's factor is 1. The signature is false for this key, and
// the failure is expected and ignored.
void precompute_base_point_table(mbedtls_ecp_group& group, const mbedtls_ecp_point& point) {
  unsigned char hash[32];
  for (auto& b : hash) b = 0x01;
  mbedtls_mpi one;
  mbedtls_mpi_init(&one);
  if (mbedtls_mpi_lset(&one, 1) == 0) {
    (void)mbedtls_ecdsa_verify(&group, hash, sizeof hash, &point, &one, &one);
  }
  mbedtls_mpi_free(&one);
}

}  // namespace

EcPublicKey::EcPublicKey() {
  mbedtls_ecp_group_init(&group_);
  mbedtls_ecp_point_init(&point_);
}

EcPublicKey::~EcPublicKey() {
  mbedtls_ecp_point_free(&point_);
  mbedtls_ecp_group_free(&group_);
}

Result<std::unique_ptr<EcPublicKey>> EcPublicKey::create(mbedtls_ecp_group_id curve,
                                                         std::string_view uncompressed_point) {
  using R = Result<std::unique_ptr<EcPublicKey>>;
  std::unique_ptr<EcPublicKey> key(new EcPublicKey());
  if (mbedtls_ecp_group_load(&key->group_, curve) != 0) return R::failure("unsupported curve");
  const auto* bytes = reinterpret_cast<const unsigned char*>(uncompressed_point.data());
  if (uncompressed_point.empty() || bytes[0] != 0x04 ||
      mbedtls_ecp_point_read_binary(&key->group_, &key->point_, bytes,
                                    uncompressed_point.size()) != 0 ||
      mbedtls_ecp_check_pubkey(&key->group_, &key->point_) != 0) {
    return R::failure("not a point on the curve");
  }
  precompute_base_point_table(key->group_, key->point_);
  if (!key->shareable()) return R::failure("cannot prepare the curve for verification");
  return R::success(std::move(key));
}

bool EcPublicKey::shareable() const noexcept { return group_.T != nullptr; }

bool EcPublicKey::verify(const unsigned char* hash, size_t hash_len, const mbedtls_mpi& r,
                         const mbedtls_mpi& s) const noexcept {
  return mbedtls_ecdsa_verify(&group_, hash, hash_len, &point_, &r, &s) == 0;
}

}  // namespace weir::jwt
