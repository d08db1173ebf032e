// The keys of one verifier and the choice of the key for one token.
#pragma once

#include <string_view>
#include <vector>

#include "middleware/builtin/jwt/key.hpp"

namespace weir::jwt {

enum class KeyChoice { found, unknown_kid, ambiguous, no_key_for_alg };

struct KeyLookup {
  KeyChoice choice = KeyChoice::no_key_for_alg;
  const Key* key = nullptr;
};

class KeySet {
 public:
  void add(Key key) { keys_.push_back(std::move(key)); }
  const std::vector<Key>& keys() const noexcept { return keys_; }
  bool any_accepts(const AlgorithmInfo& info) const noexcept;

  // The one key for a token signed with `alg`:
  // - with a kid: the key with that kid, else the single key of the set that
  //   has no kid (a secret or a PEM file names none), else unknown_kid;
  // - without a kid: the only key that accepts `alg`; several are ambiguous,
  //   since trying each would multiply the cost of every forged token.
  // A key whose family differs from the algorithm's is never chosen.
  KeyLookup find(const AlgorithmInfo& alg, std::string_view kid, bool has_kid) const noexcept;

 private:
  std::vector<Key> keys_;
};

}  // namespace weir::jwt
