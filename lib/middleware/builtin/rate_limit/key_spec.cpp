#include "middleware/builtin/rate_limit/key_spec.hpp"

#include <cstring>
#include <initializer_list>

#include <xxhash.h>

#include "http/token.hpp"

namespace weir::ratelimit {

namespace {

struct PartName {
  std::string_view word;
  PartKind kind;
  bool named;
};
constexpr PartName kPartNames[] = {
    {"ip", PartKind::ip, false},         {"header", PartKind::header, true},
    {"query", PartKind::query, true},    {"claim", PartKind::claim, true},
    {"consumer", PartKind::consumer, false}, {"route", PartKind::route, false},
};

// Query and claim names: visible ASCII other than the separators of the
// key spec and of a query string.
bool is_name_char(char c) noexcept {
  return c > 0x20 && c < 0x7f && c != '+' && c != '&' && c != '=' && c != '#';
}

// Joins message pieces with append (GCC 12 misreports chained operator+ on
// strings under -Wrestrict at -O2).
std::string joined(std::initializer_list<std::string_view> pieces) {
  std::string out;
  for (std::string_view p : pieces) out.append(p);
  return out;
}

std::string parse_part(std::string_view text, KeyPart* out) {
  const size_t colon = text.find(':');
  const std::string_view word = text.substr(0, colon);
  for (const PartName& p : kPartNames) {
    if (p.word != word) continue;
    out->kind = p.kind;
    if (!p.named) {
      if (colon != std::string_view::npos) return joined({"key: \"", word, "\" takes no name"});
      return {};
    }
    if (colon == std::string_view::npos || colon + 1 == text.size())
      return joined({"key: \"", word, ":\" needs a name"});
    const std::string_view name = text.substr(colon + 1);
    for (char c : name) {
      const bool good = p.kind == PartKind::header ? http::is_tchar(c) : is_name_char(c);
      if (!good) return joined({"key: \"", text, "\": invalid character in the name"});
    }
    out->name.assign(name);
    if (p.kind == PartKind::header)  // field names are case-insensitive
      for (char& c : out->name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return {};
  }
  return joined({"key: unknown part \"", text, "\""});
}

bool same_part(const KeyPart& a, const KeyPart& b) noexcept {
  return a.kind == b.kind && a.name == b.name;
}

std::string_view header_value(std::span<const Header> headers, std::string_view lower) noexcept {
  for (const Header& h : headers)
    if (iequals(h.name, lower)) return h.value;
  return {};
}

std::string_view part_value(const KeyPart& p, const KeySource& src) noexcept {
  switch (p.kind) {
    case PartKind::ip: return src.client_ip;
    case PartKind::header: return header_value(src.headers, p.name);
    case PartKind::query: return query_param(src.query, p.name);
    case PartKind::claim: return src.claim ? src.claim(src.claim_user, p.name) : std::string_view{};
    case PartKind::consumer: return src.consumer;
    case PartKind::route: return src.route;
  }
  return {};
}

}  // namespace

KeySpecResult parse_key_spec(std::string_view text) {
  KeySpecResult r;
  if (text.empty()) {
    r.error = "key: must name at least one part";
    return r;
  }
  size_t start = 0;
  while (true) {
    const size_t plus = text.find('+', start);
    const std::string_view piece =
        text.substr(start, plus == std::string_view::npos ? std::string_view::npos : plus - start);
    if (piece.empty()) {
      r.error = joined({"key: empty part in \"", text, "\""});
      return r;
    }
    if (r.spec.size == KeySpec::kMaxParts) {
      r.error = "key: at most 8 parts";
      return r;
    }
    KeyPart& part = r.spec.parts[r.spec.size];
    r.error = parse_part(piece, &part);
    if (!r.error.empty()) return r;
    for (uint8_t i = 0; i < r.spec.size; ++i)
      if (same_part(r.spec.parts[i], part)) {
        r.error = joined({"key: \"", piece, "\" appears twice"});
        return r;
      }
    ++r.spec.size;
    if (plus == std::string_view::npos) break;
    start = plus + 1;
  }
  return r;
}

std::string_view query_param(std::string_view query, std::string_view name) noexcept {
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    start = end + 1;
  }
  return {};
}

BuiltKey build_key(const KeySpec& spec, const KeySource& src, std::span<char> out) noexcept {
  BuiltKey k;
  size_t len = 0;
  for (uint8_t i = 0; i < spec.size; ++i) {
    const KeyPart& part = spec.parts[i];
    const std::string_view value = part_value(part, src);
    if (value.empty()) {
      k.status = KeyStatus::missing_part;
      k.missing = i;
      return k;
    }
    const bool digest = value.size() > kMaxPartValue;
    const size_t n = digest ? sizeof(XXH128_hash_t) : value.size();
    if (out.size() - len < 3 + n) {
      k.status = KeyStatus::no_room;
      return k;
    }
    out[len++] = static_cast<char>(static_cast<uint8_t>(part.kind) | (digest ? 0x80 : 0));
    out[len++] = static_cast<char>(n >> 8);
    out[len++] = static_cast<char>(n & 0xff);
    if (digest) {
      XXH128_canonical_t c;
      XXH128_canonicalFromHash(&c, XXH3_128bits(value.data(), value.size()));
      std::memcpy(out.data() + len, c.digest, n);
    } else {
      std::memcpy(out.data() + len, value.data(), n);
    }
    len += n;
  }
  k.bytes = std::string_view(out.data(), len);
  return k;
}

}  // namespace weir::ratelimit
