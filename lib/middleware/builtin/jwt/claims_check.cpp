#include "middleware/builtin/jwt/claims_check.hpp"

#include <algorithm>
#include <cmath>

namespace weir::jwt {

namespace {

enum class Presence { absent, number, wrong_type };

// NumericDate seconds as milliseconds, in double: JSON numbers are doubles
// here, and a double holds any millisecond time of the next 280 000 years.
Presence numeric_date_ms(const picojson::object& claims, const char* name, double& ms) {
  auto it = claims.find(name);
  if (it == claims.end()) return Presence::absent;
  if (!it->second.is<double>()) return Presence::wrong_type;
  ms = it->second.get<double>() * 1000.0;
  return Presence::number;
}

bool audience_matches(const picojson::value& aud, const std::vector<std::string>& accepted,
                      bool& wrong_type) {
  auto accepted_has = [&](const std::string& a) {
    return std::find(accepted.begin(), accepted.end(), a) != accepted.end();
  };
  // RFC 7519 section 4.1.3: a string or an array of strings.
  if (aud.is<std::string>()) return accepted_has(aud.get<std::string>());
  if (!aud.is<picojson::array>()) {
    wrong_type = true;
    return false;
  }
  bool match = false;
  for (const auto& item : aud.get<picojson::array>()) {
    if (!item.is<std::string>()) {
      wrong_type = true;
      return false;
    }
    match = match || accepted_has(item.get<std::string>());
  }
  return match;
}

ClaimsVerdict refuse(VerifyError error, std::string_view message) {
  return ClaimsVerdict{error, message, 0};
}

}  // namespace

ClaimsVerdict check_claims(const picojson::object& claims, const ClaimsPolicy& policy,
                           int64_t now_ms) {
  const double now = static_cast<double>(now_ms);
  const double leeway = static_cast<double>(policy.leeway_ms);
  ClaimsVerdict verdict;

  double exp = 0;
  switch (numeric_date_ms(claims, "exp", exp)) {
    case Presence::wrong_type: return refuse(VerifyError::malformed, "exp is not a number");
    case Presence::number: {
      // RFC 7519 section 4.1.4: the current time MUST be before exp.
      const double until = exp + leeway;
      if (now >= until) return refuse(VerifyError::expired, "the token has expired");
      // now < until holds for an integer now exactly when now < ceil(until).
      const double limit = std::ceil(until);
      verdict.valid_until_ms =
          limit >= 9.2e18 ? INT64_MAX : static_cast<int64_t>(limit);
      break;
    }
    case Presence::absent: break;
  }

  double nbf = 0;
  switch (numeric_date_ms(claims, "nbf", nbf)) {
    case Presence::wrong_type: return refuse(VerifyError::malformed, "nbf is not a number");
    case Presence::number:
      // Section 4.1.5: valid on or after nbf.
      if (now + leeway < nbf) return refuse(VerifyError::not_yet_valid, "the token is not valid yet");
      break;
    case Presence::absent: break;
  }

  double iat = 0;
  switch (numeric_date_ms(claims, "iat", iat)) {
    case Presence::wrong_type: return refuse(VerifyError::malformed, "iat is not a number");
    case Presence::number:
      // Section 4.1.6 only defines iat; a token issued in the future comes
      // from a skewed or forged issuer, and is refused like an early nbf.
      if (now + leeway < iat) {
        return refuse(VerifyError::issued_in_future, "the token was issued in the future");
      }
      break;
    case Presence::absent: break;
  }

  if (!policy.issuer.empty()) {
    // Section 4.1.1: a case-sensitive string, compared exactly.
    auto it = claims.find("iss");
    if (it == claims.end() || !it->second.is<std::string>() ||
        it->second.get<std::string>() != policy.issuer) {
      return refuse(VerifyError::bad_issuer, "the issuer is not accepted");
    }
  }

  if (!policy.audience.empty()) {
    auto it = claims.find("aud");
    bool wrong_type = false;
    if (it == claims.end() || !audience_matches(it->second, policy.audience, wrong_type)) {
      return refuse(VerifyError::bad_audience, wrong_type ? "aud is not a string or an array of strings"
                                                          : "the audience is not accepted");
    }
  }
  return verdict;
}

}  // namespace weir::jwt
