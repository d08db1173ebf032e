#include "middleware/builtin/jwt/jwk.hpp"

#include <array>

#include <mbedtls/bignum.h>

#include "middleware/builtin/jwt/base64url.hpp"

namespace weir::jwt {

namespace {

using JwkResult = Result<std::optional<Key>>;

std::string at(std::string_view path, std::string_view member) {
  std::string out(path);
  out += '.';
  out += member;
  return out;
}

JwkResult fail(std::string_view path, std::string_view member, std::string_view why) {
  return JwkResult::failure(at(path, member) + ": " + std::string(why));
}

// Reads an optional string member: nullptr when absent, `bad` when present
// but not a string.
const std::string* optional_string(const picojson::object& obj, const char* name, bool& bad) {
  auto it = obj.find(name);
  if (it == obj.end()) return nullptr;
  if (!it->second.is<std::string>()) {
    bad = true;
    return nullptr;
  }
  return &it->second.get<std::string>();
}

// A required base64url member, decoded into `out`. Returns "" or the error.
std::string decode_member(const picojson::object& obj, std::string_view path, const char* name,
                          std::string& out) {
  auto it = obj.find(name);
  if (it == obj.end()) return at(path, name) + ": required";
  if (!it->second.is<std::string>()) return at(path, name) + ": expected string";
  if (!base64url_decode(it->second.get<std::string>(), out) || out.empty()) {
    return at(path, name) + ": not base64url";
  }
  return {};
}

// The RFC 7518 section 6.2.1.1 curve names weir verifies with, and the
// algorithm defined on each.
const AlgorithmInfo* algorithm_for_curve(std::string_view crv) {
  if (crv == "P-256") return &algorithm_info(Algorithm::ES256);
  if (crv == "P-384") return &algorithm_info(Algorithm::ES384);
  if (crv == "P-521") return &algorithm_info(Algorithm::ES512);
  return nullptr;
}

// RFC 7518 sections 6.2.2 and 6.3.2: private members have no place in a set
// of verification keys, and their presence means a secret was published.
std::string private_member(const picojson::object& obj, std::string_view path) {
  static constexpr std::array<const char*, 6> kPrivate = {"d", "p", "q", "dp", "dq", "qi"};
  for (const char* name : kPrivate) {
    if (obj.count(name) != 0) return at(path, name) + ": private key material in a verification key";
  }
  return {};
}

JwkResult rsa_key(const picojson::object& obj, std::string_view path, Key key) {
  if (auto err = private_member(obj, path); !err.empty()) return JwkResult::failure(err);
  std::string n_bytes, e_bytes;
  if (auto err = decode_member(obj, path, "n", n_bytes); !err.empty()) return JwkResult::failure(err);
  if (auto err = decode_member(obj, path, "e", e_bytes); !err.empty()) return JwkResult::failure(err);
  mbedtls_mpi n, e;
  mbedtls_mpi_init(&n);
  mbedtls_mpi_init(&e);
  JwkResult out;
  if (mbedtls_mpi_read_binary(&n, reinterpret_cast<const unsigned char*>(n_bytes.data()),
                              n_bytes.size()) != 0 ||
      mbedtls_mpi_read_binary(&e, reinterpret_cast<const unsigned char*>(e_bytes.data()),
                              e_bytes.size()) != 0) {
    out = fail(path, "n", "too large");
  } else if (auto rsa = RsaPublicKey::create(n, e); !rsa.ok()) {
    out = fail(path, "n", rsa.error);
  } else {
    key.family = KeyFamily::rsa;
    key.rsa = std::move(rsa.value);
    out = JwkResult::success(std::move(key));
  }
  mbedtls_mpi_free(&n);
  mbedtls_mpi_free(&e);
  return out;
}

JwkResult ec_key(const picojson::object& obj, std::string_view path, Key key) {
  bool bad = false;
  const std::string* crv = optional_string(obj, "crv", bad);
  if (bad) return fail(path, "crv", "expected string");
  if (crv == nullptr) return fail(path, "crv", "required");
  const AlgorithmInfo* info = algorithm_for_curve(*crv);
  if (info == nullptr) return JwkResult::success(std::nullopt);
  if (key.alg && *key.alg != info->id) {
    return fail(path, "alg", "does not match crv " + *crv + " (RFC 7518 section 3.4)");
  }
  if (auto err = private_member(obj, path); !err.empty()) return JwkResult::failure(err);
  std::string x, y;
  if (auto err = decode_member(obj, path, "x", x); !err.empty()) return JwkResult::failure(err);
  if (auto err = decode_member(obj, path, "y", y); !err.empty()) return JwkResult::failure(err);
  // RFC 7518 sections 6.2.1.2 and 6.2.1.3: each coordinate is exactly the
  // size of the curve's field, leading zeros included.
  const std::string size = std::to_string(info->coordinate_bytes) + " bytes for " + *crv;
  if (x.size() != info->coordinate_bytes) return fail(path, "x", "expected " + size);
  if (y.size() != info->coordinate_bytes) return fail(path, "y", "expected " + size);
  auto ec = EcPublicKey::create(info->curve, std::string("\x04", 1) + x + y);
  if (!ec.ok()) return fail(path, "x", ec.error);
  key.family = KeyFamily::ec;
  key.ec = std::move(ec.value);
  return JwkResult::success(std::move(key));
}

JwkResult oct_key(const picojson::object& obj, std::string_view path, Key key) {
  std::string k;
  if (auto err = decode_member(obj, path, "k", k); !err.empty()) return JwkResult::failure(err);
  if (key.alg && k.size() < algorithm_info(*key.alg).hash_bytes) {
    return fail(path, "k", "shorter than the hash of " +
                               std::string(algorithm_info(*key.alg).name) +
                               " (RFC 7518 section 3.2)");
  }
  key.family = KeyFamily::hmac;
  key.secret = std::move(k);
  return JwkResult::success(std::move(key));
}

}  // namespace

Result<std::optional<Key>> parse_jwk(const picojson::value& jwk, std::string_view path) {
  if (!jwk.is<picojson::object>()) return JwkResult::failure(std::string(path) + ": expected object");
  const auto& obj = jwk.get<picojson::object>();
  bool bad = false;

  const std::string* kty = optional_string(obj, "kty", bad);
  if (bad) return fail(path, "kty", "expected string");
  if (kty == nullptr) return fail(path, "kty", "required");

  // RFC 7517 section 4.2: "sig" or absent is a signature key.
  const std::string* use = optional_string(obj, "use", bad);
  if (bad) return fail(path, "use", "expected string");
  if (use != nullptr && *use != "sig") return JwkResult::success(std::nullopt);

  // RFC 7517 section 4.3: when key_ops is present, it must allow "verify".
  if (auto it = obj.find("key_ops"); it != obj.end()) {
    if (!it->second.is<picojson::array>()) return fail(path, "key_ops", "expected array");
    bool verify = false;
    for (const auto& op : it->second.get<picojson::array>()) {
      if (!op.is<std::string>()) return fail(path, "key_ops", "expected array of strings");
      verify = verify || op.get<std::string>() == "verify";
    }
    if (!verify) return JwkResult::success(std::nullopt);
  }

  Key key;
  key.origin = std::string(path);
  const std::string* kid = optional_string(obj, "kid", bad);
  if (bad) return fail(path, "kid", "expected string");
  if (kid != nullptr) key.kid = *kid;

  const std::string* alg = optional_string(obj, "alg", bad);
  if (bad) return fail(path, "alg", "expected string");
  if (alg != nullptr) {
    if (*alg == "none") return fail(path, "alg", "\"none\" is never accepted");
    const AlgorithmInfo* info = find_algorithm(*alg);
    // An unknown alg is most often an encryption one (RSA-OAEP, ECDH-ES):
    // not a key for weir, like an unknown kty.
    if (info == nullptr) return JwkResult::success(std::nullopt);
    key.alg = info->id;
  }

  KeyFamily family;
  if (*kty == "RSA") {
    family = KeyFamily::rsa;
  } else if (*kty == "EC") {
    family = KeyFamily::ec;
  } else if (*kty == "oct") {
    family = KeyFamily::hmac;
  } else {
    return JwkResult::success(std::nullopt);
  }
  if (key.alg && algorithm_info(*key.alg).family != family) {
    return fail(path, "alg", *alg + " does not fit kty " + *kty);
  }
  switch (family) {
    case KeyFamily::rsa: return rsa_key(obj, path, std::move(key));
    case KeyFamily::ec: return ec_key(obj, path, std::move(key));
    case KeyFamily::hmac: return oct_key(obj, path, std::move(key));
  }
  return JwkResult::success(std::nullopt);
}

}  // namespace weir::jwt
