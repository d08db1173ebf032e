// Header predicates: equals, present, prefix and glob; their precedence,
// their conflicts and the glob matcher against a reference implementation.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "route_fixture.hpp"
#include "router/header_match.hpp"

namespace weir::test {
namespace {

Route with_header(std::string name, std::string path, HeaderMatch m) {
  Route r = path_route(std::move(name), std::move(path));
  r.header_matches.push_back(std::move(m));
  return r;
}

// The textbook recursive definition: obviously right, exponential at worst.
bool reference_glob(std::string_view p, std::string_view v) {
  if (p.empty()) return v.empty();
  if (p[0] == '*') return reference_glob(p.substr(1), v) || (!v.empty() && reference_glob(p, v.substr(1)));
  if (v.empty()) return false;
  return (p[0] == '?' || p[0] == v[0]) && reference_glob(p.substr(1), v.substr(1));
}

TEST(HeaderMatch, GlobCases) {
  using router::glob_matches;
  EXPECT_TRUE(glob_matches("v?-*", "v1-beta"));
  EXPECT_TRUE(glob_matches("v?-*", "v2-"));
  EXPECT_FALSE(glob_matches("v?-*", "v-beta"));
  EXPECT_FALSE(glob_matches("v?-*", "v12-beta"));
  EXPECT_TRUE(glob_matches("*", ""));
  EXPECT_TRUE(glob_matches("", ""));
  EXPECT_FALSE(glob_matches("", "a"));
  EXPECT_FALSE(glob_matches("?", ""));
  EXPECT_TRUE(glob_matches("*.example.com", "a.b.example.com"));
  EXPECT_FALSE(glob_matches("*.example.com", "example.com"));
  EXPECT_TRUE(glob_matches("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(glob_matches("a*b*c", "aXbYbZ"));
  EXPECT_TRUE(glob_matches("**a**", "bab"));
  EXPECT_FALSE(glob_matches("abc", "ABC"));  // values compare as bytes
}

TEST(HeaderMatch, GlobAgreesWithTheReference) {
  std::mt19937 rng(5);
  const char alphabet[] = {'a', 'b', '*', '?'};
  for (int i = 0; i < 20000; ++i) {
    std::string p;
    std::string v;
    for (size_t n = rng() % 7; n > 0; --n) p.push_back(alphabet[rng() % 4]);
    for (size_t n = rng() % 9; n > 0; --n) v.push_back(alphabet[rng() % 2]);
    ASSERT_EQ(router::glob_matches(p, v), reference_glob(p, v)) << "glob " << p << " value " << v;
  }
}

TEST(HeaderMatch, GlobStaysFastOnHostileInput) {
  // A backtracking matcher takes exponential time on this; ours takes at
  // most value x pattern steps.
  std::string pattern;
  for (int i = 0; i < 40; ++i) pattern += "*a";
  pattern += "*b";
  std::string value(60000, 'a');
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(router::glob_matches(pattern, value));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(HeaderMatch, EachKindMatchesWhatItSays) {
  Router router;
  router.add(with_header("eq", "/x", {"X-A", HeaderMatch::Kind::equals, "1"}))
      .add(with_header("present", "/x", {"x-a", HeaderMatch::Kind::present, ""}))
      .add(with_header("prefix", "/y", {"authorization", HeaderMatch::Kind::prefix, "Bearer "}))
      .add(with_header("glob", "/z", {"x-version", HeaderMatch::Kind::glob, "v?-*"}));
  auto t = build_ok(router);
  // equals and present have the same count: declaration order decides.
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"x-a", "1"}})), "eq");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"x-a", "2"}})), "present");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"X-A", ""}})), "present");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"x-b", "1"}})), "<none>");
  EXPECT_EQ(match_name(*t, "/y", nullptr, by_headers({{"Authorization", "Bearer abc"}})), "prefix");
  EXPECT_EQ(match_name(*t, "/y", nullptr, by_headers({{"authorization", "Basic abc"}})), "<none>");
  EXPECT_EQ(match_name(*t, "/y", nullptr, by_headers({{"authorization", "Bearer"}})), "<none>");
  // Any field of the name may satisfy the predicate.
  EXPECT_EQ(match_name(*t, "/y", nullptr, by_headers({{"authorization", "x"}, {"authorization", "Bearer y"}})),
            "prefix");
  EXPECT_EQ(match_name(*t, "/z", nullptr, by_headers({{"x-version", "v2-canary"}})), "glob");
  EXPECT_EQ(match_name(*t, "/z", nullptr, by_headers({{"x-version", "v10-canary"}})), "<none>");
}

