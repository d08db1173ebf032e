// Client addresses replaced by a keyed hash (HMAC-SHA-256, RFC 2104) so logs
// can still tell requests of one client apart without holding the address:
// pseudonymisation in the sense of GDPR art. 4(5). Without the key the hash
// cannot be reversed by trying all addresses.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace weir::observe {

class Pseudonymiser {
 public:
  static constexpr size_t kHexLen = 32;  // 128 bits of the MAC, hex

  // Reads the key from a file (whitespace at the end trimmed; at least 16
  // bytes). Null with `error` set on failure.
  static std::unique_ptr<Pseudonymiser> from_key_file(const std::string& path, std::string* error);
  static std::unique_ptr<Pseudonymiser> from_key(std::string key, std::string* error);

  // Writes kHexLen hex digits to out.
  void hash(std::string_view value, char* out) const noexcept;

 private:
  explicit Pseudonymiser(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace weir::observe
