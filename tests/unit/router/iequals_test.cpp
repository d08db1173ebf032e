// iequals against a byte-by-byte reference: every length a word walk treats
// differently (short, whole words, overlapping tails), every byte value at
// every position, and the bytes next to the letters' case bit.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "weir/http.hpp"

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool reference(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

TEST(IEquals, EveryByteAtEveryPosition) {
  for (size_t n = 1; n <= 33; ++n) {
    const std::string base(n, 'k');
    for (size_t at = 0; at < n; ++at) {
      for (int c = 0; c < 256; ++c) {
        std::string a = base, b = base;
        a[at] = static_cast<char>(c);
        for (int d : {c, c ^ 0x20, c ^ 0x80, int{'k'}, int{'K'}, int{'@'}, int{'['}, int{'`'}, int{'{'}}) {
          b[at] = static_cast<char>(d);
          ASSERT_EQ(weir::iequals(a, b), reference(a, b))
              << "n=" << n << " at=" << at << " c=" << c << " d=" << d;
        }
      }
    }
  }
}

TEST(IEquals, RandomCaseFlips) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200000; ++round) {
    size_t n = rng() % 40;
    std::string a(n, '\0');
    for (char& ch : a) ch = static_cast<char>(rng() % 3 ? 'A' + rng() % 58 : rng() % 256);
    std::string b = a;
    for (char& ch : b)
      if (rng() % 2 && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) ch ^= 0x20;
    if (n && rng() % 4 == 0) b[rng() % n] = static_cast<char>(rng() % 256);
    ASSERT_EQ(weir::iequals(a, b), reference(a, b)) << a << " / " << b;
  }
}

TEST(IEquals, LengthsMustMatch) {
  EXPECT_TRUE(weir::iequals("", ""));
  EXPECT_FALSE(weir::iequals("a", ""));
  EXPECT_TRUE(weir::iequals("Authorization", "authorization"));
  EXPECT_FALSE(weir::iequals("authorization", "authorizatio"));
  EXPECT_FALSE(weir::iequals("x-forwarded-for", "x-forwarded-fos"));
}

}  // namespace
