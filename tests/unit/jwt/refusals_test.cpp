// What a verifier refuses whatever the key: unsecured tokens, algorithm
// confusion, unknown keys, malformed and oversized tokens (RFC 8725).
#include <gtest/gtest.h>

#include <string>

#include "middleware/builtin/jwt/base64url.hpp"
#include "middleware/builtin/jwt/compact_token.hpp"
#include "verify_fixture.hpp"

using namespace weir::jwt;
using namespace weir::jwt::test;

namespace {

std::string b64(const std::string& s) { return base64url_encode(s); }

class Refusals : public ::testing::Test {
 protected:
  std::shared_ptr<const Verifier> rsa_verifier(std::vector<std::string> algs = {"RS256"}) {
    return make_verifier({.algorithms = std::move(algs),
                          .public_key_file = pem_path(),
                          .cache_entries = 0});
  }
  std::string pem_path() { return dir_.write("rsa.pem", keys().rsa->public_pem()); }
  TempDir dir_;
};

}  // namespace

TEST_F(Refusals, AlgNoneIsAlwaysRefused) {
  auto v = make_verifier({.algorithms = {"HS256", "RS256"},
                          .secret = keys().secret,
                          .public_key_file = pem_path()});
  std::string unsecured = b64("{\"alg\":\"none\"}") + "." + b64(claims_json());
  EXPECT_EQ(v->verify(unsecured + ".", kNowMs).error, VerifyError::malformed);
  EXPECT_EQ(v->verify(unsecured + "." + b64("sig"), kNowMs).error, VerifyError::unsupported_alg);
  EXPECT_EQ(v->verify(b64("{\"alg\":\"None\"}") + "." + b64(claims_json()) + "." + b64("x"), kNowMs)
                .error,
            VerifyError::unsupported_alg);
  EXPECT_EQ(v->verify(b64("{\"alg\":\"EdDSA\"}") + "." + b64(claims_json()) + "." + b64("x"), kNowMs)
                .error,
            VerifyError::unsupported_alg);
}

TEST_F(Refusals, AnHmacTokenKeyedWithThePublicKeyNeverPasses) {
  // The classic confusion: sign HS256 with the RSA public key's PEM text as
  // the secret, and hope the verifier feeds its RSA key bytes to HMAC.
  auto& k = keys();
  std::string pem = k.rsa->public_pem();
  std::string forged = sign(k.random, Algorithm::HS256, header_json(Algorithm::HS256),
                            claims_json(), nullptr, pem);
  EXPECT_EQ(rsa_verifier()->verify(forged, kNowMs).error, VerifyError::alg_not_allowed);
  // Even with HS256 allowed, only a secret verifies it, never the RSA key.
  auto both = make_verifier({.algorithms = {"RS256", "HS256"},
                             .secret = k.secret,
                             .public_key_file = pem_path()});
  EXPECT_EQ(both->verify(forged, kNowMs).error, VerifyError::bad_signature);
  auto rsa_jwks = make_verifier(
      {.algorithms = {"RS256"},
       .jwks_file = dir_.write("k.json", "{\"keys\":[" + k.rsa->public_jwk("\"kid\":\"r\"") + "]}")});
  std::string forged_kid = sign(k.random, Algorithm::HS256,
                                header_json(Algorithm::HS256, "\"kid\":\"r\""), claims_json(),
                                nullptr, pem);
  EXPECT_EQ(rsa_jwks->verify(forged_kid, kNowMs).error, VerifyError::alg_not_allowed);
  // The real RS256 token still passes.
  EXPECT_TRUE(both->verify(token(Algorithm::RS256), kNowMs).ok());
}

