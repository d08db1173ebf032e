#include "middleware/builtin/jwt/algorithm.hpp"

#include <array>

namespace weir::jwt {

namespace {

constexpr AlgorithmInfo hmac(Algorithm id, std::string_view name, mbedtls_md_type_t md,
                             size_t bytes) {
  return {id, name, KeyFamily::hmac, md, bytes, MBEDTLS_ECP_DP_NONE, 0};
}
constexpr AlgorithmInfo rsa(Algorithm id, std::string_view name, mbedtls_md_type_t md,
                            size_t bytes) {
  return {id, name, KeyFamily::rsa, md, bytes, MBEDTLS_ECP_DP_NONE, 0};
}
constexpr AlgorithmInfo ec(Algorithm id, std::string_view name, mbedtls_md_type_t md,
                           size_t bytes, mbedtls_ecp_group_id curve, size_t coordinate) {
  return {id, name, KeyFamily::ec, md, bytes, curve, coordinate};
}

// In the order of the enum, so that the enum value is the index.
constexpr std::array<AlgorithmInfo, kAlgorithmCount> kAlgorithms = {{
    hmac(Algorithm::HS256, "HS256", MBEDTLS_MD_SHA256, 32),
    hmac(Algorithm::HS384, "HS384", MBEDTLS_MD_SHA384, 48),
    hmac(Algorithm::HS512, "HS512", MBEDTLS_MD_SHA512, 64),
    rsa(Algorithm::RS256, "RS256", MBEDTLS_MD_SHA256, 32),
    rsa(Algorithm::RS384, "RS384", MBEDTLS_MD_SHA384, 48),
    rsa(Algorithm::RS512, "RS512", MBEDTLS_MD_SHA512, 64),
    rsa(Algorithm::PS256, "PS256", MBEDTLS_MD_SHA256, 32),
    rsa(Algorithm::PS384, "PS384", MBEDTLS_MD_SHA384, 48),
    rsa(Algorithm::PS512, "PS512", MBEDTLS_MD_SHA512, 64),
    // P-521 coordinates take 66 bytes: 521 bits rounded up (RFC 7518 3.4).
    ec(Algorithm::ES256, "ES256", MBEDTLS_MD_SHA256, 32, MBEDTLS_ECP_DP_SECP256R1, 32),
    ec(Algorithm::ES384, "ES384", MBEDTLS_MD_SHA384, 48, MBEDTLS_ECP_DP_SECP384R1, 48),
    ec(Algorithm::ES512, "ES512", MBEDTLS_MD_SHA512, 64, MBEDTLS_ECP_DP_SECP521R1, 66),
}};

constexpr bool table_in_enum_order() {
  for (size_t i = 0; i < kAlgorithms.size(); ++i) {
    if (static_cast<size_t>(kAlgorithms[i].id) != i) return false;
  }
  return true;
}
static_assert(table_in_enum_order());

}  // namespace

const AlgorithmInfo& algorithm_info(Algorithm alg) noexcept {
  return kAlgorithms[static_cast<size_t>(alg)];
}

const AlgorithmInfo* find_algorithm(std::string_view name) noexcept {
  // Names are case-sensitive (RFC 7515 section 4.1.1).
  for (const auto& info : kAlgorithms) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

}  // namespace weir::jwt
