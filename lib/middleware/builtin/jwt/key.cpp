#include "middleware/builtin/jwt/key.hpp"

namespace weir::jwt {

bool Key::accepts(const AlgorithmInfo& info) const noexcept {
  if (family != info.family) return false;
  if (alg && *alg != info.id) return false;
  if (family == KeyFamily::ec) return ec && ec->curve() == info.curve;
  if (family == KeyFamily::rsa) return rsa != nullptr;
  // RFC 7518 section 3.2: the key must be at least as long as the hash.
  return secret.size() >= info.hash_bytes;
}

}  // namespace weir::jwt
