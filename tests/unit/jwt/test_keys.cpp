#include "test_keys.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <dirent.h>
#include <unistd.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/md.h>
#include <mbedtls/rsa.h>

#include "middleware/builtin/jwt/base64url.hpp"

namespace weir::jwt::test {

namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string(what) + " failed: " + std::to_string(rc));
}

std::string mpi_bytes(const mbedtls_mpi& x, size_t size) {
  if (size == 0) size = mbedtls_mpi_size(&x);
  std::string out(size, '\0');
  check(mbedtls_mpi_write_binary(&x, reinterpret_cast<unsigned char*>(out.data()), size),
        "mpi_write_binary");
  return out;
}

}  // namespace

Random::Random() {
  mbedtls_entropy_init(&entropy_);
  mbedtls_ctr_drbg_init(&drbg_);
  static const char kPersonal[] = "weir-jwt-tests";
  check(mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_,
                              reinterpret_cast<const unsigned char*>(kPersonal),
                              sizeof kPersonal - 1),
        "ctr_drbg_seed");
}

Random::~Random() {
  mbedtls_ctr_drbg_free(&drbg_);
  mbedtls_entropy_free(&entropy_);
}

PrivateKey::PrivateKey() { mbedtls_pk_init(&pk_); }
PrivateKey::~PrivateKey() { mbedtls_pk_free(&pk_); }

std::unique_ptr<PrivateKey> PrivateKey::rsa(Random& random, unsigned bits) {
  std::unique_ptr<PrivateKey> key(new PrivateKey());
  check(mbedtls_pk_setup(&key->pk_, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)), "pk_setup");
  check(mbedtls_rsa_gen_key(mbedtls_pk_rsa(key->pk_), mbedtls_ctr_drbg_random, random.drbg(),
                            bits, 65537),
        "rsa_gen_key");
  return key;
}

std::unique_ptr<PrivateKey> PrivateKey::ec(Random& random, mbedtls_ecp_group_id curve) {
  std::unique_ptr<PrivateKey> key(new PrivateKey());
  check(mbedtls_pk_setup(&key->pk_, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), "pk_setup");
  check(mbedtls_ecp_gen_key(curve, mbedtls_pk_ec(key->pk_), mbedtls_ctr_drbg_random,
                            random.drbg()),
        "ecp_gen_key");
  return key;
}

std::string PrivateKey::public_pem() {
  unsigned char buf[4096];
  check(mbedtls_pk_write_pubkey_pem(&pk_, buf, sizeof buf), "pk_write_pubkey_pem");
  return reinterpret_cast<char*>(buf);
}

std::string PrivateKey::public_jwk(std::string_view extra) {
  std::string jwk = "{";
  if (mbedtls_pk_get_type(&pk_) == MBEDTLS_PK_RSA) {
    const mbedtls_rsa_context* rsa = mbedtls_pk_rsa(pk_);
    jwk += "\"kty\":\"RSA\",\"n\":\"" + base64url_encode(mpi_bytes(rsa->N, 0)) +
           "\",\"e\":\"" + base64url_encode(mpi_bytes(rsa->E, 0)) + "\"";
  } else {
    const mbedtls_ecp_keypair* ec = mbedtls_pk_ec(pk_);
    size_t size = (ec->grp.pbits + 7) / 8;
    const char* crv = ec->grp.id == MBEDTLS_ECP_DP_SECP256R1   ? "P-256"
                      : ec->grp.id == MBEDTLS_ECP_DP_SECP384R1 ? "P-384"
                                                               : "P-521";
    jwk += std::string("\"kty\":\"EC\",\"crv\":\"") + crv + "\",\"x\":\"" +
           base64url_encode(mpi_bytes(ec->Q.X, size)) + "\",\"y\":\"" +
           base64url_encode(mpi_bytes(ec->Q.Y, size)) + "\"";
  }
  if (!extra.empty()) {
    jwk += ",";
    jwk += extra;
  }
  return jwk + "}";
}

