// The registered claims (RFC 7519 section 4.1): time window with leeway,
// issuer, audience; and the claims a verified token exposes.
#include <gtest/gtest.h>

#include <string>

#include "verify_fixture.hpp"

using namespace weir::jwt;
using namespace weir::jwt::test;

namespace {

std::string payload(const std::string& members) { return "{" + members + "}"; }
std::string at(int64_t seconds_from_now) { return std::to_string(kNowS + seconds_from_now); }

class ClaimChecks : public ::testing::Test {
 protected:
  std::shared_ptr<const Verifier> verifier(uint64_t leeway_ms = 0, std::string issuer = "",
                                           std::vector<std::string> audience = {}) {
    return make_verifier({.algorithms = {"HS256"},
                          .secret = keys().secret,
                          .issuer = std::move(issuer),
                          .audience = std::move(audience),
                          .leeway_ms = leeway_ms,
                          .cache_entries = 0});
  }
  VerifyError check(const std::shared_ptr<const Verifier>& v, const std::string& claims,
                    int64_t now_ms = kNowMs) {
    return v->verify(token(Algorithm::HS256, claims), now_ms).error;
  }
};

}  // namespace

TEST_F(ClaimChecks, ExpIsExclusiveAndLeewayExtendsIt) {
  auto strict = verifier();
  EXPECT_EQ(check(strict, payload("\"exp\":" + at(0))), VerifyError::expired);
  EXPECT_EQ(check(strict, payload("\"exp\":" + at(-1))), VerifyError::expired);
  EXPECT_EQ(check(strict, payload("\"exp\":" + at(1))), VerifyError::none);
  EXPECT_EQ(check(strict, payload("\"exp\":" + at(1)), kNowMs + 999), VerifyError::none);
  EXPECT_EQ(check(strict, payload("\"exp\":" + at(1)), kNowMs + 1000), VerifyError::expired);
  auto lenient = verifier(30'000);
  EXPECT_EQ(check(lenient, payload("\"exp\":" + at(-29))), VerifyError::none);
  EXPECT_EQ(check(lenient, payload("\"exp\":" + at(-30))), VerifyError::expired);
  // Fractional NumericDate (RFC 7519 section 2).
  EXPECT_EQ(check(strict, payload("\"exp\":" + at(0) + ".5")), VerifyError::none);
  EXPECT_EQ(check(strict, payload("\"exp\":" + at(0) + ".5"), kNowMs + 500), VerifyError::expired);
}

TEST_F(ClaimChecks, NbfAndIatMustNotBeInTheFutureBeyondLeeway) {
  auto strict = verifier();
  EXPECT_EQ(check(strict, payload("\"nbf\":" + at(0))), VerifyError::none);
  EXPECT_EQ(check(strict, payload("\"nbf\":" + at(1))), VerifyError::not_yet_valid);
  EXPECT_EQ(check(strict, payload("\"iat\":" + at(0))), VerifyError::none);
  EXPECT_EQ(check(strict, payload("\"iat\":" + at(5))), VerifyError::issued_in_future);
  auto lenient = verifier(10'000);
  EXPECT_EQ(check(lenient, payload("\"nbf\":" + at(10))), VerifyError::none);
  EXPECT_EQ(check(lenient, payload("\"nbf\":" + at(11))), VerifyError::not_yet_valid);
  EXPECT_EQ(check(lenient, payload("\"iat\":" + at(10))), VerifyError::none);
  EXPECT_EQ(check(lenient, payload("\"iat\":" + at(11))), VerifyError::issued_in_future);
}

TEST_F(ClaimChecks, TimeClaimsMustBeNumbers) {
  auto v = verifier();
  EXPECT_EQ(check(v, payload("\"exp\":\"" + at(60) + "\"")), VerifyError::malformed);
  EXPECT_EQ(check(v, payload("\"nbf\":null")), VerifyError::malformed);
  EXPECT_EQ(check(v, payload("\"iat\":[1]")), VerifyError::malformed);
  EXPECT_EQ(check(v, payload("")), VerifyError::none);  // all optional
}

TEST_F(ClaimChecks, IssuerIsComparedExactly) {
  auto v = verifier(0, "https://issuer.example");
  EXPECT_EQ(check(v, claims_json()), VerifyError::none);
  EXPECT_EQ(check(v, payload("\"iss\":\"https://issuer.example/\"")), VerifyError::bad_issuer);
  EXPECT_EQ(check(v, payload("\"iss\":\"HTTPS://issuer.example\"")), VerifyError::bad_issuer);
  EXPECT_EQ(check(v, payload("\"iss\":1")), VerifyError::bad_issuer);
  EXPECT_EQ(check(v, payload("\"sub\":\"x\"")), VerifyError::bad_issuer);
  // Without an issuer option, any iss passes.
  EXPECT_EQ(check(verifier(), payload("\"iss\":\"elsewhere\"")), VerifyError::none);
}

TEST_F(ClaimChecks, AudienceIsAStringOrAnArrayThatMustIntersect) {
  auto v = verifier(0, "", {"api", "admin"});
  EXPECT_EQ(check(v, payload("\"aud\":\"api\"")), VerifyError::none);
  EXPECT_EQ(check(v, payload("\"aud\":[\"other\",\"admin\"]")), VerifyError::none);
  EXPECT_EQ(check(v, payload("\"aud\":\"apis\"")), VerifyError::bad_audience);
  EXPECT_EQ(check(v, payload("\"aud\":[\"other\"]")), VerifyError::bad_audience);
  EXPECT_EQ(check(v, payload("\"aud\":[]")), VerifyError::bad_audience);
  EXPECT_EQ(check(v, payload("\"aud\":[\"api\",7]")), VerifyError::bad_audience);
  EXPECT_EQ(check(v, payload("\"aud\":{\"api\":1}")), VerifyError::bad_audience);
  EXPECT_EQ(check(v, payload("\"sub\":\"x\"")), VerifyError::bad_audience);
}

TEST_F(ClaimChecks, ExposesTopLevelScalarsAsText) {
  auto v = verifier();
  auto r = v->verify(token(Algorithm::HS256,
                           payload("\"sub\":\"u-1\",\"uid\":12345678901,\"ratio\":0.5,"
                                   "\"admin\":false,\"roles\":[\"a\"],\"org\":{\"id\":1},"
                                   "\"gone\":null")),
                     kNowMs);
  ASSERT_TRUE(r.ok()) << r.message;
  const auto& c = *r.claims;
  ASSERT_NE(c.text("sub"), nullptr);
  EXPECT_EQ(*c.text("sub"), "u-1");
  ASSERT_NE(c.text("uid"), nullptr);
  EXPECT_EQ(*c.text("uid"), "12345678901");
  ASSERT_NE(c.text("ratio"), nullptr);
  EXPECT_EQ(*c.text("ratio"), "0.5");
  ASSERT_NE(c.text("admin"), nullptr);
  EXPECT_EQ(*c.text("admin"), "false");
  EXPECT_EQ(c.text("roles"), nullptr);
  EXPECT_EQ(c.text("org"), nullptr);
  EXPECT_EQ(c.text("gone"), nullptr);
  EXPECT_EQ(c.text("missing"), nullptr);
  EXPECT_EQ(c.texts().size(), 4u);
  EXPECT_TRUE(c.object().at("roles").is<picojson::array>());
}
