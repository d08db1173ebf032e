// The byte tables and word tricks of lib/http: the token table against the
// RFC 9110 grammar, the JSON escaper's eight-byte path against a byte-wise
// reference, for every byte value in every position of a word.
#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "http/decimal.hpp"
#include "http/json_escape.hpp"
#include "http/local_response.hpp"
#include "http/token.hpp"

using namespace weir::http;

namespace {

bool reference_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return c != 0 && std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string reference_escape(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20) out += std::string("\\u00") + hex[c >> 4] + hex[c & 15];
    else out += ch;
  }
  return out;
}

std::string escaped(std::string_view s) {
  std::string out(kJsonEscapeGrowth * s.size(), '\0');
  out.resize(static_cast<size_t>(write_json_escaped(out.data(), s) - out.data()));
  return out;
}

}  // namespace

TEST(Token, TableMatchesTheGrammar) {
  for (int c = 0; c < 256; ++c)
    EXPECT_EQ(is_tchar(static_cast<char>(c)), reference_tchar(static_cast<unsigned char>(c))) << c;
  EXPECT_TRUE(is_token("x-ratelimit-remaining"));
  EXPECT_TRUE(is_token("!#$%&'*+-.^_`|~"));
  EXPECT_FALSE(is_token(""));
  EXPECT_FALSE(is_token("a b"));
  EXPECT_FALSE(is_token("a:b"));
  EXPECT_FALSE(is_token(std::string_view("a\0b", 3)));
  EXPECT_FALSE(is_token("caf\xc3\xa9"));
}

// is_token's word path (letters, digits, '-') and is_safe_field's word
// test of values, for every byte value at every position of every length
// up to four words, against the byte-wise grammar.
TEST(Token, WordPathsAgreeWithTheBytesForEveryByte) {
  for (size_t n = 1; n <= 33; ++n) {
    for (size_t at = 0; at < n; ++at) {
      for (int c = 0; c < 256; ++c) {
        std::string s(n, 'k');
        s[at] = static_cast<char>(c);
        const bool token = reference_tchar(static_cast<unsigned char>(c));
        ASSERT_EQ(is_token(s), token) << "n=" << n << " at=" << at << " c=" << c;
        const bool safe_value = c != '\r' && c != '\n' && c != 0;
        ASSERT_EQ(is_safe_field("x-name", s), safe_value) << "n=" << n << " at=" << at << " c=" << c;
        ASSERT_EQ(is_safe_field(s, "v"), token) << "n=" << n << " at=" << at << " c=" << c;
      }
    }
  }
  EXPECT_TRUE(is_safe_field("x", ""));
  EXPECT_FALSE(is_safe_field("", "v"));
  EXPECT_TRUE(is_safe_field("RateLimit-Remaining", "9"));
}

TEST(JsonEscape, WordPathAgreesWithBytePathForEveryByte) {
  // Each byte value at each offset of a 19-byte string: the first two words
  // go through the eight-byte path, the tail byte by byte.
  for (int c = 0; c < 256; ++c) {
    for (size_t at = 0; at < 19; ++at) {
      std::string s(19, 'a');
      s[at] = static_cast<char>(c);
      ASSERT_EQ(escaped(s), reference_escape(s)) << "byte " << c << " at " << at;
    }
  }
}

TEST(JsonEscape, WordTestFlagsExactlyTheWordsThatNeedIt) {
  // Bytes next to the thresholds: 0x1f/0x20, '"' 0x22 and its neighbours,
  // '\\' 0x5c and its neighbours, and high bytes that must pass.
  const unsigned char probes[] = {0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23,
                                  0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff};
  for (unsigned char a : probes) {
    for (unsigned char b : probes) {
      uint64_t w = 0x6161616161616161ull;  // "aaaaaaaa"
      w = (w & ~0xffull) | a;
      w = (w & ~(0xffull << 56)) | (uint64_t{b} << 56);
      bool needs = !kJsonPlain[a] || !kJsonPlain[b];
      EXPECT_EQ(word_needs_escape(w), needs) << int(a) << " " << int(b);
    }
  }
}

TEST(JsonEscape, LongMixedText) {
  std::string s;
  for (int i = 0; i < 1000; ++i) s += static_cast<char>((i * 37) & 0xff);
  EXPECT_EQ(escaped(s), reference_escape(s));
  EXPECT_EQ(escaped(""), "");
}

// write_decimal against std::to_chars at every change of length, around
// it, and at random.
TEST(Decimal, AgreesWithToChars) {
  auto check = [](uint64_t v) {
    char want[24], got[24];
    const auto w = std::to_chars(want, want + sizeof want, v).ptr;
    const char* g = write_decimal(got, v);
    ASSERT_EQ(std::string_view(got, static_cast<size_t>(g - got)),
              std::string_view(want, static_cast<size_t>(w - want)));
    ASSERT_EQ(decimal_length(v), static_cast<size_t>(w - want));
  };
  check(0);
  check(std::numeric_limits<uint64_t>::max());
  for (uint64_t p = 1; p <= 10'000'000'000'000'000'000ull; p *= 10) {
    check(p - 1);
    check(p);
    check(p + 1);
    if (p > std::numeric_limits<uint64_t>::max() / 10) break;
  }
  std::mt19937_64 rng(11);
  for (int i = 0; i < 200000; ++i) check(rng() >> (rng() % 64));
}