TEST_F(Refusals, AnRsaTokenIsNeverCheckedAgainstASecret) {
  auto& k = keys();
  auto hmac_only = make_verifier({.algorithms = {"HS256"}, .secret = k.secret});
  EXPECT_EQ(hmac_only->verify(token(Algorithm::RS256), kNowMs).error, VerifyError::alg_not_allowed);
  // A set that allows RS256 but holds only an oct key has no key for it:
  // creation says so, rather than verifying RS256 with the oct bytes.
  auto r = Verifier::create(
      {.algorithms = {"HS256", "RS256"},
       .jwks_file = dir_.write("oct.json", "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" + b64(k.secret) +
                                               "\"}]}")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "algorithms[1]: no key in secret, public_key_file or jwks_file verifies RS256");
}

TEST_F(Refusals, AlgorithmsOutsideTheListAreRefused) {
  auto v = rsa_verifier({"RS256"});
  EXPECT_EQ(v->verify(token(Algorithm::PS256), kNowMs).error, VerifyError::alg_not_allowed);
  EXPECT_EQ(v->verify(token(Algorithm::RS512), kNowMs).error, VerifyError::alg_not_allowed);
  EXPECT_TRUE(v->verify(token(Algorithm::RS256), kNowMs).ok());
}

TEST_F(Refusals, KidSelectsTheKeyAndUnknownKidsAreRefused) {
  auto& k = keys();
  auto v = make_verifier(
      {.algorithms = {"ES256"},
       .jwks_file = dir_.write("k.json", "{\"keys\":[" + k.p256->public_jwk("\"kid\":\"a\"") + "," +
                                             k.p256_other->public_jwk("\"kid\":\"b\"") + "]}")});
  auto signed_by = [&](PrivateKey* key, const std::string& kid_member) {
    return sign(k.random, Algorithm::ES256, header_json(Algorithm::ES256, kid_member),
                claims_json(), key, "");
  };
  EXPECT_TRUE(v->verify(signed_by(k.p256.get(), "\"kid\":\"a\""), kNowMs).ok());
  EXPECT_TRUE(v->verify(signed_by(k.p256_other.get(), "\"kid\":\"b\""), kNowMs).ok());
  EXPECT_EQ(v->verify(signed_by(k.p256.get(), "\"kid\":\"b\""), kNowMs).error,
            VerifyError::bad_signature);
  EXPECT_EQ(v->verify(signed_by(k.p256.get(), "\"kid\":\"c\""), kNowMs).error,
            VerifyError::unknown_kid);
  EXPECT_EQ(v->verify(signed_by(k.p256.get(), ""), kNowMs).error, VerifyError::unknown_kid);
  EXPECT_EQ(v->verify(signed_by(k.p256.get(), "\"kid\":7"), kNowMs).error, VerifyError::malformed);
  // One key without kid: a token's kid cannot name another, it falls back.
  auto single = make_verifier({.algorithms = {"ES256"},
                               .public_key_file = dir_.write("p.pem", k.p256->public_pem())});
  EXPECT_TRUE(single->verify(signed_by(k.p256.get(), "\"kid\":\"anything\""), kNowMs).ok());
  EXPECT_TRUE(single->verify(signed_by(k.p256.get(), ""), kNowMs).ok());
}

TEST_F(Refusals, AKeyPinnedToAnotherAlgorithmIsNotUsed) {
  auto& k = keys();
  auto v = make_verifier(
      {.algorithms = {"RS256", "PS256"},
       .jwks_file = dir_.write("k.json", "{\"keys\":[" +
                                             k.rsa->public_jwk("\"kid\":\"a\",\"alg\":\"RS256\"") +
                                             "," + k.rsa_other->public_jwk("\"kid\":\"b\"") +
                                             "]}")});
  EXPECT_TRUE(v->verify(token(Algorithm::RS256, claims_json(), "\"kid\":\"a\""), kNowMs).ok());
  EXPECT_EQ(v->verify(token(Algorithm::PS256, claims_json(), "\"kid\":\"a\""), kNowMs).error,
            VerifyError::no_key_for_alg);
}

TEST_F(Refusals, MalformedTokensAreRefusedBeforeAnyKeyIsUsed) {
  auto v = rsa_verifier();
  std::string good = token(Algorithm::RS256);
  size_t d1 = good.find('.');
  size_t d2 = good.rfind('.');
  std::string h = good.substr(0, d1);
  std::string p = good.substr(d1 + 1, d2 - d1 - 1);
  std::string s = good.substr(d2 + 1);
  auto error = [&](const std::string& t) { return v->verify(t, kNowMs).error; };
  EXPECT_EQ(error(""), VerifyError::malformed);
  EXPECT_EQ(error(h + "." + p), VerifyError::malformed);
  EXPECT_EQ(error(h + "." + p + "." + s + "."), VerifyError::malformed);
  EXPECT_EQ(error(h + "." + p + "." + s + "." + s + "." + s), VerifyError::malformed);  // JWE
  EXPECT_EQ(error("." + p + "." + s), VerifyError::malformed);
  EXPECT_EQ(error(h + ".." + s), VerifyError::malformed);
  EXPECT_EQ(error(h + "=." + p + "." + s), VerifyError::malformed);
  EXPECT_EQ(error(h + "." + p + "." + s + "="), VerifyError::malformed);
  EXPECT_EQ(error(h + "." + p + "*." + s), VerifyError::bad_signature);  // signed input changed
  EXPECT_EQ(error(b64("[\"RS256\"]") + "." + p + "." + s), VerifyError::malformed);
  EXPECT_EQ(error(b64("{\"alg\":\"RS256\"") + "." + p + "." + s), VerifyError::malformed);
  EXPECT_EQ(error(b64("{\"alg\":\"RS256\",\"alg\":\"RS256\"}") + "." + p + "." + s),
            VerifyError::malformed);
  EXPECT_EQ(error(b64("{\"typ\":\"JWT\"}") + "." + p + "." + s), VerifyError::malformed);
  EXPECT_EQ(error(b64("{\"alg\":256}") + "." + p + "." + s), VerifyError::malformed);
  EXPECT_EQ(error(b64("{\"alg\":\"RS256\",\"crit\":[\"exp\"],\"exp\":1}") + "." + p + "." + s),
            VerifyError::malformed);
  EXPECT_EQ(error(b64("{\"alg\":\"RS256\"") + "." + p + "." + s), VerifyError::malformed);
  EXPECT_EQ(error(h + "." + p + "." + s), VerifyError::none);
}

TEST_F(Refusals, ThePayloadMustBeAJsonObject) {
  auto& k = keys();
  auto v = make_verifier({.algorithms = {"HS256"}, .secret = k.secret});
  for (const char* payload : {"[1,2]", "\"text\"", "{\"a\":1", "{\"sub\":\"a\",\"sub\":\"b\"}",
                              "{} x", "null"}) {
    EXPECT_EQ(v->verify(token(Algorithm::HS256, payload), kNowMs).error, VerifyError::malformed)
        << payload;
  }
}

TEST_F(Refusals, TokensOverTheSizeLimitAreRefusedUnread) {
  auto& k = keys();
  auto v = make_verifier({.algorithms = {"HS256"}, .secret = k.secret});
  auto sized = [&](size_t padding) {
    return token(Algorithm::HS256, claims_json(kNowS + 3600, "\"pad\":\"" +
                                                                 std::string(padding, 'x') + "\""));
  };
  // Find the padding that lands exactly on the limit, then one past it.
  std::string base = sized(0);
  size_t pad = (kMaxTokenBytes - base.size()) * 3 / 4;
  std::string t = sized(pad);
  for (int i = 0; i < 8 && t.size() < kMaxTokenBytes; ++i) t = sized(++pad);
  while (t.size() > kMaxTokenBytes) t = sized(--pad);
  ASSERT_LE(t.size(), kMaxTokenBytes);
  EXPECT_TRUE(v->verify(t, kNowMs).ok());
  std::string over = sized(pad + 3);
  ASSERT_GT(over.size(), kMaxTokenBytes);
  EXPECT_EQ(v->verify(over, kNowMs).error, VerifyError::too_large);
  EXPECT_EQ(v->verify(std::string(1 << 20, 'a'), kNowMs).error, VerifyError::too_large);
}

TEST(VerifyErrorNames, AreStable) {
  EXPECT_EQ(verify_error_name(VerifyError::bad_signature), "bad_signature");
  EXPECT_EQ(verify_error_name(VerifyError::unknown_kid), "unknown_kid");
  EXPECT_EQ(verify_error_name(VerifyError::issued_in_future), "issued_in_future");
}
