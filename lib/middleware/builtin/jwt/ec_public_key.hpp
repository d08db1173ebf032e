// An elliptic-curve public key on P-256, P-384 or P-521, ready for
// concurrent ECDSA verification.
#pragma once

#include <memory>
#include <string_view>

#include <mbedtls/ecp.h>

#include "middleware/builtin/jwt/result.hpp"

namespace weir::jwt {

class EcPublicKey {
 public:
  // From an uncompressed point (SEC 1 section 2.3.3: 0x04 || X || Y) on
  // `curve`; refuses points that mbedtls_ecp_check_pubkey refuses (not on
  // the curve, at infinity).
  static Result<std::unique_ptr<EcPublicKey>> create(mbedtls_ecp_group_id curve,
                                                     std::string_view uncompressed_point);
  ~EcPublicKey();
  EcPublicKey(const EcPublicKey&) = delete;
  EcPublicKey& operator=(const EcPublicKey&) = delete;

  mbedtls_ecp_group_id curve() const noexcept { return group_.id; }
  // True once the base-point table exists, so verification only reads the
  // group (see group_); create() returns no key for which this is false.
  bool shareable() const noexcept;

  // True when (r, s) is a valid ECDSA signature of `hash` by this key.
  bool verify(const unsigned char* hash, size_t hash_len, const mbedtls_mpi& r,
              const mbedtls_mpi& s) const noexcept;

 private:
  EcPublicKey();
  // mbedtls_ecdsa_verify takes the group by non-const pointer because the
  // first multiplication by the base point stores a table of its multiples
  // in the group (ecp_mul_comb, grp->T). create() performs one verification
  // so that the table exists before the key is shared; from then on the
  // group is only read, and threads can verify at once without a lock.
  mutable mbedtls_ecp_group group_;
  mbedtls_ecp_point point_;
};

}  // namespace weir::jwt
