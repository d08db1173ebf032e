#include "middleware/builtin/jwt/pem_key.hpp"

#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "middleware/builtin/jwt/key_file.hpp"

namespace weir::jwt {

namespace {

Result<Key> key_from_pk(mbedtls_pk_context& pk) {
  Key key;
  key.origin = "public_key_file";
  switch (mbedtls_pk_get_type(&pk)) {
    case MBEDTLS_PK_RSA: {
      mbedtls_rsa_context* ctx = mbedtls_pk_rsa(pk);
      mbedtls_mpi n, e;
      mbedtls_mpi_init(&n);
      mbedtls_mpi_init(&e);
      Result<Key> out;
      if (mbedtls_rsa_export(ctx, &n, nullptr, nullptr, nullptr, &e) != 0) {
        out = Result<Key>::failure("cannot read the RSA key");
      } else if (auto rsa = RsaPublicKey::create(n, e); !rsa.ok()) {
        out = Result<Key>::failure(rsa.error);
      } else {
        key.family = KeyFamily::rsa;
        key.rsa = std::move(rsa.value);
        out = Result<Key>::success(std::move(key));
      }
      mbedtls_mpi_free(&n);
      mbedtls_mpi_free(&e);
      return out;
    }
    case MBEDTLS_PK_ECKEY:
    case MBEDTLS_PK_ECDSA: {
      mbedtls_ecp_keypair* pair = mbedtls_pk_ec(pk);
      if (pair->grp.id != MBEDTLS_ECP_DP_SECP256R1 && pair->grp.id != MBEDTLS_ECP_DP_SECP384R1 &&
          pair->grp.id != MBEDTLS_ECP_DP_SECP521R1) {
        return Result<Key>::failure("EC key on a curve other than P-256, P-384 or P-521");
      }
      unsigned char point[1 + 2 * 66];
      size_t len = 0;
      if (mbedtls_ecp_point_write_binary(&pair->grp, &pair->Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &len,
                                         point, sizeof point) != 0) {
        return Result<Key>::failure("cannot read the EC key");
      }
      auto ec = EcPublicKey::create(pair->grp.id,
                                    std::string_view(reinterpret_cast<char*>(point), len));
      if (!ec.ok()) return Result<Key>::failure(ec.error);
      key.family = KeyFamily::ec;
      key.ec = std::move(ec.value);
      return Result<Key>::success(std::move(key));
    }
    default:
      return Result<Key>::failure("neither an RSA nor an EC public key");
  }
}

}  // namespace

Result<Key> load_pem_public_key(const std::string& path) {
  auto text = read_key_file(path);
  if (!text.ok()) return Result<Key>::failure(text.error);
  // mbedtls_pk_parse_public_key reads PEM only when the buffer ends in a NUL
  // it counts, and DER only when no byte follows the structure.
  if (text.value.find("-----BEGIN") != std::string::npos) text.value.push_back('\0');
  mbedtls_pk_context pk;
  mbedtls_pk_init(&pk);
  Result<Key> out;
  if (mbedtls_pk_parse_public_key(&pk, reinterpret_cast<const unsigned char*>(text.value.data()),
                                  text.value.size()) != 0) {
    out = Result<Key>::failure(path + ": not a PEM or DER public key");
  } else {
    out = key_from_pk(pk);
  }
  mbedtls_pk_free(&pk);
  return out;
}

}  // namespace weir::jwt
