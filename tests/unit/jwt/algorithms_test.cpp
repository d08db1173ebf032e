// Every algorithm against every key source: a valid token passes, a changed
// payload or signature does not (RFC 7518 section 3).
#include <gtest/gtest.h>

#include <string>

#include "middleware/builtin/jwt/base64url.hpp"
#include "verify_fixture.hpp"

using namespace weir::jwt;
using namespace weir::jwt::test;

namespace {

class EachAlgorithm : public ::testing::TestWithParam<Algorithm> {
 protected:
  const AlgorithmInfo& info() const { return algorithm_info(GetParam()); }
  std::string name() const { return std::string(info().name); }

  // A verifier for this algorithm from the PEM file (RSA, EC) or the secret.
  std::shared_ptr<const Verifier> direct_verifier() {
    VerifierOptions o{.algorithms = {name()}, .cache_entries = 0};
    if (info().family == KeyFamily::hmac) {
      o.secret = keys().secret;
    } else {
      o.public_key_file = dir_.write("key.pem", keys().for_algorithm(GetParam())->public_pem());
    }
    return make_verifier(o);
  }
  // The same key as the one member of a JWK Set, with a kid.
  std::shared_ptr<const Verifier> jwks_verifier() {
    std::string jwk;
    if (info().family == KeyFamily::hmac) {
      jwk = "{\"kty\":\"oct\",\"kid\":\"k1\",\"k\":\"" + base64url_encode(keys().secret) + "\"}";
    } else {
      jwk = keys().for_algorithm(GetParam())->public_jwk("\"kid\":\"k1\"");
    }
    return make_verifier({.algorithms = {name()},
                          .jwks_file = dir_.write("keys.json", "{\"keys\":[" + jwk + "]}"),
                          .cache_entries = 0});
  }

  TempDir dir_;
};

std::string flip_char(std::string s, size_t pos) {
  s[pos] = s[pos] == 'A' ? 'B' : 'A';
  return s;
}

}  // namespace

TEST_P(EachAlgorithm, AcceptsAValidTokenFromEachKeySource) {
  for (auto verifier : {direct_verifier(), jwks_verifier()}) {
    ASSERT_TRUE(verifier);
    std::string t = token(GetParam(), claims_json(), "\"kid\":\"k1\"");
    auto r = verifier->verify(t, kNowMs);
    ASSERT_TRUE(r.ok()) << verify_error_name(r.error) << ": " << r.message;
    ASSERT_TRUE(r.claims);
    ASSERT_NE(r.claims->text("sub"), nullptr);
    EXPECT_EQ(*r.claims->text("sub"), "user-7");
    EXPECT_FALSE(r.from_cache);
  }
}

TEST_P(EachAlgorithm, RefusesATamperedPayload) {
  auto verifier = direct_verifier();
  std::string t = token(GetParam());
  // Same header and signature, other claims.
  size_t dot1 = t.find('.');
  size_t dot2 = t.find('.', dot1 + 1);
  std::string forged = t.substr(0, dot1 + 1) +
                       base64url_encode(claims_json(kNowS + 3600, "\"admin\":true")) +
                       t.substr(dot2);
  EXPECT_EQ(verifier->verify(forged, kNowMs).error, VerifyError::bad_signature);
  // One changed symbol in the payload.
  EXPECT_EQ(verifier->verify(flip_char(t, dot1 + 5), kNowMs).error, VerifyError::bad_signature);
}

TEST_P(EachAlgorithm, RefusesATamperedSignature) {
  auto verifier = direct_verifier();
  std::string t = token(GetParam());
  size_t sig = t.rfind('.') + 1;
  EXPECT_EQ(verifier->verify(flip_char(t, sig + 3), kNowMs).error, VerifyError::bad_signature);
  // A signature one byte short or long never reaches mbedTLS.
  std::string raw;
  ASSERT_TRUE(base64url_decode(std::string_view(t).substr(sig), raw));
  std::string head = t.substr(0, sig);
  EXPECT_EQ(verifier->verify(head + base64url_encode(raw.substr(1)), kNowMs).error,
            VerifyError::bad_signature);
  EXPECT_EQ(verifier->verify(head + base64url_encode(raw + "x"), kNowMs).error,
            VerifyError::bad_signature);
  EXPECT_TRUE(verifier->verify(t, kNowMs).ok());
}

