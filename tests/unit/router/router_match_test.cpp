// RouteTable::match: paths, params, precedence, backtracking, virtual hosts
// and predicates.
#include <gtest/gtest.h>

#include "route_fixture.hpp"

namespace weir::test {
namespace {

TEST(RouterMatch, StaticPaths) {
  Router router;
  router.add(path_route("root", "/"))
      .add(path_route("users", "/users"))
      .add(path_route("users-slash", "/users/"))
      .add(path_route("user-new", "/users/new"))
      .add(path_route("up", "/up"));
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/"), "root");
  EXPECT_EQ(match_name(*t, "/users"), "users");
  EXPECT_EQ(match_name(*t, "/users/"), "users-slash");
  EXPECT_EQ(match_name(*t, "/users/new"), "user-new");
  EXPECT_EQ(match_name(*t, "/up"), "up");
  EXPECT_EQ(match_name(*t, "/u"), "<none>");
  EXPECT_EQ(match_name(*t, "/users/new/"), "<none>");
  EXPECT_EQ(match_name(*t, "/Users"), "<none>");  // paths are case-sensitive
  EXPECT_EQ(match_name(*t, ""), "<none>");
}

TEST(RouterMatch, ParamsCaptureViewsIntoThePath) {
  Router router;
  router.add(path_route("file", "/users/:id/files/:file"));
  auto t = build_ok(router);
  std::string path = "/users/42/files/report.pdf";
  Params params;
  EXPECT_EQ(match_name(*t, path, &params), "file");
  ASSERT_EQ(params.size, 2);
  EXPECT_EQ(params.items[0].name, "id");
  EXPECT_EQ(params.get("id"), "42");
  EXPECT_EQ(params.get("file"), "report.pdf");
  EXPECT_EQ(params.get("id").data(), path.data() + 7);
  EXPECT_EQ(match_name(*t, "/users//files/x"), "<none>");  // a param is never empty
  EXPECT_EQ(match_name(*t, "/users/1/files/x/y"), "<none>");
}

TEST(RouterMatch, StaticBeatsParamAndBacktracks) {
  Router router;
  router.add(path_route("id", "/users/:id")).add(path_route("new", "/users/new"));
  auto t = build_ok(router);
  Params params;
  EXPECT_EQ(match_name(*t, "/users/new", &params), "new");
  EXPECT_EQ(params.size, 0);
  EXPECT_EQ(match_name(*t, "/users/newer", &params), "id");
  EXPECT_EQ(params.get("id"), "newer");
  EXPECT_EQ(match_name(*t, "/users/ne", &params), "id");
  EXPECT_EQ(params.get("id"), "ne");
}

TEST(RouterMatch, BacktracksAcrossSeveralLevels) {
  Router router;
  router.add(path_route("deep-static", "/a/b/c/d"))
      .add(path_route("param-tail", "/a/:x/c/e"))
      .add(path_route("two-params", "/a/:x/:y/f"))
      .add(path_route("catch", "/a/*rest"));
  auto t = build_ok(router);
  Params p;
  EXPECT_EQ(match_name(*t, "/a/b/c/d", &p), "deep-static");
  EXPECT_EQ(match_name(*t, "/a/b/c/e", &p), "param-tail");
  EXPECT_EQ(p.get("x"), "b");
  EXPECT_EQ(match_name(*t, "/a/b/c/f", &p), "two-params");
  EXPECT_EQ(p.get("x"), "b");
  EXPECT_EQ(p.get("y"), "c");
  EXPECT_EQ(match_name(*t, "/a/b/c/g", &p), "catch");
  EXPECT_EQ(p.size, 1);
  EXPECT_EQ(p.get("rest"), "b/c/g");
}

TEST(RouterMatch, CatchAllTakesTheRestIncludingEmpty) {
  Router router;
  router.add(path_route("static", "/static/*filepath")).add(path_route("logo", "/static/logo.png"));
  auto t = build_ok(router);
  Params p;
  EXPECT_EQ(match_name(*t, "/static/css/site.css", &p), "static");
  EXPECT_EQ(p.get("filepath"), "css/site.css");
  EXPECT_EQ(match_name(*t, "/static/", &p), "static");
  EXPECT_EQ(p.size, 1);
  EXPECT_EQ(p.get("filepath"), "");
  EXPECT_EQ(match_name(*t, "/static", &p), "<none>");
  EXPECT_EQ(match_name(*t, "/static/logo.png", &p), "logo");
  EXPECT_EQ(match_name(*t, "/static/logo.pngx", &p), "static");
}

TEST(RouterMatch, ParamBeatsCatchAllAndCatchAllBeatsPrefix) {
  Router router;
  router.add(prefix_route("prefix", "/files"))
      .add(path_route("catch", "/files/*rest"))
      .add(path_route("param", "/files/:name"));
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/files/a"), "param");
  EXPECT_EQ(match_name(*t, "/files/a/b"), "catch");
  EXPECT_EQ(match_name(*t, "/files"), "prefix");
  EXPECT_EQ(match_name(*t, "/filesystem"), "prefix");
}

TEST(RouterMatch, EarlierSegmentDecidesPrecedence) {
  Router router;
  router.add(path_route("param-first", "/:a/b/c")).add(path_route("static-first", "/a/:b/:c"));
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/a/b/c"), "static-first");
  EXPECT_EQ(match_name(*t, "/x/b/c"), "param-first");
}

TEST(RouterMatch, PrefixesAreSegmentAgnosticAndLongestWins) {
  Router router;
  router.add(prefix_route("all", "/"))
      .add(prefix_route("api", "/api"))
      .add(prefix_route("api-v1", "/api/v1/"))
      .add(prefix_route("ap", "/ap"));
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/"), "all");
  EXPECT_EQ(match_name(*t, "/other"), "all");
  EXPECT_EQ(match_name(*t, "/a"), "all");
  EXPECT_EQ(match_name(*t, "/ap"), "ap");
  EXPECT_EQ(match_name(*t, "/apple"), "ap");
  EXPECT_EQ(match_name(*t, "/api"), "api");
  EXPECT_EQ(match_name(*t, "/apix"), "api");
  EXPECT_EQ(match_name(*t, "/api/v1"), "api");
  EXPECT_EQ(match_name(*t, "/api/v1/users"), "api-v1");
  EXPECT_EQ(match_name(*t, "*"), "all");  // "" and "/" match everything
}

TEST(RouterMatch, EmptyPrefixMatchesEverything) {
  Router router;
  Route r;
  r.name = "all";
  router.add(r);
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/anything/at/all"), "all");
  EXPECT_EQ(match_name(*t, ""), "all");
}

TEST(RouterMatch, PatternBeatsPrefixEvenWhenPrefixIsLonger) {
  Router router;
  router.add(prefix_route("prefix", "/api/users/")).add(path_route("param", "/api/:any/:id"));
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/api/users/1"), "param");
  EXPECT_EQ(match_name(*t, "/api/users/1/x"), "prefix");
}

TEST(RouterMatch, MethodsFilterAndFallThrough) {
  Router router;
  router.add(path_route("get-user", "/users/:id", {"GET", "HEAD"}))
      .add(path_route("put-user", "/users/:id", {"PUT"}))
      .add(path_route("new-get", "/users/new", {"GET"}))
      .add(prefix_route("fallback", "/"));
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/users/1", nullptr, by_method("GET")), "get-user");
  EXPECT_EQ(match_name(*t, "/users/1", nullptr, by_method("HEAD")), "get-user");
  EXPECT_EQ(match_name(*t, "/users/1", nullptr, by_method("PUT")), "put-user");
  EXPECT_EQ(match_name(*t, "/users/1", nullptr, by_method("DELETE")), "fallback");
  EXPECT_EQ(match_name(*t, "/users/1", nullptr, by_method("get")), "fallback");  // case-sensitive
  EXPECT_EQ(match_name(*t, "/users/new", nullptr, by_method("GET")), "new-get");
  // The static route refuses PUT, so the search backtracks to the param.
  Params p;
  EXPECT_EQ(match_name(*t, "/users/new", &p, by_method("PUT")), "put-user");
  EXPECT_EQ(p.get("id"), "new");
}

TEST(RouterMatch, ExtensionMethods) {
  Router router;
  router.add(path_route("purge", "/cache/*key", {"PURGE", "DELETE"}))
      .add(path_route("get", "/cache/*key", {"GET"}))
      .add(path_route("any", "/any"));
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/cache/a", nullptr, by_method("PURGE")), "purge");
  EXPECT_EQ(match_name(*t, "/cache/a", nullptr, by_method("DELETE")), "purge");
  EXPECT_EQ(match_name(*t, "/cache/a", nullptr, by_method("GET")), "get");
  EXPECT_EQ(match_name(*t, "/cache/a", nullptr, by_method("PURGEX")), "<none>");
  EXPECT_EQ(match_name(*t, "/cache/a", nullptr, by_method("BREW")), "<none>");
  EXPECT_EQ(match_name(*t, "/cache/a", nullptr, by_method("")), "<none>");
  EXPECT_EQ(match_name(*t, "/any", nullptr, by_method("BREW")), "any");
}

TEST(RouterMatch, MorePredicatesWinThenDeclarationOrder) {
  Router router;
  Route any = path_route("any", "/x");
  Route get = path_route("get", "/x", {"GET"});
  Route get2 = path_route("get-or-post", "/x", {"GET", "POST"});
  Route canary = path_route("canary", "/x", {"GET"});
  canary.headers = {{"X-Canary", "1"}};
  router.add(any).add(get).add(get2).add(canary);
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_method("GET")), "get");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_method("POST")), "get-or-post");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_method("DELETE")), "any");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_method("GET", {{"x-canary", "1"}})), "canary");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_method("GET", {{"X-CANARY", "1"}})), "canary");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_method("GET", {{"x-canary", "2"}})), "get");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_method("PUT", {{"x-canary", "1"}})), "any");
}

