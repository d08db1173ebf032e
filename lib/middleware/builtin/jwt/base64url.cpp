#include "middleware/builtin/jwt/base64url.hpp"

#include <array>
#include <cstdint>

namespace weir::jwt {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr uint8_t kInvalid = 0xff;

constexpr std::array<uint8_t, 256> make_decode_table() {
  std::array<uint8_t, 256> table{};
  for (auto& v : table) v = kInvalid;
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<uint8_t>(kAlphabet[i])] = static_cast<uint8_t>(i);
  }
  return table;
}

constexpr std::array<uint8_t, 256> kDecode = make_decode_table();

}  // namespace

bool base64url_decode(std::string_view text, std::string& out) {
  out.clear();
  // RFC 7515 section 2: "with all trailing '=' characters omitted"; a lone
  // trailing symbol carries 6 bits, less than a byte, so no encoder emits it.
  if (text.size() % 4 == 1) return false;
  out.resize(base64url_decoded_size(text.size()));
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    uint8_t v = kDecode[static_cast<uint8_t>(c)];
    if (v == kInvalid) return false;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // RFC 4648 section 3.5: pad bits must be zero in a canonical encoding;
  // refusing the others keeps one signature from having several spellings.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return false;
  return o == out.size();
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : bytes) {
    acc = (acc << 8) | static_cast<uint8_t>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

}  // namespace weir::jwt
