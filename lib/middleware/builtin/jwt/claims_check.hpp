// The registered claims a gateway checks (RFC 7519 section 4.1): the time
// window, the issuer and the audience.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <picojson.h>

#include "middleware/builtin/jwt/verify_error.hpp"

namespace weir::jwt {

struct ClaimsPolicy {
  std::string issuer;                 // empty: iss is not checked
  std::vector<std::string> audience;  // empty: aud is not checked
  uint64_t leeway_ms = 0;
};

struct ClaimsVerdict {
  VerifyError error = VerifyError::none;
  std::string_view message;  // static text
  // The first time (ms) at which the token is expired, leeway included;
  // INT64_MAX for a token without exp. Meaningful when error is none.
  int64_t valid_until_ms = INT64_MAX;
};

// exp, nbf and iat are optional, but when present they must be numbers
// (NumericDate, seconds, RFC 7519 section 2); a claim of the wrong type is
// malformed, not ignored.
ClaimsVerdict check_claims(const picojson::object& claims, const ClaimsPolicy& policy,
                           int64_t now_ms);

}  // namespace weir::jwt