TEST(RouterMatch, AllHeaderPredicatesMustHold) {
  Router router;
  Route r = path_route("both", "/x");
  r.headers = {{"a", "1"}, {"b", "2"}};
  router.add(r);
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"a", "1"}})), "<none>");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"b", "2"}, {"A", "1"}})), "both");
  // A repeated field matches when one of its lines has the value.
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"a", "0"}, {"b", "2"}, {"a", "1"}})), "both");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_headers({{"a", "1 "}, {"b", "2"}})), "<none>");
}

TEST(RouterMatch, VirtualHosts) {
  Router router;
  router.add(path_route("default", "/x"))
      .add(path_route("api", "/x", {}, "api.example.com"))
      .add(path_route("wild", "/x", {}, "*.example.com"))
      .add(path_route("wild-deeper", "/x", {}, "*.eu.example.com"))
      .add(path_route("v6", "/x", {}, "[::1]"))
      .add(path_route("only-default", "/y"));
  auto t = build_ok(router);
  auto on = [&](std::string_view host, std::string_view path = "/x") {
    return match_name(*t, path, nullptr, by_host(host));
  };
  EXPECT_EQ(on("api.example.com"), "api");
  EXPECT_EQ(on("API.Example.COM"), "api");
  EXPECT_EQ(on("api.example.com:8443"), "api");
  EXPECT_EQ(on("api.example.com."), "api");
  EXPECT_EQ(on("web.example.com"), "wild");
  EXPECT_EQ(on("a.b.example.com"), "wild");
  EXPECT_EQ(on("x.eu.example.com:80"), "wild-deeper");
  EXPECT_EQ(on("eu.example.com"), "wild");
  EXPECT_EQ(on("example.com"), "default");
  EXPECT_EQ(on("badexample.com"), "default");
  EXPECT_EQ(on("[::1]:8080"), "v6");
  EXPECT_EQ(on("[::2]"), "default");
  EXPECT_EQ(on(""), "default");
  EXPECT_EQ(on("api.example.co"), "default");
  EXPECT_EQ(on("api.example.comm"), "default");
  // A host without a route for the path falls back to the wider hosts.
  EXPECT_EQ(on("api.example.com", "/y"), "only-default");
}

