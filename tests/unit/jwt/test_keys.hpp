// Keys made at test time with mbedTLS, the token signer the tests use, and
// writers for the key files a verifier reads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>

#include "middleware/builtin/jwt/algorithm.hpp"

namespace weir::jwt::test {

// A seeded DRBG for key generation and signing.
class Random {
 public:
  Random();
  ~Random();
  Random(const Random&) = delete;
  Random& operator=(const Random&) = delete;
  mbedtls_ctr_drbg_context* drbg() { return &drbg_; }

 private:
  mbedtls_entropy_context entropy_;
  mbedtls_ctr_drbg_context drbg_;
};

// A private key (RSA or EC) that signs test tokens.
class PrivateKey {
 public:
  static std::unique_ptr<PrivateKey> rsa(Random& random, unsigned bits);
  static std::unique_ptr<PrivateKey> ec(Random& random, mbedtls_ecp_group_id curve);
  ~PrivateKey();
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;

  mbedtls_pk_context* pk() { return &pk_; }
  std::string public_pem();
  // The public half as a JWK object (RFC 7517), with `extra` members
  // spliced in verbatim (for example `"kid":"a","use":"sig"`).
  std::string public_jwk(std::string_view extra);

 private:
  PrivateKey();
  mbedtls_pk_context pk_;
};

// Signs header.payload (both JSON text) with `alg`. `key` is used for RSA
// and EC algorithms, `secret` for HMAC. PSS uses a salt of `pss_salt` bytes
// (-1: the hash length, as RFC 7518 section 3.5 requires).
std::string sign(Random& random, Algorithm alg, std::string_view header_json,
                 std::string_view payload_json, PrivateKey* key, std::string_view secret,
                 int pss_salt = -1);

// The keys of the whole test program, generated once.
struct TestKeys {
  Random random;
  std::unique_ptr<PrivateKey> rsa;       // 2048 bits
  std::unique_ptr<PrivateKey> rsa_other; // 2048 bits, a different key
  std::unique_ptr<PrivateKey> p256;
  std::unique_ptr<PrivateKey> p256_other;
  std::unique_ptr<PrivateKey> p384;
  std::unique_ptr<PrivateKey> p521;
  std::string secret = std::string(64, 'k') + "-an-hmac-secret-long-enough-for-HS512";

  PrivateKey* for_algorithm(Algorithm alg);
};
TestKeys& keys();

// A fresh folder under $TMPDIR, removed with its files at exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Writes `text` to `name` in the folder and returns the path.
  std::string write(std::string_view name, std::string_view text);

 private:
  std::string path_;
};

}  // namespace weir::jwt::test
