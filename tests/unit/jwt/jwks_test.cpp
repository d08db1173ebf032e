// JWK Set reading (RFC 7517, RFC 7518 section 6) and the option errors of
// Verifier::create.
#include <gtest/gtest.h>

#include <string>

#include "middleware/builtin/jwt/jwks.hpp"
#include "middleware/builtin/jwt/verifier.hpp"
#include "test_keys.hpp"

using namespace weir::jwt;
using namespace weir::jwt::test;

namespace {

std::string set_of(const std::string& a, const std::string& b = "") {
  return "{\"keys\":[" + a + (b.empty() ? "" : "," + b) + "]}";
}

std::string error_of(const std::string& json) {
  auto r = parse_jwks(json);
  EXPECT_FALSE(r.ok()) << json;
  return r.error;
}

}  // namespace

TEST(Jwks, ReadsRsaAndEcKeysWithTheirKidAndAlg) {
  auto& k = keys();
  auto r = parse_jwks(set_of(k.rsa->public_jwk("\"kid\":\"r1\",\"alg\":\"RS256\",\"use\":\"sig\""),
                             k.p384->public_jwk("\"kid\":\"e1\",\"key_ops\":[\"verify\"]")));
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].kid, "r1");
  EXPECT_EQ(r.value[0].family, KeyFamily::rsa);
  EXPECT_TRUE(r.value[0].alg && *r.value[0].alg == Algorithm::RS256);
  EXPECT_EQ(r.value[0].rsa->bits(), 2048u);
  EXPECT_EQ(r.value[1].family, KeyFamily::ec);
  EXPECT_EQ(r.value[1].ec->curve(), MBEDTLS_ECP_DP_SECP384R1);
  // The base-point table exists before the key is shared between threads.
  EXPECT_TRUE(r.value[1].ec->shareable());
  EXPECT_TRUE(r.value[1].accepts(algorithm_info(Algorithm::ES384)));
  EXPECT_FALSE(r.value[1].accepts(algorithm_info(Algorithm::ES256)));
  EXPECT_FALSE(r.value[0].accepts(algorithm_info(Algorithm::PS256)));  // alg pins RS256
}

TEST(Jwks, SkipsKeysThatAreNotForSignatures) {
  auto& k = keys();
  auto r = parse_jwks("{\"keys\":[" + k.rsa->public_jwk("\"use\":\"enc\"") + "," +
                      k.rsa->public_jwk("\"alg\":\"RSA-OAEP\"") + "," +
                      k.rsa->public_jwk("\"key_ops\":[\"encrypt\"]") + "," +
                      "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AA\"}," +
                      "{\"kty\":\"EC\",\"crv\":\"secp256k1\",\"x\":\"AA\",\"y\":\"AA\"}," +
                      "{\"kty\":\"oct\",\"k\":\"" + std::string(48, 'A') + "\",\"kid\":\"h\"}]}");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].family, KeyFamily::hmac);
  EXPECT_EQ(r.value[0].secret.size(), 36u);
}

TEST(Jwks, NamesTheMemberInEveryError) {
  auto& k = keys();
  std::string good = k.rsa->public_jwk("\"kid\":\"a\"");
  EXPECT_EQ(error_of(set_of(good, "{\"kty\":\"RSA\",\"n\":\"!!\",\"e\":\"AQAB\"}")),
            "keys[1].n: not base64url");
  EXPECT_EQ(error_of(set_of("{\"kty\":\"RSA\",\"e\":\"AQAB\"}")), "keys[0].n: required");
  EXPECT_EQ(error_of(set_of("{\"n\":\"AQAB\"}")), "keys[0].kty: required");
  EXPECT_EQ(error_of(set_of("{\"kty\":7}")), "keys[0].kty: expected string");
  EXPECT_EQ(error_of(set_of("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}")),
            "keys[0].n: RSA key of 17 bits; at least 2048 are required (RFC 7518 section 3.3)");
  EXPECT_EQ(error_of(set_of(k.rsa->public_jwk("\"d\":\"AQAB\""))),
            "keys[0].d: private key material in a verification key");
  EXPECT_EQ(error_of(set_of(k.rsa->public_jwk("\"alg\":\"ES256\""))),
            "keys[0].alg: ES256 does not fit kty RSA");
  EXPECT_EQ(error_of(set_of(k.p256->public_jwk("\"alg\":\"ES384\""))),
            "keys[0].alg: does not match crv P-256 (RFC 7518 section 3.4)");
  EXPECT_EQ(error_of(set_of("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}")),
            "keys[0].x: expected 32 bytes for P-256");
  EXPECT_EQ(error_of(set_of(k.p256->public_jwk("\"kid\":\"x\""),
                            k.p256_other->public_jwk("\"kid\":\"x\""))),
            "keys[1].kid: \"x\" repeats keys[0]");
  EXPECT_EQ(error_of(set_of("{\"kty\":\"oct\",\"k\":\"AAAA\",\"alg\":\"HS256\"}")),
            "keys[0].k: shorter than the hash of HS256 (RFC 7518 section 3.2)");
  EXPECT_EQ(error_of("{\"keys\":[]}"), "keys: no signature verification key");
  EXPECT_EQ(error_of("{\"keys\":{}}"), "keys: expected array");
  EXPECT_EQ(error_of("[]"), "expected a JWK Set object");
  EXPECT_EQ(error_of("{\"keys\":[],\"keys\":[]}"),
            "not JSON (or a name repeats in an object, or nesting is too deep)");
}