TEST(RouterMatch, HostSpecificRouteBeatsMoreSpecificHostlessPath) {
  Router router;
  router.add(path_route("default-exact", "/users/1")).add(prefix_route("api-all", "/", "api.example.com"));
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/users/1", nullptr, by_host("api.example.com")), "api-all");
  EXPECT_EQ(match_name(*t, "/users/1", nullptr, by_host("www.example.com")), "default-exact");
}

TEST(RouterMatch, HostOnlyRoutesMissForOtherHosts) {
  Router router;
  router.add(path_route("api", "/x", {}, "api.example.com"));
  auto t = build_ok(router);
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_host("other.example.com")), "<none>");
  EXPECT_EQ(match_name(*t, "/x", nullptr, by_host("")), "<none>");
}

TEST(RouterMatch, ParamsResetOnMiss) {
  Router router;
  router.add(path_route("u", "/users/:id", {"GET"}));
  auto t = build_ok(router);
  Params p;
  EXPECT_EQ(match_name(*t, "/users/1", &p), "u");
  EXPECT_EQ(p.size, 1);
  EXPECT_EQ(match_name(*t, "/users/1", &p, by_method("POST")), "<none>");
  EXPECT_EQ(p.size, 0);
}

TEST(RouterMatch, SameShapeDifferentNamesPerMethod) {
  Router router;
  router.add(path_route("by-id", "/u/:id", {"GET"})).add(path_route("by-name", "/u/:name", {"POST"}));
  auto t = build_ok(router);
  Params p;
  EXPECT_EQ(match_name(*t, "/u/7", &p, by_method("GET")), "by-id");
  EXPECT_EQ(p.get("id"), "7");
  EXPECT_EQ(p.get("name"), "");
  EXPECT_EQ(match_name(*t, "/u/bob", &p, by_method("POST")), "by-name");
  EXPECT_EQ(p.get("name"), "bob");
}

TEST(RouterMatch, LongHostileInputsDoNotCrash) {
  Router router;
  router.add(path_route("p", "/:a/:b/:c")).add(path_route("c", "/x/*r")).add(prefix_route("pre", "/x/y"));
  auto t = build_ok(router);
  std::string many_slashes(100000, '/');
  EXPECT_EQ(match_name(*t, many_slashes), "<none>");
  std::string long_seg = "/x/" + std::string(100000, 'y');
  EXPECT_EQ(match_name(*t, long_seg), "c");
  std::string host(100000, 'h');
  EXPECT_EQ(match_name(*t, "/q/w/e", nullptr, by_host(host)), "p");
}

}  // namespace
}  // namespace weir::test
