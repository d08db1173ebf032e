// The JWS algorithms weir verifies (RFC 7518 section 3.1) and what each one
// needs: the key family, the hash, and for ECDSA the curve.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <mbedtls/ecp.h>
#include <mbedtls/md.h>

namespace weir::jwt {

enum class Algorithm : uint8_t {
  HS256, HS384, HS512,
  RS256, RS384, RS512,
  PS256, PS384, PS512,
  ES256, ES384, ES512,
};
inline constexpr size_t kAlgorithmCount = 12;

// The key type decides the family; a key of one family never verifies a
// token of another (the "algorithm confusion" of RFC 8725 section 2.1).
enum class KeyFamily : uint8_t { hmac, rsa, ec };

struct AlgorithmInfo {
  Algorithm id;
  std::string_view name;
  KeyFamily family;
  mbedtls_md_type_t md;
  size_t hash_bytes;
  // ECDSA only: the curve and the size of one coordinate, which is also the
  // size of r and of s in the JWS signature (RFC 7518 section 3.4).
  mbedtls_ecp_group_id curve;
  size_t coordinate_bytes;
};

const AlgorithmInfo& algorithm_info(Algorithm alg) noexcept;
// nullptr for "none" and every name this table does not hold.
const AlgorithmInfo* find_algorithm(std::string_view name) noexcept;

// A set of algorithms as bits, for the allow-list test on every request.
class AlgorithmSet {
 public:
  void add(Algorithm alg) noexcept { bits_ |= bit(alg); }
  bool contains(Algorithm alg) const noexcept { return (bits_ & bit(alg)) != 0; }
  bool empty() const noexcept { return bits_ == 0; }

 private:
  static constexpr uint32_t bit(Algorithm alg) noexcept {
    return uint32_t{1} << static_cast<unsigned>(alg);
  }
  uint32_t bits_ = 0;
};

}  // namespace weir::jwt
