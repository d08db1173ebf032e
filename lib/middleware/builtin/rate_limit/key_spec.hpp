// The `key` option of a rate limit: which request values a limit counts by,
// as parts joined with '+' ("ip", "header:x-user-id", "query:token",
// "claim:sub", "consumer", "route"), and how one request's values become the
// key bytes the limiter hashes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "weir/http.hpp"

namespace weir::ratelimit {

enum class PartKind : uint8_t { ip, header, query, claim, consumer, route };

struct KeyPart {
  PartKind kind = PartKind::ip;
  std::string name;  // header (lower case), query or claim name; else empty
};

struct KeySpec {
  static constexpr size_t kMaxParts = 8;
  std::array<KeyPart, kMaxParts> parts{};
  uint8_t size = 0;
};

struct KeySpecResult {
  KeySpec spec;
  std::string error;  // 'key: unknown part "foo"'; empty on success
  bool ok() const noexcept { return error.empty(); }
};

KeySpecResult parse_key_spec(std::string_view text);

// The request values a key may use, filled by the middleware from the
// request and from what earlier middleware established. Views are borrowed
// for the duration of build_key().
struct KeySource {
  std::string_view client_ip;
  std::string_view route;     // name of the matched route
  std::string_view consumer;  // set by api_key / jwt middleware, else empty
  std::span<const Header> headers;
  std::string_view query;     // the raw query string, without '?'
  // Value of a verified token's claim, or an empty view; null: no token.
  std::string_view (*claim)(const void* user, std::string_view name) = nullptr;
  const void* claim_user = nullptr;
};

// Each part is written as a kind byte, a 16-bit length and the value, so
// different values never produce the same bytes. A value longer than
// kMaxPartValue is replaced by its 128-bit XXH3 digest (kind byte | 0x80),
// which bounds a key at kMaxKeyBytes whatever the request holds.
inline constexpr size_t kMaxPartValue = 256;
inline constexpr size_t kMaxKeyBytes = KeySpec::kMaxParts * (3 + kMaxPartValue);

enum class KeyStatus : uint8_t {
  ok,
  missing_part,  // a part has no value (absent or empty): not limited by this key
  no_room,       // `out` is smaller than the key; use kMaxKeyBytes
};

struct BuiltKey {
  KeyStatus status = KeyStatus::ok;
  std::string_view bytes;  // into the caller's buffer; ok only
  uint8_t missing = 0;     // index of the first part without a value
};

// Writes the key of `src` under `spec` into `out`. Never allocates.
BuiltKey build_key(const KeySpec& spec, const KeySource& src, std::span<char> out) noexcept;

// Value of the first `name` parameter in a raw query string ("a=1&b=2"),
// compared and returned as sent (no percent-decoding, like nginx's $arg_).
std::string_view query_param(std::string_view query, std::string_view name) noexcept;

}  // namespace weir::ratelimit
