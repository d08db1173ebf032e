// What routes do after matching: URI templates, weighted splits, client
// ranges, query predicates, and the build-time checks of route actions.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "route_fixture.hpp"
#include "router/ip_cidr.hpp"
#include "router/query_match.hpp"
#include "router/route_actions.hpp"
#include "router/uri_template.hpp"
#include "router/weighted_split.hpp"

namespace weir::test {
namespace {

class StringOut final : public router::TextSink {
 public:
  void append(std::string_view b) override { text.append(b); }
  std::string text;
};

std::string render(const char* tmpl, router::TemplateValues v, std::vector<std::string_view> names = {},
                   router::UriTemplate::Use use = router::UriTemplate::Use::location) {
  router::UriTemplate t;
  std::string e = t.compile(tmpl, names, use);
  EXPECT_EQ(e, "") << tmpl;
  StringOut out;
  t.render(v, out);
  EXPECT_LE(out.text.size(), t.max_rendered(64));
  return out.text;
}

std::string compile_error(const char* tmpl, std::vector<std::string_view> names = {},
                          router::UriTemplate::Use use = router::UriTemplate::Use::location) {
  router::UriTemplate t;
  return t.compile(tmpl, names, use);
}

TEST(UriTemplate, FillsRequestValuesAndParams) {
  Params p;
  p.items[0] = {"id", "42"};
  p.items[1] = {"rest", "a/b%2Fc"};
  p.size = 2;
  router::TemplateValues v{"Api.Example.com:8443", "/old/x", "a=1&b", &p};
  EXPECT_EQ(render("https://{host}{path}{query}", v), "https://Api.Example.com/old/x?a=1&b");
  EXPECT_EQ(render("/u/{id}/f/{rest}", v, {"id", "rest"}), "/u/42/f/a/b%2Fc");
  EXPECT_EQ(render("/v2{path}", v, {}, router::UriTemplate::Use::path), "/v2/old/x");
  v.query = {};
  EXPECT_EQ(render("{path}{query}", v), "/old/x");  // no '?' without a query
  v.host = "[::1]:80";
  EXPECT_EQ(render("http://{host}/", v), "http://[::1]/");
}

TEST(UriTemplate, EscapesWhatCouldSplitOrRedirect) {
  router::TemplateValues v{"evil.test/x@y", "/p", "a=\r\nSet-Cookie: x#frag", nullptr};
  EXPECT_EQ(render("https://{host}{path}{query}", v), "https://evil.test%2Fx%40y/p?a=%0D%0ASet-Cookie:%20x%23frag");
  v.host = "a b\x01";
  EXPECT_EQ(render("//{host}", v), "//a%20b%01");
}

TEST(UriTemplate, RefusesBadTemplates) {
  EXPECT_EQ(compile_error(""), "must not be empty");
  EXPECT_EQ(compile_error("/a/{id"), "'{' at byte 3 is not closed");
  EXPECT_EQ(compile_error("/a/id}"), "'}' at byte 5 closes no variable");
  EXPECT_EQ(compile_error("/a/{}"), "'{}' names no variable");
  EXPECT_EQ(compile_error("/a/{i-d}"), "variable \"i-d\" may hold only letters, digits and '_'");
  EXPECT_EQ(compile_error("/a/{id}"), "{id} is neither a parameter of the route's path nor one of {host}, {path}, {query}");
  EXPECT_EQ(compile_error("/a b"), "byte 2 is not allowed in a URI (percent-encode it)");
  EXPECT_EQ(compile_error("/a\r\n"), "byte 2 is not allowed in a URI (percent-encode it)");
  EXPECT_EQ(compile_error("/{path}", {"path"}), "{path} is ambiguous: the route also captures a parameter of that name");
  auto path = router::UriTemplate::Use::path;
  EXPECT_EQ(compile_error("v2/{id}", {"id"}, path), "must start with '/'");
  EXPECT_EQ(compile_error("/v2?x", {}, path), "byte 3 is not allowed in a path (percent-encode it)");
  EXPECT_EQ(compile_error("/{query}", {}, path), "{query} cannot be used in a path (the query is kept as it is)");
  EXPECT_EQ(compile_error("/{host}", {}, path), "{host} cannot be used in a path (the query is kept as it is)");
}

Target split_of(std::vector<SplitSide> sides, StickyKey sticky = {}, SplitOverride over = {}) {
  return Target::to_split(std::move(sides), std::move(sticky), std::move(over));
}

TEST(WeightedSplit, SequenceFollowsTheWeights) {
  router::WeightedSplit s;
  ASSERT_EQ(s.compile(split_of({{"a", 95}, {"b", 5}, {"c", 0}})), "");
  std::vector<int> counts(3);
  for (uint64_t i = 1; i <= 2000; ++i) counts[s.pick({}, "", i)]++;
  EXPECT_NEAR(counts[1], 100, 5);  // low discrepancy: far tighter than random draws
  EXPECT_EQ(counts[2], 0);         // a zero weight is never chosen
  // Every short run holds its share too.
  int b = 0;
  for (uint64_t i = 5000; i < 5100; ++i) b += s.pick({}, "", i) == 1;
  EXPECT_NEAR(b, 5, 2);
}

TEST(WeightedSplit, StickyKeysHashTheSameEverywhere) {
  router::WeightedSplit s;
  ASSERT_EQ(s.compile(split_of({{"a", 50}, {"b", 50}}, {StickyKey::Kind::header, "x-user"})), "");
  std::vector<Header> alice = {{"X-User", "alice"}};
  size_t side = s.pick(alice, "", 1);
  for (uint64_t i = 2; i < 100; ++i) EXPECT_EQ(s.pick(alice, "", i), side);
  // Another table built from the same route (another worker or gateway) agrees.
  router::WeightedSplit t;
  ASSERT_EQ(t.compile(split_of({{"a", 50}, {"b", 50}}, {StickyKey::Kind::header, "x-user"})), "");
  int on_a = 0;
  for (int u = 0; u < 1000; ++u) {
    std::string v = "user-" + std::to_string(u);
    std::vector<Header> h = {{"x-user", v}};
    EXPECT_EQ(s.pick(h, "", 7), t.pick(h, "", 99));
    on_a += s.pick(h, "", 7) == 0;
  }
  EXPECT_GT(on_a, 430);
  EXPECT_LT(on_a, 570);
}

TEST(WeightedSplit, StickyCookieAndIp) {
  router::WeightedSplit c;
  ASSERT_EQ(c.compile(split_of({{"a", 1}, {"b", 1}}, {StickyKey::Kind::cookie, "uid"})), "");
  std::vector<Header> h = {{"Cookie", "theme=dark; uid=\"u-9\" ; z=1"}};
  EXPECT_EQ(router::cookie_value(h, "uid"), "u-9");
  EXPECT_EQ(router::cookie_value(h, "ui"), "");
  EXPECT_EQ(router::cookie_value(h, "theme"), "dark");
  size_t side = c.pick(h, "", 1);
  for (uint64_t i = 0; i < 20; ++i) EXPECT_EQ(c.pick(h, "", i), side);
  router::WeightedSplit ip;
  ASSERT_EQ(ip.compile(split_of({{"a", 1}, {"b", 1}}, {StickyKey::Kind::ip, ""})), "");
  side = ip.pick({}, "10.1.2.3", 1);
  for (uint64_t i = 0; i < 20; ++i) EXPECT_EQ(ip.pick({}, "10.1.2.3", i), side);
}

TEST(WeightedSplit, OverrideForcesASideEvenAtZeroWeight) {
  router::WeightedSplit s;
  SplitOverride over{"x-canary", {{"1", "v2"}, {"old", "v1"}}};
  ASSERT_EQ(s.compile(split_of({{"v1", 10}, {"v2", 0}}, {}, over)), "");
  std::vector<Header> canary = {{"X-Canary", "1"}};
  std::vector<Header> other = {{"X-Canary", "2"}};
  for (uint64_t i = 0; i < 50; ++i) {
    EXPECT_EQ(s.pick(canary, "", i), 1u);
    EXPECT_EQ(s.pick(other, "", i), 0u);
  }
}

TEST(WeightedSplit, RefusesBadSplits) {
  router::WeightedSplit s;
  EXPECT_EQ(s.compile(split_of({})), "a split needs at least one side");
  EXPECT_EQ(s.compile(split_of({{"a", 0}, {"b", 0}})), "a split needs a side with a positive weight");
  EXPECT_EQ(s.compile(split_of({{"a", 1}, {"a", 1}})), "upstream \"a\" is in the split twice");
  EXPECT_EQ(s.compile(split_of({{"a", UINT32_MAX}, {"b", 1}})), "split weights add up to more than 4294967295");
  EXPECT_EQ(s.compile(split_of({{"a", 1}}, {StickyKey::Kind::header, "bad name"})),
            "sticky key name \"bad name\" is not an HTTP token");
  EXPECT_EQ(s.compile(split_of({{"a", 1}}, {}, {"x-c", {{"1", "zz"}}})),
            "override value \"1\" names \"zz\", which is not a side of the split");
}

TEST(Cidr, ParsesAndContains) {
  router::Cidr c;
  IpAddress a;
  ASSERT_EQ(router::parse_cidr("10.0.0.0/8", &c), "");
  ASSERT_TRUE(parse_ip_address("10.200.3.4", &a));
  EXPECT_TRUE(router::cidr_contains(c, a));
  ASSERT_TRUE(parse_ip_address("11.0.0.1", &a));
  EXPECT_FALSE(router::cidr_contains(c, a));
  ASSERT_TRUE(parse_ip_address("::ffff:10.1.1.1", &a));  // a dual-stack socket's IPv4 client
  EXPECT_EQ(a.family, 4);
  EXPECT_TRUE(router::cidr_contains(c, a));
  ASSERT_EQ(router::parse_cidr("192.168.4.0/22", &c), "");
  ASSERT_TRUE(parse_ip_address("192.168.7.255", &a));
  EXPECT_TRUE(router::cidr_contains(c, a));
  ASSERT_TRUE(parse_ip_address("192.168.8.0", &a));
  EXPECT_FALSE(router::cidr_contains(c, a));
  ASSERT_EQ(router::parse_cidr("::1/128", &c), "");
  ASSERT_TRUE(parse_ip_address("::1", &a));
  EXPECT_TRUE(router::cidr_contains(c, a));
  ASSERT_TRUE(parse_ip_address("127.0.0.1", &a));
  EXPECT_FALSE(router::cidr_contains(c, a));  // families never mix
  ASSERT_EQ(router::parse_cidr("0.0.0.0/0", &c), "");
  EXPECT_TRUE(router::cidr_contains(c, a));
  ASSERT_EQ(router::parse_cidr("2001:db8::/32", &c), "");
  ASSERT_TRUE(parse_ip_address("2001:db8:ffff::1", &a));
  EXPECT_TRUE(router::cidr_contains(c, a));
  ASSERT_EQ(router::parse_cidr("::ffff:10.0.0.0/104", &c), "");
  ASSERT_TRUE(parse_ip_address("10.9.9.9", &a));
  EXPECT_TRUE(router::cidr_contains(c, a));
  ASSERT_EQ(router::parse_cidr("127.0.0.1", &c), "");  // a bare address is one host
  EXPECT_EQ(c.bits, 32);
}

TEST(Cidr, RefusesMalformedRanges) {
  router::Cidr c;
  EXPECT_EQ(router::parse_cidr("10.1.0.0/8", &c), "\"10.1.0.0/8\" has host bits set");
  EXPECT_EQ(router::parse_cidr("10.0.0.0/33", &c), "prefix length \"33\" must be 0..32");
  EXPECT_EQ(router::parse_cidr("10.0.0.0/", &c), "prefix length \"\" must be 0..32");
  EXPECT_EQ(router::parse_cidr("10.0.0.0/8x", &c), "prefix length \"8x\" must be 0..32");
  EXPECT_EQ(router::parse_cidr("::/129", &c), "prefix length \"129\" must be 0..128");
  EXPECT_EQ(router::parse_cidr("example.com/8", &c), "\"example.com\" is not an IP address");
  EXPECT_EQ(router::parse_cidr("::ffff:10.0.0.0/8", &c), "a prefix of an IPv4-mapped address must be at least 96 bits");
}

TEST(QueryMatch, ComparesDecodedPairs) {
  QueryMatch eq{"v", "2 x", false};
  EXPECT_TRUE(router::query_holds("v=2%20x", eq));
  EXPECT_TRUE(router::query_holds("a=1&v=2%20x&b", eq));
  EXPECT_TRUE(router::query_holds("%76=2%20x", eq));
  EXPECT_FALSE(router::query_holds("v=2+x", eq));
  EXPECT_FALSE(router::query_holds("v=2%20x1", eq));
  EXPECT_FALSE(router::query_holds("v=2%2", eq));
  EXPECT_FALSE(router::query_holds("vv=2%20x", eq));
  EXPECT_FALSE(router::query_holds("", eq));
  QueryMatch has{"debug", "", true};
  EXPECT_TRUE(router::query_holds("debug", has));
  EXPECT_TRUE(router::query_holds("x&debug=0", has));
  EXPECT_FALSE(router::query_holds("debugx=1", has));
  QueryMatch empty{"e", "", false};
  EXPECT_TRUE(router::query_holds("e", empty));
  EXPECT_TRUE(router::query_holds("e=", empty));
  EXPECT_FALSE(router::query_holds("e=1", empty));
}

TEST(RoutePredicates, QueryAndClientRangesRouteAndRank) {
  Router router;
  Route q = path_route("q", "/x");
  q.query = {{"v", "2", false}};
  Route ten = path_route("ten", "/x");
  ten.client_cidrs = {"10.0.0.0/8"};
  Route lo = path_route("lo", "/x");
  lo.client_cidrs = {"::1/128", "127.0.0.0/8"};
  router.add(path_route("plain", "/x")).add(q).add(ten).add(lo);
  auto t = build_ok(router);
  auto match = [&](std::string_view query, const char* ip) {
    MatchInput in;
    in.method = "GET";
    in.path = "/x";
    in.query = query;
    if (ip != nullptr) {
      EXPECT_TRUE(parse_ip_address(ip, &in.client));
    }
    Params p;
    const Route* r = t->match(in, p);
    return r == nullptr ? std::string("<none>") : r->name;
  };
  EXPECT_EQ(match("", nullptr), "plain");
  EXPECT_EQ(match("v=2", nullptr), "q");
  EXPECT_EQ(match("", "10.1.1.1"), "ten");
  EXPECT_EQ(match("", "127.0.0.1"), "lo");
  EXPECT_EQ(match("", "::1"), "lo");
  EXPECT_EQ(match("", "192.0.2.1"), "plain");
  EXPECT_EQ(match("v=2", "10.1.1.1"), "q");  // equal counts: declaration order
}

TEST(RoutePredicates, SameQueryOrRangesConflict) {
  Router router;
  Route a = path_route("a", "/x");
  a.query = {{"v", "1", false}, {"w", "", true}};
  Route b = path_route("b", "/x");
  b.query = {{"w", "", true}, {"v", "1", false}};
  router.add(a).add(b);
  EXPECT_EQ(build_error(router), "route \"b\" conflicts with route \"a\": same path \"/x\"");
  Router r2;
  Route c = path_route("c", "/x");
  c.client_cidrs = {"10.0.0.0/8"};
  Route d = path_route("d", "/x");
  d.client_cidrs = {"10.0.0.0/8", "10.0.0.0/8"};
  r2.add(c).add(d);
  EXPECT_EQ(build_error(r2), "route \"d\" conflicts with route \"c\": same path \"/x\"");
  Router r3;
  Route e = path_route("e", "/x");
  e.client_cidrs = {"10.0.0.1/8"};
  r3.add(e);
  EXPECT_EQ(build_error(r3), "route \"e\": client range \"10.0.0.1/8\" has host bits set");
}

TEST(RouteActions, BuildChecksTargetsRewritesAndMirrors) {
  auto error_of = [](Route r) {
    Router router;
    router.add(std::move(r));
    return build_error(router);
  };
  Route r = path_route("r", "/u/:id");
  r.target = Target::to_redirect("/users/{id}", 301);
  EXPECT_NE(Router().add(r).build(), nullptr);
  r.target = Target::to_redirect("/users/{name}");
  EXPECT_EQ(error_of(r), "route \"r\": redirect location \"/users/{name}\": {name} is neither a parameter of the "
                         "route's path nor one of {host}, {path}, {query}");
  r.target = Target::to_redirect("/x", 200);
  EXPECT_EQ(error_of(r), "route \"r\": redirect status 200 is not 301, 302, 303, 307 or 308");
  Response res;
  res.headers = {{"Content-Length", "3"}};
  r.target = Target::to_response(res);
  EXPECT_EQ(error_of(r), "route \"r\": respond header \"Content-Length\" is set by the gateway");
  res.headers = {{"x-a", "b\r\nc: d"}};
  r.target = Target::to_response(res);
  EXPECT_EQ(error_of(r), "route \"r\": respond header \"x-a\" is not a token with a safe value");
  res.headers.clear();
  res.status = 99;
  r.target = Target::to_response(res);
  EXPECT_EQ(error_of(r), "route \"r\": respond status 99 must be 200..599");
  res.status = 200;
  r.target = Target::to_response(res);
  r.strip_prefix = "/u";
  EXPECT_EQ(error_of(r), "route \"r\": rewrites apply only to routes that forward (upstream or split)");
  r.strip_prefix.clear();
  r.mirror = {"shadow", 10};
  EXPECT_EQ(error_of(r), "route \"r\": mirror applies only to routes that forward (upstream or split)");
  r.target = Target::to_upstream("u");
  r.mirror = {"shadow", 101};
  EXPECT_EQ(error_of(r), "route \"r\": mirror percent 101 must be 0..100");
  r.mirror = {};
  r.strip_prefix = "/u";
  r.path_rewrite = "/v/{id}";
  EXPECT_EQ(error_of(r), "route \"r\": set one of strip_prefix, replace_prefix and path_rewrite");
  r.strip_prefix.clear();
  r.path_rewrite = "/v/{nope}";
  EXPECT_EQ(error_of(r), "route \"r\": path_rewrite \"/v/{nope}\": {nope} is neither a parameter of the route's "
                         "path nor one of {path}");
  r.path_rewrite.clear();
  r.replace_prefix = {"/u", "v"};
  EXPECT_EQ(error_of(r), "route \"r\": replace_prefix.to \"v\" must start with '/'");
}

}  // namespace
}  // namespace weir::test
