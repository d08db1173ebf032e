// Why a token was refused. Every refusal is a 401 with error="invalid_token"
// (RFC 6750 section 3.1); the code is for metrics and logs, the message for
// error_description.
#pragma once

#include <cstdint>
#include <string_view>

namespace weir::jwt {

enum class VerifyError : uint8_t {
  none,
  too_large,         // over kMaxTokenBytes
  malformed,         // segments, base64url, JSON, header or claim types
  unsupported_alg,   // "none" or a name weir does not implement
  alg_not_allowed,   // known, but not in `algorithms`
  unknown_kid,       // no key with that kid, or no kid and several keys fit
  no_key_for_alg,    // no key of the algorithm's family (or curve, or alg)
  bad_signature,
  expired,           // exp (RFC 7519 section 4.1.4)
  not_yet_valid,     // nbf (section 4.1.5)
  issued_in_future,  // iat later than now (section 4.1.6)
  bad_issuer,        // iss (section 4.1.1)
  bad_audience,      // aud (section 4.1.3)
};

// A stable snake_case name: "bad_signature".
std::string_view verify_error_name(VerifyError error) noexcept;

}  // namespace weir::jwt
