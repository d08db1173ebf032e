// Comparing secrets without telling an attacker, through timing, how much of
// a guess was right.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace weir::mw {

using Digest = std::array<uint8_t, 32>;

// SHA-256 of the bytes of `parts`, concatenated.
Digest sha256(std::string_view a, std::string_view b = {}) noexcept;
// Compares all 32 bytes whatever differs.
bool digest_equal(const Digest& a, const Digest& b) noexcept;
// Constant-time in the contents (the comparison hashes both sides first, so
// only their lengths' effect on hashing time shows).
bool secret_equal(std::string_view a, std::string_view b) noexcept;
// Parses 64 hex digits.
bool parse_hex_digest(std::string_view hex, Digest* out) noexcept;

}  // namespace weir::mw
