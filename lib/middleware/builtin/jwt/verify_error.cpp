#include "middleware/builtin/jwt/verify_error.hpp"

namespace weir::jwt {

std::string_view verify_error_name(VerifyError error) noexcept {
  switch (error) {
    case VerifyError::none: return "none";
    case VerifyError::too_large: return "too_large";
    case VerifyError::malformed: return "malformed";
    case VerifyError::unsupported_alg: return "unsupported_alg";
    case VerifyError::alg_not_allowed: return "alg_not_allowed";
    case VerifyError::unknown_kid: return "unknown_kid";
    case VerifyError::no_key_for_alg: return "no_key_for_alg";
    case VerifyError::bad_signature: return "bad_signature";
    case VerifyError::expired: return "expired";
    case VerifyError::not_yet_valid: return "not_yet_valid";
    case VerifyError::issued_in_future: return "issued_in_future";
    case VerifyError::bad_issuer: return "bad_issuer";
    case VerifyError::bad_audience: return "bad_audience";
  }
  return "unknown";
}

}  // namespace weir::jwt
