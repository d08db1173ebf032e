// TrailingSlash modes: strict keeps "/a/" and "/a" apart, ignore tries the
// other spelling after a miss, redirect tells the caller to send the client there.
#include <gtest/gtest.h>

#include <string>

#include "route_fixture.hpp"
#include "router/trailing_slash.hpp"

namespace weir::test {
namespace {

Router slash_router(TrailingSlash mode) {
  Router router;
  router.trailing_slash(mode);
  router.add(path_route("a", "/a"))
      .add(path_route("b-dir", "/b/"))
      .add(path_route("user", "/users/:id"))
      .add(path_route("files", "/files/*rest"))
      .add(prefix_route("api", "/api/"));
  return router;
}

bool redirects(const RouteTable& t, std::string_view path) {
  MatchInput in;
  in.method = "GET";
  in.path = path;
  return t.slash_redirect(in);
}

TEST(TrailingSlash, StrictKeepsTheSpellingsApart) {
  auto t = build_ok(slash_router(TrailingSlash::strict));
  EXPECT_EQ(match_name(*t, "/a"), "a");
  EXPECT_EQ(match_name(*t, "/a/"), "<none>");
  EXPECT_EQ(match_name(*t, "/b"), "<none>");
  EXPECT_FALSE(redirects(*t, "/a/"));
}

TEST(TrailingSlash, IgnoreMatchesEitherSpelling) {
  auto t = build_ok(slash_router(TrailingSlash::ignore));
  EXPECT_EQ(match_name(*t, "/a"), "a");
  EXPECT_EQ(match_name(*t, "/a/"), "a");
  EXPECT_EQ(match_name(*t, "/b/"), "b-dir");
  EXPECT_EQ(match_name(*t, "/b"), "b-dir");
  EXPECT_EQ(match_name(*t, "/api"), "api");
  EXPECT_EQ(match_name(*t, "/a//"), "<none>");  // only one '/' is added or removed
  EXPECT_EQ(match_name(*t, "/"), "<none>");
  EXPECT_FALSE(redirects(*t, "/a/"));
}

TEST(TrailingSlash, IgnoreCapturesPointIntoThePathAsSent) {
  auto t = build_ok(slash_router(TrailingSlash::ignore));
  std::string path = "/users/42/";
  Params p;
  EXPECT_EQ(match_name(*t, path, &p), "user");
  EXPECT_EQ(p.get("id"), "42");
  EXPECT_EQ(p.get("id").data(), path.data() + 7);

  // "/files" has a route only as "/files/": the catch-all captures "",
  // still a view at the end of the path as sent.
  std::string files = "/files";
  EXPECT_EQ(match_name(*t, files, &p), "files");
  EXPECT_EQ(p.size, 1u);
  EXPECT_EQ(p.get("rest"), "");
  EXPECT_EQ(p.items[0].value.data(), files.data() + files.size());
}

TEST(TrailingSlash, TheSpellingAsSentWins) {
  Router router;
  router.trailing_slash(TrailingSlash::ignore);
  router.add(path_route("plain", "/x")).add(path_route("slash", "/x/"));
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/x"), "plain");
  EXPECT_EQ(match_name(*t, "/x/"), "slash");
}

TEST(TrailingSlash, RedirectOnlyWhenTheOtherSpellingHasARoute) {
  auto t = build_ok(slash_router(TrailingSlash::redirect));
  EXPECT_EQ(match_name(*t, "/a/"), "<none>");  // match() stays strict
  EXPECT_TRUE(redirects(*t, "/a/"));
  EXPECT_TRUE(redirects(*t, "/b"));
  EXPECT_TRUE(redirects(*t, "/users/7/"));
  EXPECT_FALSE(redirects(*t, "/c/"));
  EXPECT_FALSE(redirects(*t, "/"));
  // Predicates still apply to the other spelling.
  Router methods;
  methods.trailing_slash(TrailingSlash::redirect).add(path_route("post", "/p", {"POST"}));
  auto m = build_ok(methods);
  EXPECT_FALSE(redirects(*m, "/p/"));
}

TEST(TrailingSlash, VeryLongPathsAreMatchedOnlyAsSent) {
  Router router;
  router.trailing_slash(TrailingSlash::ignore).add(path_route("dir", "/:name/"));
  auto t = build_ok(router);
  // The spelling with a '/' added must fit router::kMaxSlashPath bytes.
  std::string fits = "/" + std::string(router::kMaxSlashPath - 2, 'x');
  EXPECT_EQ(match_name(*t, fits), "dir");
  std::string too_long = fits + "x";
  EXPECT_EQ(match_name(*t, too_long), "<none>");
  EXPECT_EQ(match_name(*t, too_long + "/"), "dir");  // as sent: no limit
}

TEST(TrailingSlash, LocationIsTheOtherSpellingWithTheQuery) {
  std::string out;
  router::append_slash_location(out, "/a/", "x=1");
  EXPECT_EQ(out, "/a?x=1");
  out.clear();
  router::append_slash_location(out, "/a", "");
  EXPECT_EQ(out, "/a/");
  out.clear();
  router::append_slash_location(out, "/a%2Fb", "q=#\r");
  EXPECT_EQ(out, "/a%2Fb/?q=%23%0D");
}

}  // namespace
}  // namespace weir::test
