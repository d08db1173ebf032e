#include "middleware/builtin/jwt/key_set.hpp"

namespace weir::jwt {

bool KeySet::any_accepts(const AlgorithmInfo& info) const noexcept {
  for (const auto& key : keys_) {
    if (key.accepts(info)) return true;
  }
  return false;
}

KeyLookup KeySet::find(const AlgorithmInfo& alg, std::string_view kid,
                       bool has_kid) const noexcept {
  if (has_kid) {
    bool kid_known = false;
    for (const auto& key : keys_) {
      if (key.kid.empty() || key.kid != kid) continue;
      kid_known = true;
      // Several keys may share a kid if they differ in type (RFC 7517
      // section 4.5); the creation of the set refuses two of one family.
      if (key.accepts(alg)) return {KeyChoice::found, &key};
    }
    if (kid_known) return {KeyChoice::no_key_for_alg, nullptr};
  }
  const Key* only = nullptr;
  size_t candidates = 0;
  for (const auto& key : keys_) {
    if (has_kid && !key.kid.empty()) continue;
    if (!key.accepts(alg)) continue;
    only = &key;
    ++candidates;
  }
  if (candidates == 1) return {KeyChoice::found, only};
  if (candidates > 1) return {has_kid ? KeyChoice::unknown_kid : KeyChoice::ambiguous, nullptr};
  return {has_kid ? KeyChoice::unknown_kid : KeyChoice::no_key_for_alg, nullptr};
}

}  // namespace weir::jwt