TEST(HeaderMatch, AllPredicatesOfBothListsMustHold) {
  Router router;
  Route r = with_header("both", "/x", {"x-b", HeaderMatch::Kind::present, ""});
  r.headers = {{"x-a", "1"}};
  router.add(r);
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"x-a", "1"}, {"x-b", "z"}})), "both");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"x-a", "1"}})), "<none>");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"x-b", "z"}})), "<none>");
}

TEST(HeaderMatch, EachPredicateCountsForPrecedence) {
  Router router;
  router.add(with_header("one", "/x", {"x-a", HeaderMatch::Kind::present, ""}));
  Route two = with_header("two", "/x", {"x-a", HeaderMatch::Kind::prefix, "v"});
  two.header_matches.push_back({"x-b", HeaderMatch::Kind::glob, "*"});
  router.add(two);
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"x-a", "v1"}, {"x-b", ""}})), "two");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"x-a", "w1"}, {"x-b", ""}})), "one");
}

TEST(HeaderMatch, KindsAreNotConflictsButSameKindIs) {
  Router router;
  router.add(with_header("present", "/x", {"x-a", HeaderMatch::Kind::present, ""}))
      .add(with_header("prefix", "/x", {"x-a", HeaderMatch::Kind::prefix, "1"}))
      .add(with_header("glob", "/x", {"x-a", HeaderMatch::Kind::glob, "1"}))
      .add(with_header("equals", "/x", {"x-a", HeaderMatch::Kind::equals, "1"}));
  build_ok(router);
  router.add(with_header("again", "/x", {"X-A", HeaderMatch::Kind::glob, "1"}));
  EXPECT_EQ(build_error(router), "route \"again\" conflicts with route \"glob\": same path \"/x\"");

  // An equality selects the same requests in either list.
  Router eq;
  Route pair = path_route("pair", "/x");
  pair.headers = {{"x-a", "1"}};
  eq.add(pair).add(with_header("kind", "/x", {"x-a", HeaderMatch::Kind::equals, "1"}));
  EXPECT_EQ(build_error(eq), "route \"kind\" conflicts with route \"pair\": same path \"/x\"");
}

TEST(HeaderMatch, MalformedPredicatesAreBuildErrors) {
  auto error_of = [](HeaderMatch m) {
    Router router;
    router.add(with_header("r", "/x", std::move(m)));
    return build_error(router);
  };
  EXPECT_EQ(error_of({"x a", HeaderMatch::Kind::present, ""}), "route \"r\": header name \"x a\" is not an HTTP token");
  EXPECT_EQ(error_of({"x-a", HeaderMatch::Kind::present, "1"}),
            "route \"r\": header \"x-a\" is a presence predicate and takes no value");
  EXPECT_EQ(error_of({"x-a", HeaderMatch::Kind::prefix, ""}),
            "route \"r\": header \"x-a\" prefix is empty (a presence predicate says that)");
  EXPECT_EQ(error_of({"x-a", HeaderMatch::Kind::glob, std::string(129, '*')}),
            "route \"r\": header \"x-a\" glob is longer than 128 bytes");
  EXPECT_EQ(error_of({"x-a", HeaderMatch::Kind::glob, "a\r\n"}),
            "route \"r\": header \"x-a\" value holds control characters");
}

}  // namespace
}  // namespace weir::test
