#include "middleware/builtin/jwt/verifier.hpp"

#include <string>

#include "middleware/builtin/jwt/base64url.hpp"
#include "middleware/builtin/jwt/compact_token.hpp"
#include "middleware/builtin/jwt/jwks.hpp"
#include "middleware/builtin/jwt/key_file.hpp"
#include "middleware/builtin/jwt/pem_key.hpp"
#include "middleware/builtin/jwt/signature.hpp"
#include "middleware/builtin/jwt/strict_json.hpp"

namespace weir::jwt {

namespace {

using CreateResult = Result<std::shared_ptr<const Verifier>>;

std::string indexed(const char* option, size_t i) {
  return std::string(option) + "[" + std::to_string(i) + "]";
}

VerifyResult refuse(VerifyError error, std::string_view message) {
  return VerifyResult{error, message, nullptr, false};
}

}  // namespace

CreateResult Verifier::create(const VerifierOptions& options) {
  std::shared_ptr<Verifier> v(new Verifier());

  // An explicit allow-list: the token's own alg header is never trusted to
  // choose the verification (RFC 8725 section 3.1).
  if (options.algorithms.empty()) {
    return CreateResult::failure("algorithms: required, for example [\"RS256\"]");
  }
  for (size_t i = 0; i < options.algorithms.size(); ++i) {
    const std::string& name = options.algorithms[i];
    if (name == "none") {
      return CreateResult::failure(indexed("algorithms", i) + ": \"none\" is never accepted");
    }
    const AlgorithmInfo* info = find_algorithm(name);
    if (info == nullptr) {
      return CreateResult::failure(indexed("algorithms", i) + ": unknown algorithm \"" + name +
                                   "\"");
    }
    v->allowed_.add(info->id);
  }

  if (options.secret.empty() && options.public_key_file.empty() && options.jwks_file.empty()) {
    return CreateResult::failure("secret, public_key_file or jwks_file: one is required");
  }
  if (!options.secret.empty()) {
    bool any_hmac = false;
    for (const auto& name : options.algorithms) {
      const AlgorithmInfo* info = find_algorithm(name);
      if (info->family != KeyFamily::hmac) continue;
      any_hmac = true;
      // RFC 7518 section 3.2: a key at least as long as the hash output.
      if (options.secret.size() < info->hash_bytes) {
        return CreateResult::failure("secret: " + std::to_string(options.secret.size()) +
                                     " bytes, shorter than the " +
                                     std::to_string(info->hash_bytes) + " that " + name +
                                     " requires (RFC 7518 section 3.2)");
      }
    }
    if (!any_hmac) {
      return CreateResult::failure("secret: algorithms lists none of HS256, HS384, HS512");
    }
    Key key;
    key.family = KeyFamily::hmac;
    key.origin = "secret";
    key.secret = options.secret;
    v->keys_.add(std::move(key));
  }
  if (!options.public_key_file.empty()) {
    auto key = load_pem_public_key(options.public_key_file);
    if (!key.ok()) return CreateResult::failure("public_key_file: " + key.error);
    v->keys_.add(std::move(key.value));
  }
  if (!options.jwks_file.empty()) {
    auto text = read_key_file(options.jwks_file);
    if (!text.ok()) return CreateResult::failure("jwks_file: " + text.error);
    auto keys = parse_jwks(text.value);
    if (!keys.ok()) return CreateResult::failure("jwks_file: " + keys.error);
    for (auto& key : keys.value) {
      key.origin = "jwks_file: " + key.origin;
      v->keys_.add(std::move(key));
    }
  }
  for (size_t i = 0; i < options.algorithms.size(); ++i) {
    const AlgorithmInfo* info = find_algorithm(options.algorithms[i]);
    if (!v->keys_.any_accepts(*info)) {
      return CreateResult::failure(indexed("algorithms", i) + ": no key in secret, " +
                                   "public_key_file or jwks_file verifies " +
                                   options.algorithms[i]);
    }
  }

  for (size_t i = 0; i < options.audience.size(); ++i) {
    if (options.audience[i].empty()) {
      return CreateResult::failure(indexed("audience", i) + ": empty");
    }
  }
  if (options.leeway_ms > kMaxLeewayMs) {
    return CreateResult::failure("leeway_ms: at most " + std::to_string(kMaxLeewayMs) +
                                 " (one day)");
  }
  if (options.cache_entries > kMaxCacheEntries) {
    return CreateResult::failure("cache_entries: at most " + std::to_string(kMaxCacheEntries));
  }
  v->policy_ = ClaimsPolicy{options.issuer, options.audience, options.leeway_ms};
  v->cache_ = std::make_unique<TokenCache>(options.cache_entries);
  v->fronts_ = std::make_unique<TokenFronts>(options.cache_entries);
  return CreateResult::success(std::move(v));
}

VerifyResult Verifier::verify(std::string_view token, int64_t now_ms) const {
  if (token.empty()) return refuse(VerifyError::malformed, "the token is empty");
  if (token.size() > kMaxTokenBytes) return refuse(VerifyError::too_large, "the token is too large");
  if (auto claims = cached(token, now_ms)) {
    return VerifyResult{VerifyError::none, {}, std::move(claims), true};
  }
  int64_t valid_until_ms = 0;
  VerifyResult result = verify_uncached(token, now_ms, valid_until_ms);
  if (result.ok()) cache_->insert(TokenCache::token_hash(token), token, valid_until_ms, result.claims);
  return result;
}

std::shared_ptr<const Claims> Verifier::cached(std::string_view token, int64_t now_ms) const {
  if (token.empty() || token.size() > kMaxTokenBytes) return nullptr;
  return cache_->find(TokenCache::token_hash(token), token, now_ms);
}

TokenFronts::Ref Verifier::cached_here(std::string_view token, int64_t now_ms) const {
  if (token.empty() || token.size() > kMaxTokenBytes) return {};
  uint64_t hash = TokenCache::token_hash(token);
  if (TokenFronts::Ref e = fronts_->find(hash, token, now_ms)) return e;
  int64_t valid_until_ms = 0;
  std::shared_ptr<const Claims> claims = cache_->find(hash, token, now_ms, &valid_until_ms);
  if (!claims) return {};
  return fronts_->put(hash, token, valid_until_ms, std::move(claims));
}

VerifyResult Verifier::verify_uncached(std::string_view token, int64_t now_ms,
                                       int64_t& valid_until_ms) const {
  // RFC 7515 section 5.2 steps 1-8, then RFC 7519 section 7.2 for claims.
  CompactParts parts;
  if (!split_compact(token, parts)) {
    return refuse(VerifyError::malformed, "the token is not three base64url parts");
  }
  JoseHeader header;
  if (auto verdict = parse_header(parts.header, header); verdict.error != VerifyError::none) {
    return refuse(verdict.error, verdict.message);
  }
  if (!allowed_.contains(header.alg->id)) {
    return refuse(VerifyError::alg_not_allowed, "the algorithm is not accepted");
  }
  KeyLookup lookup = keys_.find(*header.alg, header.kid, header.has_kid);
  switch (lookup.choice) {
    case KeyChoice::found: break;
    case KeyChoice::unknown_kid: return refuse(VerifyError::unknown_kid, "the key id is unknown");
    case KeyChoice::ambiguous:
      return refuse(VerifyError::unknown_kid, "the token names no key id and several keys fit");
    case KeyChoice::no_key_for_alg:
      return refuse(VerifyError::no_key_for_alg, "no key verifies this algorithm");
  }
  std::string signature;
  if (!base64url_decode(parts.signature, signature)) {
    return refuse(VerifyError::malformed, "the signature is not base64url");
  }
  if (!verify_signature(*header.alg, *lookup.key, parts.signing_input, signature)) {
    return refuse(VerifyError::bad_signature, "the signature is not valid");
  }
  // The payload is read only once the signature holds: a forged token's
  // JSON is never parsed.
  std::string payload;
  if (!base64url_decode(parts.payload, payload)) {
    return refuse(VerifyError::malformed, "the payload is not base64url");
  }
  picojson::value doc;
  if (!parse_strict_json(payload, doc) || !doc.is<picojson::object>()) {
    return refuse(VerifyError::malformed, "the claims are not a JSON object");
  }
  ClaimsVerdict verdict = check_claims(doc.get<picojson::object>(), policy_, now_ms);
  if (verdict.error != VerifyError::none) return refuse(verdict.error, verdict.message);
  valid_until_ms = verdict.valid_until_ms;
  auto claims = std::make_shared<const Claims>(std::move(doc.get<picojson::object>()));
  return VerifyResult{VerifyError::none, {}, std::move(claims), false};
}

}  // namespace weir::jwt
