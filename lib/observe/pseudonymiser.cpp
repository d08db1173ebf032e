#include "observe/pseudonymiser.hpp"

#include <mbedtls/md.h>

#include <fstream>
#include <sstream>

namespace weir::observe {

std::unique_ptr<Pseudonymiser> Pseudonymiser::from_key(std::string key, std::string* error) {
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' '))
    key.pop_back();
  if (key.size() < 16) {
    if (error) *error = "key must be at least 16 bytes";
    return nullptr;
  }
  return std::unique_ptr<Pseudonymiser>(new Pseudonymiser(std::move(key)));
}

std::unique_ptr<Pseudonymiser> Pseudonymiser::from_key_file(const std::string& path,
                                                            std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = "key_file: cannot read " + path;
    return nullptr;
  }
  std::ostringstream s;
  s << in.rdbuf();
  std::string err;
  auto p = from_key(s.str(), &err);
  if (!p && error) *error = "key_file: " + err;
  return p;
}

void Pseudonymiser::hash(std::string_view value, char* out) const noexcept {
  unsigned char mac[32];
  const mbedtls_md_info_t* md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  mbedtls_md_hmac(md, reinterpret_cast<const unsigned char*>(key_.data()), key_.size(),
                  reinterpret_cast<const unsigned char*>(value.data()), value.size(), mac);
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < kHexLen / 2; ++i) {
    out[2 * i] = hex[mac[i] >> 4];
    out[2 * i + 1] = hex[mac[i] & 15];
  }
}

}  // namespace weir::observe
