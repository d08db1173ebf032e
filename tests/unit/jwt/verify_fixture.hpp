// Shared pieces of the verifier tests: a fixed clock, claim sets, and
// verifiers over the test keys written to files.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "middleware/builtin/jwt/verifier.hpp"
#include "test_keys.hpp"

namespace weir::jwt::test {

// 2023-11-14T22:13:20Z; tokens are valid for an hour around it.
inline constexpr int64_t kNowMs = 1'700'000'000'000;
inline constexpr int64_t kNowS = kNowMs / 1000;

inline std::string claims_json(int64_t exp_s = kNowS + 3600, const std::string& extra = "") {
  return "{\"sub\":\"user-7\",\"iss\":\"https://issuer.example\",\"aud\":\"api\",\"iat\":" +
         std::to_string(kNowS - 60) + ",\"exp\":" + std::to_string(exp_s) +
         (extra.empty() ? "" : "," + extra) + "}";
}

inline std::string header_json(Algorithm alg, const std::string& extra = "") {
  return "{\"alg\":\"" + std::string(algorithm_info(alg).name) + "\",\"typ\":\"JWT\"" +
         (extra.empty() ? "" : "," + extra) + "}";
}

inline std::string token(Algorithm alg, const std::string& payload = claims_json(),
                         const std::string& header_extra = "") {
  auto& k = keys();
  return sign(k.random, alg, header_json(alg, header_extra), payload, k.for_algorithm(alg),
              k.secret);
}

inline std::shared_ptr<const Verifier> make_verifier(VerifierOptions options) {
  auto r = Verifier::create(options);
  // Thrown so that the test fails here rather than on a null verifier.
  if (!r.ok()) throw std::runtime_error("Verifier::create: " + r.error);
  return r.value;
}

}  // namespace weir::jwt::test