TEST(Jwks, RefusesAPointThatIsNotOnTheCurve) {
  std::string x = "\"" + std::string(43, 'A') + "\"";  // 32 zero bytes
  auto error = error_of(set_of("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":" + x + ",\"y\":" + x + "}"));
  EXPECT_EQ(error, "keys[0].x: not a point on the curve");
}

TEST(VerifierCreate, NamesTheOptionInEveryError) {
  TempDir dir;
  auto& k = keys();
  auto error = [](const VerifierOptions& o) {
    auto r = Verifier::create(o);
    EXPECT_FALSE(r.ok());
    return r.error;
  };
  std::string jwks = dir.write("bad.json", set_of(k.rsa->public_jwk("\"kid\":\"a\""),
                                                  "{\"kty\":\"RSA\",\"n\":\"x=\",\"e\":\"AQAB\"}"));
  EXPECT_EQ(error({.algorithms = {"RS256"}, .jwks_file = jwks}),
            "jwks_file: keys[1].n: not base64url");
  EXPECT_EQ(error({.secret = k.secret}), "algorithms: required, for example [\"RS256\"]");
  EXPECT_EQ(error({.algorithms = {"HS256", "none"}, .secret = k.secret}),
            "algorithms[1]: \"none\" is never accepted");
  EXPECT_EQ(error({.algorithms = {"hs256"}, .secret = k.secret}),
            "algorithms[0]: unknown algorithm \"hs256\"");
  EXPECT_EQ(error({.algorithms = {"HS256"}}),
            "secret, public_key_file or jwks_file: one is required");
  EXPECT_EQ(error({.algorithms = {"HS512"}, .secret = std::string(40, 's')}),
            "secret: 40 bytes, shorter than the 64 that HS512 requires (RFC 7518 section 3.2)");
  EXPECT_EQ(error({.algorithms = {"RS256"}, .secret = k.secret}),
            "secret: algorithms lists none of HS256, HS384, HS512");
  std::string pem = dir.write("rsa.pem", k.rsa->public_pem());
  EXPECT_EQ(error({.algorithms = {"RS256", "ES256"}, .public_key_file = pem}),
            "algorithms[1]: no key in secret, public_key_file or jwks_file verifies ES256");
  EXPECT_EQ(error({.algorithms = {"RS256"}, .public_key_file = dir.write("x.pem", "junk")}),
            "public_key_file: " + dir.write("x.pem", "junk") + ": not a PEM or DER public key");
  EXPECT_EQ(error({.algorithms = {"RS256"}, .public_key_file = pem, .audience = {"a", ""}}),
            "audience[1]: empty");
  EXPECT_EQ(error({.algorithms = {"RS256"}, .public_key_file = pem, .leeway_ms = kMaxLeewayMs + 1}),
            "leeway_ms: at most 86400000 (one day)");
  EXPECT_EQ(error({.algorithms = {"RS256"}, .public_key_file = pem,
                   .cache_entries = kMaxCacheEntries + 1}),
            "cache_entries: at most 1048576");
  EXPECT_NE(error({.algorithms = {"RS256"}, .jwks_file = "/nonexistent/keys.json"})
                .find("jwks_file: cannot open /nonexistent/keys.json"),
            std::string::npos);
}

TEST(VerifierCreate, RefusesRsaKeysUnder2048Bits) {
  TempDir dir;
  Random random;
  auto small = PrivateKey::rsa(random, 1024);
  auto r = Verifier::create({.algorithms = {"RS256"},
                             .public_key_file = dir.write("small.pem", small->public_pem())});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error,
            "public_key_file: RSA key of 1024 bits; at least 2048 are required (RFC 7518 section 3.3)");
}
