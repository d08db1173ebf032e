#include "middleware/secret.hpp"

#include <mbedtls/sha256.h>

namespace weir::mw {

Digest sha256(std::string_view a, std::string_view b) noexcept {
  Digest d{};
  mbedtls_sha256_context ctx;
  mbedtls_sha256_init(&ctx);
  mbedtls_sha256_starts_ret(&ctx, 0);
  mbedtls_sha256_update_ret(&ctx, reinterpret_cast<const unsigned char*>(a.data()), a.size());
  mbedtls_sha256_update_ret(&ctx, reinterpret_cast<const unsigned char*>(b.data()), b.size());
  mbedtls_sha256_finish_ret(&ctx, d.data());
  mbedtls_sha256_free(&ctx);
  return d;
}

bool digest_equal(const Digest& a, const Digest& b) noexcept {
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<uint8_t>(a[i] ^ b[i]);
  // volatile keeps the compiler from turning the loop into an early exit.
  volatile uint8_t result = diff;
  return result == 0;
}

bool secret_equal(std::string_view a, std::string_view b) noexcept {
  return digest_equal(sha256(a), sha256(b));
}

bool parse_hex_digest(std::string_view hex, Digest* out) noexcept {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace weir::mw
