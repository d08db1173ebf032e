// base64url without padding, the encoding of every part of a JWS
// (RFC 7515 section 2, RFC 4648 section 5).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace weir::jwt {

// Decodes `text` into `out` (replaced). Refuses padding, white space, any byte
// outside the URL-safe alphabet, a length of 4n+1, and non-zero bits after the
// last full byte, so one byte string has exactly one accepted encoding.
bool base64url_decode(std::string_view text, std::string& out);

// Decoded size for an encoded length, without validating anything.
constexpr size_t base64url_decoded_size(size_t encoded) noexcept {
  return encoded / 4 * 3 + (encoded % 4 == 0 ? 0 : encoded % 4 - 1);
}

std::string base64url_encode(std::string_view bytes);

}  // namespace weir::jwt