std::string sign(Random& random, Algorithm alg, std::string_view header_json,
                 std::string_view payload_json, PrivateKey* key, std::string_view secret,
                 int pss_salt) {
  const AlgorithmInfo& info = algorithm_info(alg);
  std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  const mbedtls_md_info_t* md = mbedtls_md_info_from_type(info.md);
  unsigned char hash[MBEDTLS_MD_MAX_SIZE];
  std::string sig;
  switch (info.family) {
    case KeyFamily::hmac: {
      sig.resize(info.hash_bytes);
      check(mbedtls_md_hmac(md, reinterpret_cast<const unsigned char*>(secret.data()),
                            secret.size(), in, input.size(),
                            reinterpret_cast<unsigned char*>(sig.data())),
            "md_hmac");
      break;
    }
    case KeyFamily::rsa: {
      check(mbedtls_md(md, in, input.size(), hash), "md");
      mbedtls_rsa_context* rsa = mbedtls_pk_rsa(*key->pk());
      sig.resize(mbedtls_rsa_get_len(rsa));
      auto* out = reinterpret_cast<unsigned char*>(sig.data());
      const auto hlen = static_cast<unsigned>(info.hash_bytes);
      if (info.name[0] == 'P') {
        mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21, info.md);
        int salt = pss_salt < 0 ? static_cast<int>(info.hash_bytes) : pss_salt;
        check(mbedtls_rsa_rsassa_pss_sign_ext(rsa, mbedtls_ctr_drbg_random, random.drbg(), info.md,
                                              hlen, hash, salt, out),
              "rsassa_pss_sign_ext");
      } else {
        mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
        check(mbedtls_rsa_rsassa_pkcs1_v15_sign(rsa, mbedtls_ctr_drbg_random, random.drbg(),
                                                MBEDTLS_RSA_PRIVATE, info.md, hlen, hash, out),
              "rsassa_pkcs1_v15_sign");
      }
      break;
    }
    case KeyFamily::ec: {
      check(mbedtls_md(md, in, input.size(), hash), "md");
      mbedtls_ecp_keypair* ec = mbedtls_pk_ec(*key->pk());
      mbedtls_mpi r, s;
      mbedtls_mpi_init(&r);
      mbedtls_mpi_init(&s);
      check(mbedtls_ecdsa_sign(&ec->grp, &r, &s, &ec->d, hash, info.hash_bytes,
                               mbedtls_ctr_drbg_random, random.drbg()),
            "ecdsa_sign");
      // RFC 7518 section 3.4: R || S, each padded to the coordinate size.
      sig = mpi_bytes(r, info.coordinate_bytes) + mpi_bytes(s, info.coordinate_bytes);
      mbedtls_mpi_free(&r);
      mbedtls_mpi_free(&s);
      break;
    }
  }
  return input + "." + base64url_encode(sig);
}

PrivateKey* TestKeys::for_algorithm(Algorithm alg) {
  const AlgorithmInfo& info = algorithm_info(alg);
  switch (info.family) {
    case KeyFamily::hmac: return nullptr;
    case KeyFamily::rsa: return rsa.get();
    case KeyFamily::ec:
      if (info.curve == MBEDTLS_ECP_DP_SECP256R1) return p256.get();
      if (info.curve == MBEDTLS_ECP_DP_SECP384R1) return p384.get();
      return p521.get();
  }
  return nullptr;
}

TestKeys& keys() {
  static TestKeys* k = [] {
    auto* made = new TestKeys();
    made->rsa = PrivateKey::rsa(made->random, 2048);
    made->rsa_other = PrivateKey::rsa(made->random, 2048);
    made->p256 = PrivateKey::ec(made->random, MBEDTLS_ECP_DP_SECP256R1);
    made->p256_other = PrivateKey::ec(made->random, MBEDTLS_ECP_DP_SECP256R1);
    made->p384 = PrivateKey::ec(made->random, MBEDTLS_ECP_DP_SECP384R1);
    made->p521 = PrivateKey::ec(made->random, MBEDTLS_ECP_DP_SECP521R1);
    return made;
  }();
  return *k;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base ? base : "/tmp") + "/weir-jwt-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (DIR* dir = opendir(path_.c_str())) {
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") unlink((path_ + "/" + name).c_str());
    }
    closedir(dir);
  }
  rmdir(path_.c_str());
}

std::string TempDir::write(std::string_view name, std::string_view text) {
  std::string path = path_ + "/" + std::string(name);
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw std::runtime_error("cannot write " + path);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  return path;
}

}  // namespace weir::jwt::test