TEST_P(EachAlgorithm, RefusesATokenSignedByAnotherKey) {
  auto verifier = direct_verifier();
  auto& k = keys();
  std::unique_ptr<PrivateKey> fresh;
  PrivateKey* other = nullptr;
  std::string secret = k.secret;
  switch (info().family) {
    case KeyFamily::hmac: secret[0] ^= 1; break;
    case KeyFamily::rsa: other = k.rsa_other.get(); break;
    case KeyFamily::ec:
      fresh = PrivateKey::ec(k.random, info().curve);
      other = fresh.get();
      break;
  }
  std::string t = sign(k.random, GetParam(), header_json(GetParam()), claims_json(), other, secret);
  EXPECT_EQ(verifier->verify(t, kNowMs).error, VerifyError::bad_signature);
}

INSTANTIATE_TEST_SUITE_P(Jws, EachAlgorithm,
                         ::testing::Values(Algorithm::HS256, Algorithm::HS384, Algorithm::HS512,
                                           Algorithm::RS256, Algorithm::RS384, Algorithm::RS512,
                                           Algorithm::PS256, Algorithm::PS384, Algorithm::PS512,
                                           Algorithm::ES256, Algorithm::ES384, Algorithm::ES512),
                         [](const auto& param) {
                           return std::string(algorithm_info(param.param).name);
                         });

TEST(Pss, RefusesASaltOtherThanTheHashLength) {
  TempDir dir;
  auto& k = keys();
  auto v = make_verifier({.algorithms = {"PS256"},
                          .public_key_file = dir.write("rsa.pem", k.rsa->public_pem())});
  std::string t = sign(k.random, Algorithm::PS256, header_json(Algorithm::PS256), claims_json(),
                       k.rsa.get(), "", 20);
  EXPECT_EQ(v->verify(t, kNowMs).error, VerifyError::bad_signature);
}

TEST(Ecdsa, RefusesADerEncodedSignature) {
  // RFC 7518 section 3.4: R || S, not the ASN.1 SEQUENCE of X.509; a DER
  // signature is 70-72 bytes for P-256, never 64.
  TempDir dir;
  auto& k = keys();
  auto v = make_verifier({.algorithms = {"ES256"},
                          .public_key_file = dir.write("ec.pem", k.p256->public_pem())});
  std::string t = token(Algorithm::ES256);
  std::string raw;
  size_t sig = t.rfind('.') + 1;
  ASSERT_TRUE(base64url_decode(std::string_view(t).substr(sig), raw));
  ASSERT_EQ(raw.size(), 64u);
  std::string der = "\x30\x46\x02\x21" + std::string(1, '\0') + raw.substr(0, 32) + "\x02\x21" +
                    std::string(1, '\0') + raw.substr(32);
  EXPECT_EQ(v->verify(t.substr(0, sig) + base64url_encode(der), kNowMs).error,
            VerifyError::bad_signature);
  EXPECT_TRUE(v->verify(t, kNowMs).ok());
}

TEST(Ecdsa, AnEs256TokenFindsNoP384Key) {
  TempDir dir;
  auto& k = keys();
  auto v = make_verifier({.algorithms = {"ES256", "ES384"},
                          .jwks_file = dir.write("k.json", "{\"keys\":[" +
                                                               k.p384->public_jwk("") + "," +
                                                               k.p256->public_jwk("\"alg\":\"ES256\"") +
                                                               "]}")});
  EXPECT_TRUE(v->verify(token(Algorithm::ES256), kNowMs).ok());
  EXPECT_TRUE(v->verify(token(Algorithm::ES384), kNowMs).ok());
  auto only384 = make_verifier({.algorithms = {"ES384"},
                                .public_key_file = dir.write("p384.pem", k.p384->public_pem())});
  EXPECT_EQ(only384->verify(token(Algorithm::ES256), kNowMs).error, VerifyError::alg_not_allowed);
}
