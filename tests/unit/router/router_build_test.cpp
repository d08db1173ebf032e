// Router::build: validation of routes and detection of conflicts.
#include <gtest/gtest.h>

#include "route_fixture.hpp"

namespace weir::test {
namespace {

TEST(RouterBuild, EmptyRouterBuildsAnEmptyTable) {
  Router router;
  auto table = build_ok(router);
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->size(), 0u);
  EXPECT_EQ(match_name(*table, "/"), "<none>");
}

TEST(RouterBuild, KeepsRoutesInDeclarationOrder) {
  Router router;
  router.add(path_route("a", "/a")).add(path_route("b", "/b")).add(prefix_route("c", "/c"));
  auto table = build_ok(router);
  ASSERT_EQ(table->size(), 3u);
  EXPECT_EQ(table->at(0).name, "a");
  EXPECT_EQ(table->at(2).name, "c");
}

TEST(RouterBuild, PathAndPrefixMustStartWithSlash) {
  Router r1;
  r1.add(path_route("p", "users"));
  EXPECT_EQ(build_error(r1), "route \"p\": path \"users\" must start with '/'");
  Router r2;
  r2.add(prefix_route("q", "api"));
  EXPECT_EQ(build_error(r2), "route \"q\": prefix \"api\" must start with '/'");
}

TEST(RouterBuild, PathAndPrefixAreExclusive) {
  Router router;
  Route r = path_route("both", "/a");
  r.prefix = "/a";
  router.add(r);
  EXPECT_EQ(build_error(router), "route \"both\": set path or prefix, not both");
}

TEST(RouterBuild, RejectsMalformedPatterns) {
  struct Case {
    const char* path;
    const char* error;
  } cases[] = {
      {"/users/:", "path \"/users/:\" parameter at byte 7 needs a name"},
      {"/files/*", "path \"/files/*\" catch-all at byte 7 needs a name"},
      {"/a/:id-x", "path \"/a/:id-x\" parameter name \"id-x\" may hold only letters, digits and '_'"},
      {"/a/:id/b/:id", "path \"/a/:id/b/:id\" parameter name \"id\" is used twice"},
      {"/a/:id/*id", "path \"/a/:id/*id\" parameter name \"id\" is used twice"},
      {"/a/*rest/b", "path \"/a/*rest/b\" catch-all \"*rest\" must be the last segment"},
  };
  for (const Case& c : cases) {
    Router router;
    router.add(path_route("bad", c.path));
    EXPECT_EQ(build_error(router), std::string("route \"bad\": ") + c.error) << c.path;
  }
}

TEST(RouterBuild, ColonAndStarInsideASegmentAreLiteral) {
  Router router;
  router.add(path_route("batch", "/v1/items:batchGet")).add(path_route("glob", "/files/a*"));
  auto table = build_ok(router);
  EXPECT_EQ(match_name(*table, "/v1/items:batchGet"), "batch");
  EXPECT_EQ(match_name(*table, "/files/a*"), "glob");
  EXPECT_EQ(match_name(*table, "/files/ab"), "<none>");
}

TEST(RouterBuild, RejectsMoreParamsThanParamsHolds) {
  std::string path;
  for (size_t i = 0; i <= Params::kMax; ++i) path += "/:p" + std::to_string(i);
  Router router;
  router.add(path_route("deep", path));
  EXPECT_NE(build_error(router).find("captures more than 16 parameters"), std::string::npos);

  path.clear();
  for (size_t i = 0; i < Params::kMax; ++i) path += "/:p" + std::to_string(i);
  Router ok;
  ok.add(path_route("deep", path));
  auto table = build_ok(ok);
  std::string request;
  for (size_t i = 0; i < Params::kMax; ++i) request += "/v" + std::to_string(i);
  Params params;
  EXPECT_EQ(match_name(*table, request, &params), "deep");
  ASSERT_EQ(params.size, Params::kMax);
  EXPECT_EQ(params.get("p15"), "v15");
}

TEST(RouterBuild, RejectsBadHostsMethodsAndHeaders) {
  Router r1;
  r1.add(path_route("h", "/", {}, "api.example.com:8080"));
  EXPECT_EQ(build_error(r1), "route \"h\": host \"api.example.com:8080\" must not hold a port");
  Router r2;
  r2.add(path_route("w", "/", {}, "*.*.example.com"));
  EXPECT_EQ(build_error(r2), "route \"w\": wildcard host \"*.*.example.com\" is not *.NAME");
  Router r3;
  r3.add(path_route("m", "/", {"GE T"}));
  EXPECT_EQ(build_error(r3), "route \"m\": method \"GE T\" is not an HTTP token");
  Router r4;
  Route r = path_route("x", "/");
  r.headers = {{"x y", "1"}};
  r4.add(r);
  EXPECT_EQ(build_error(r4), "route \"x\": header name \"x y\" is not an HTTP token");
  Router r5;
  r.headers = {{"x-y", "a\r\nb"}};
  r5.add(r);
  EXPECT_EQ(build_error(r5), "route \"x\": header \"x-y\" value holds control characters");
}

TEST(RouterBuild, RoutePathsMustBeInNormalForm) {
  struct Case {
    const char* path;
    const char* error;
  } cases[] = {
      {"/a//b", "path \"/a//b\" is not in normal form; requests arrive as \"/a/b\""},
      {"/a/./b", "path \"/a/./b\" is not in normal form; requests arrive as \"/a/b\""},
      {"/a/%2fb", "path \"/a/%2fb\" is not in normal form; requests arrive as \"/a/%2Fb\""},
      {"/%7Euser", "path \"/%7Euser\" is not in normal form; requests arrive as \"/~user\""},
      {"/caf\xc3\xa9", "path \"/caf\xc3\xa9\" is not in normal form; requests arrive as \"/caf%C3%A9\""},
      {"/../x", "path \"/../x\" is not a valid path (traversal)"},
      {"/a b", "path \"/a b\" is not a valid path (bad_char)"},
      {"/a%zz", "path \"/a%zz\" is not a valid path (bad_encoding)"},
  };
  for (const Case& c : cases) {
    Router router;
    router.add(path_route("n", c.path));
    EXPECT_EQ(build_error(router), std::string("route \"n\": ") + c.error) << c.path;
  }
  Router prefix;
  prefix.add(prefix_route("p", "/api//v1"));
  EXPECT_EQ(build_error(prefix), "route \"p\": prefix \"/api//v1\" is not in normal form; requests arrive as \"/api/v1\"");
  Router ok;
  ok.add(path_route("ok", "/a/:id/b;v=1/%2F/*rest")).add(prefix_route("ap", "/ap"));
  EXPECT_NE(build_ok(ok), nullptr);
}

TEST(RouterBuild, UnnamedRoutesAreNamedByPosition) {
  Router router;
  router.add(path_route("", "/x")).add(path_route("", "/x"));
  EXPECT_EQ(build_error(router), "route #1 conflicts with route #0: same path \"/x\"");
}

TEST(RouterBuild, SamePathSamePredicatesConflict) {
  Router router;
  router.add(path_route("a", "/x")).add(path_route("b", "/x"));
  EXPECT_EQ(build_error(router), "route \"b\" conflicts with route \"a\": same path \"/x\"");
}

TEST(RouterBuild, ConflictIgnoresOrderOfMethodsAndHeaderNameCase) {
  Router router;
  Route a = path_route("a", "/x", {"GET", "POST"});
  a.headers = {{"X-A", "1"}, {"x-b", "2"}};
  Route b = path_route("b", "/x", {"POST", "GET"});
  b.headers = {{"x-b", "2"}, {"x-a", "1"}};
  router.add(a).add(b);
  EXPECT_EQ(build_error(router), "route \"b\" conflicts with route \"a\": same path \"/x\"");
}

TEST(RouterBuild, ParamNamesDoNotMakePathsDifferent) {
  Router router;
  router.add(path_route("a", "/users/:id")).add(path_route("b", "/users/:name"));
  EXPECT_EQ(build_error(router), "route \"b\" conflicts with route \"a\": same path \"/users/:name\"");
}

TEST(RouterBuild, SamePrefixConflictsAndSlashEqualsEmpty) {
  Router r1;
  r1.add(prefix_route("a", "/api")).add(prefix_route("b", "/api"));
  EXPECT_EQ(build_error(r1), "route \"b\" conflicts with route \"a\": same prefix \"/api\"");
  Router r2;
  r2.add(prefix_route("all", "")).add(prefix_route("root", "/"));
  EXPECT_EQ(build_error(r2), "route \"root\" conflicts with route \"all\": same prefix \"/\"");
}

TEST(RouterBuild, HostCaseAndStarDoNotMakeRoutesDifferent) {
  Router r1;
  r1.add(path_route("a", "/x", {}, "API.example.com")).add(path_route("b", "/x", {}, "api.EXAMPLE.com"));
  EXPECT_EQ(build_error(r1), "route \"b\" conflicts with route \"a\": same path \"/x\"");
  Router r2;
  r2.add(path_route("a", "/x", {}, "")).add(path_route("b", "/x", {}, "*"));
  EXPECT_EQ(build_error(r2), "route \"b\" conflicts with route \"a\": same path \"/x\"");
}

TEST(RouterBuild, DifferentHostMethodOrHeaderIsNoConflict) {
  Router router;
  router.add(path_route("a", "/x"))
      .add(path_route("b", "/x", {}, "api.example.com"))
      .add(path_route("c", "/x", {"GET"}))
      .add(path_route("d", "/x", {"GET", "HEAD"}))
      .add(prefix_route("e", "/x"));
  Route f = path_route("f", "/x");
  f.headers = {{"x-canary", "1"}};
  router.add(f);
  EXPECT_NE(build_ok(router), nullptr);
}

TEST(RouterBuild, TableOutlivesRouterAndCopies) {
  std::shared_ptr<const RouteTable> table;
  {
    Router router;
    router.add(path_route("users", "/users/:id"));
    table = build_ok(router);
  }
  RouteTable copy = *table;
  table.reset();
  Params params;
  EXPECT_EQ(match_name(copy, "/users/7", &params), "users");
  EXPECT_EQ(params.get("id"), "7");
}

}  // namespace
}  // namespace weir::test
