// The JWT verifier behind the `jwt` middleware: a JWS in compact form
// (RFC 7515), its signature by a configured key (RFC 7518), and its
// registered claims (RFC 7519). Built once per middleware instance;
// immutable after creation but for its cache, and safe to call from every
// worker at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "middleware/builtin/jwt/algorithm.hpp"
#include "middleware/builtin/jwt/claims.hpp"
#include "middleware/builtin/jwt/claims_check.hpp"
#include "middleware/builtin/jwt/key_set.hpp"
#include "middleware/builtin/jwt/result.hpp"
#include "middleware/builtin/jwt/token_cache.hpp"
#include "middleware/builtin/jwt/token_front.hpp"
#include "middleware/builtin/jwt/verify_error.hpp"

namespace weir::jwt {

// The `jwt` middleware options of the config (docs/jwt.md).
struct VerifierOptions {
  std::vector<std::string> algorithms;  // required; "none" is refused
  std::string secret;                   // HS* key, its bytes as written
  std::string public_key_file;          // PEM RSA or EC public key
  std::string jwks_file;                // RFC 7517 JWK Set
  std::string issuer;                   // exact iss, when not empty
  std::vector<std::string> audience;    // one must be in aud, when not empty
  uint64_t leeway_ms = 0;               // allowed clock skew for exp/nbf/iat
  size_t cache_entries = 4096;          // verified tokens remembered; 0: none
};

inline constexpr uint64_t kMaxLeewayMs = 24 * 60 * 60 * 1000;
inline constexpr size_t kMaxCacheEntries = 1 << 20;

struct VerifyResult {
  VerifyError error = VerifyError::none;
  // Static text for error_description (RFC 6750 section 3): it says what
  // was wrong without echoing any part of the token.
  std::string_view message;
  // Set when ok(); shared with the cache, never modified.
  std::shared_ptr<const Claims> claims;
  bool from_cache = false;

  bool ok() const noexcept { return error == VerifyError::none; }
};

class Verifier {
 public:
  // Errors name the option: `jwks_file: keys[1].n: not base64url`.
  static Result<std::shared_ptr<const Verifier>> create(const VerifierOptions& options);

  // Verifies a token (the credentials of an `Authorization: Bearer` header,
  // RFC 6750 section 2.1) at wall-clock time `now_ms` (ms since the epoch).
  VerifyResult verify(std::string_view token, int64_t now_ms) const;
  // The claims of `token` when it verified before and is still valid at
  // `now_ms` (the cache); nullptr otherwise. A token found here needs no
  // other check: it is byte for byte one that verify() accepted.
  std::shared_ptr<const Claims> cached(std::string_view token, int64_t now_ms) const;
  // The same for an exchange on the calling thread, held without a lock or
  // an atomic count: from the thread's front of the cache, else from the
  // cache (and then put in the front). Null when not cached.
  TokenFronts::Ref cached_here(std::string_view token, int64_t now_ms) const;

  const KeySet& keys() const noexcept { return keys_; }
  size_t cache_capacity() const noexcept { return cache_->capacity(); }
  size_t front_entries() const noexcept { return fronts_->entries(); }

  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

 private:
  Verifier() = default;
  VerifyResult verify_uncached(std::string_view token, int64_t now_ms,
                               int64_t& valid_until_ms) const;

  AlgorithmSet allowed_;
  KeySet keys_;
  ClaimsPolicy policy_;
  std::unique_ptr<TokenCache> cache_;  // internally synchronised
  std::unique_ptr<TokenFronts> fronts_;  // one per thread
};

}  // namespace weir::jwt
