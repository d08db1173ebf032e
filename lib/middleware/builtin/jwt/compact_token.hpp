// The JWS Compact Serialization (RFC 7515 section 7.1) taken apart: three
// base64url parts, and the JOSE header read from the first.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "middleware/builtin/jwt/algorithm.hpp"
#include "middleware/builtin/jwt/verify_error.hpp"

namespace weir::jwt {

// Longer tokens are refused before any decoding: real ones are well under
// 2 KiB, and a bound keeps every later step's cost small.
inline constexpr size_t kMaxTokenBytes = 8 * 1024;

struct CompactParts {
  std::string_view header;         // base64url
  std::string_view payload;        // base64url
  std::string_view signature;      // base64url
  std::string_view signing_input;  // header '.' payload (section 5.1 step 5)
};

// Exactly two dots, and non-empty parts (an empty signature is the
// unsecured JWS of RFC 7519 section 6, which is never accepted). Five parts
// would be a JWE, which is not a signed token.
bool split_compact(std::string_view token, CompactParts& out) noexcept;

struct JoseHeader {
  const AlgorithmInfo* alg = nullptr;
  std::string kid;
  bool has_kid = false;
};

struct HeaderVerdict {
  VerifyError error = VerifyError::none;
  std::string_view message;  // static text
};

// Decodes and reads the header (RFC 7515 section 4.1): a JSON object with a
// string `alg` that names a known algorithm ("none" is unsupported_alg), an
// optional string `kid`, and no `crit` (section 4.1.11: extensions weir does
// not understand make the JWS invalid). `jwk`, `jku`, `x5u` and `x5c` are
// ignored: a key never comes from the token it would verify.
HeaderVerdict parse_header(std::string_view header_b64, JoseHeader& out);

}  // namespace weir::jwt
