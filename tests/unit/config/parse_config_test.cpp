// A valid document becomes the typed config, with defaults where keys are
// left out.
#include <gtest/gtest.h>

#include "weir/config.hpp"

namespace {

constexpr const char* kFull = R"({
  "workers": 4,
  "listeners": [
    { "name": "public", "address": "0.0.0.0", "port": 8080 },
    { "name": "internal", "address": "::1", "port": 8081 }
  ],
  "limits": { "max_header_bytes": 32768, "max_url_bytes": 4096, "max_headers": 64,
              "max_body_bytes": 0, "header_timeout_ms": 5000, "idle_timeout_ms": 30000,
              "max_connections": 5000 },
  "admin": { "address": "127.0.0.1", "port": 9901, "token": "s3cret" },
  "via": true,
  "upstreams": {
    "users": { "endpoints": [ { "address": "127.0.0.1:9001", "weight": 3 },
                              { "address": "[::1]:9002" },
                              { "address": "users.internal:80", "weight": 10000 } ],
               "lb": "random", "connect_timeout_ms": 250, "idle_timeout_ms": 15000,
               "max_connections": 100, "max_idle": 10, "resolve_interval_ms": 5000 },
    "static": { "endpoints": [ { "address": "localhost:8000" } ] }
  },
  "routes": [
    { "name": "users",
      "match": { "host": "API.Example.com", "path": "/api/v1/users/:id", "methods": ["GET", "PUT"],
                 "headers": { "X-Canary": "1" } },
      "upstream": "users", "timeout_ms": 5000,
      "rewrite": { "strip_prefix": "/api", "host": "users.internal" } },
    { "match": { "prefix": "/static/" }, "upstream": "static" },
    { "upstream": "static" }
  ]
})";

TEST(ParseConfig, FullDocumentFillsEveryField) {
  weir::ConfigResult r = weir::parse_config(kFull);
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r.error.empty());
  const weir::GatewayConfig& c = *r.config;
  EXPECT_EQ(c.workers, 4u);

  ASSERT_EQ(c.listeners.size(), 2u);
  EXPECT_EQ(c.listeners[0].name, "public");
  EXPECT_EQ(c.listeners[0].address, "0.0.0.0");
  EXPECT_EQ(c.listeners[0].port, 8080);
  EXPECT_EQ(c.listeners[1].name, "internal");
  EXPECT_EQ(c.listeners[1].address, "::1");
  EXPECT_EQ(c.listeners[1].port, 8081);

  EXPECT_EQ(c.limits.max_header_bytes, 32768u);
  EXPECT_EQ(c.limits.max_url_bytes, 4096u);
  EXPECT_EQ(c.limits.max_headers, 64u);
  EXPECT_EQ(c.limits.max_body_bytes, 0u);
  EXPECT_EQ(c.limits.header_timeout_ms, 5000u);
  EXPECT_EQ(c.limits.idle_timeout_ms, 30000u);
  EXPECT_EQ(c.limits.max_connections, 5000u);

  EXPECT_EQ(c.admin.address, "127.0.0.1");
  EXPECT_EQ(c.admin.port, 9901);
  EXPECT_EQ(c.admin.token, "s3cret");
  EXPECT_TRUE(c.via);

  ASSERT_EQ(c.upstreams.size(), 2u);
  const weir::UpstreamConfig& users = c.upstreams.at("users");
  ASSERT_EQ(users.endpoints.size(), 3u);
  EXPECT_EQ(users.endpoints[0].address, "127.0.0.1:9001");
  EXPECT_EQ(users.endpoints[0].weight, 3u);
  EXPECT_EQ(users.endpoints[1].address, "[::1]:9002");
  EXPECT_EQ(users.endpoints[1].weight, 1u);
  EXPECT_EQ(users.endpoints[2].weight, 10000u);
  EXPECT_EQ(users.lb, "random");
  EXPECT_EQ(users.connect_timeout_ms, 250u);
  EXPECT_EQ(users.idle_timeout_ms, 15000u);
  EXPECT_EQ(users.max_connections, 100u);
  EXPECT_EQ(users.max_idle, 10u);
  EXPECT_EQ(users.resolve_interval_ms, 5000u);
  const weir::UpstreamConfig& st = c.upstreams.at("static");
  EXPECT_EQ(st.lb, "round_robin");
  EXPECT_EQ(st.connect_timeout_ms, 1000u);
  EXPECT_EQ(st.idle_timeout_ms, 60000u);
  EXPECT_EQ(st.max_connections, 1024u);
  EXPECT_EQ(st.max_idle, 64u);
  EXPECT_EQ(st.resolve_interval_ms, 30000u);

  ASSERT_EQ(c.routes.size(), 3u);
  const weir::RouteConfig& r0 = c.routes[0];
  EXPECT_EQ(r0.name, "users");
  EXPECT_EQ(r0.match.host, "api.example.com");  // lower-cased
  EXPECT_EQ(r0.match.path, "/api/v1/users/:id");
  EXPECT_EQ(r0.match.prefix, "");
  EXPECT_EQ(r0.match.methods, (std::vector<std::string>{"GET", "PUT"}));
  ASSERT_EQ(r0.match.headers.size(), 1u);
  EXPECT_EQ(r0.match.headers.at("x-canary"), "1");  // name lower-cased
  EXPECT_EQ(r0.upstream, "users");
  EXPECT_EQ(r0.timeout_ms, 5000u);
  EXPECT_EQ(r0.rewrite.strip_prefix, "/api");
  EXPECT_EQ(r0.rewrite.host, "users.internal");

  EXPECT_EQ(c.routes[1].name, "route-1");
  EXPECT_EQ(c.routes[1].match.prefix, "/static/");
  EXPECT_EQ(c.routes[1].timeout_ms, 30000u);
  EXPECT_EQ(c.routes[2].name, "route-2");
  EXPECT_TRUE(c.routes[2].match.prefix.empty());
  EXPECT_TRUE(c.routes[2].match.methods.empty());
  EXPECT_TRUE(c.routes[2].match.headers.empty());

  EXPECT_EQ(weir::validate_config(c), "");
}

TEST(ParseConfig, EmptyObjectGivesDefaults) {
  weir::ConfigResult r = weir::parse_config("{}");
  ASSERT_TRUE(r) << r.error;
  const weir::GatewayConfig& c = *r.config;
  weir::GatewayConfig d;
  EXPECT_EQ(c.workers, 0u);
  ASSERT_EQ(c.listeners.size(), 1u);  // the default listener
  EXPECT_EQ(c.listeners[0].name, "default");
  EXPECT_EQ(c.listeners[0].address, "0.0.0.0");
  EXPECT_EQ(c.listeners[0].port, 8080);
  EXPECT_EQ(c.limits.max_header_bytes, d.limits.max_header_bytes);
  EXPECT_EQ(c.limits.max_url_bytes, d.limits.max_url_bytes);
  EXPECT_EQ(c.limits.max_headers, d.limits.max_headers);
  EXPECT_EQ(c.limits.max_body_bytes, d.limits.max_body_bytes);
  EXPECT_EQ(c.limits.header_timeout_ms, d.limits.header_timeout_ms);
  EXPECT_EQ(c.limits.idle_timeout_ms, d.limits.idle_timeout_ms);
  EXPECT_EQ(c.limits.max_connections, d.limits.max_connections);
  EXPECT_EQ(c.admin.port, 0);
  EXPECT_EQ(c.admin.address, "127.0.0.1");
  EXPECT_FALSE(c.via);
  EXPECT_TRUE(c.upstreams.empty());
  EXPECT_TRUE(c.routes.empty());
}

TEST(ParseConfig, UnnamedListenersAreNumbered) {
  weir::ConfigResult r = weir::parse_config(
      R"({"listeners": [{"port": 8080}, {"address": "127.0.0.1", "port": 8081}]})");
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r.config->listeners[0].name, "listener-0");
  EXPECT_EQ(r.config->listeners[0].address, "0.0.0.0");
  EXPECT_EQ(r.config->listeners[1].name, "listener-1");
}

TEST(ParseConfig, IntegralNumbersInAnyJsonSpellingAreAccepted) {
  weir::ConfigResult r =
      weir::parse_config(R"({"workers": 2.0, "limits": {"max_body_bytes": 9007199254740991,
                             "max_connections": 4294967295, "header_timeout_ms": 1e3}})");
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r.config->workers, 2u);
  EXPECT_EQ(r.config->limits.max_body_bytes, 9007199254740991u);
  EXPECT_EQ(r.config->limits.max_connections, 4294967295u);
  EXPECT_EQ(r.config->limits.header_timeout_ms, 1000u);
}

TEST(ParseConfig, AcceptsWhiteSpaceAroundTheDocument) {
  EXPECT_TRUE(weir::parse_config(" \r\n\t{}\n\n"));
}

TEST(ValidateConfig, AcceptsAConfigBuiltInCode) {
  weir::GatewayConfig c;
  c.listeners.push_back({.name = "web", .address = "127.0.0.1", .port = 8080});
  c.upstreams["svc"].endpoints.push_back({.address = "127.0.0.1:9000", .weight = 1});
  weir::RouteConfig route;
  route.name = "all";
  route.upstream = "svc";
  c.routes.push_back(route);
  EXPECT_EQ(weir::validate_config(c), "");
}

TEST(ValidateConfig, ChecksAConfigBuiltInCode) {
  weir::GatewayConfig c;  // no listener
  EXPECT_EQ(weir::validate_config(c), "listeners: at least one listener is required");
  c.listeners.emplace_back();
  c.routes.emplace_back();  // no name
  EXPECT_EQ(weir::validate_config(c),
            "routes[0].name: expected 1..128 characters of A-Z a-z 0-9 - _ .");
  c.routes[0].name = "r";
  EXPECT_EQ(weir::validate_config(c),
            "routes[0]: one of \"upstream\", \"split\", \"redirect\" or \"respond\" is required");
  c.routes[0].upstream = "nope";
  EXPECT_EQ(weir::validate_config(c), "routes[0].upstream: unknown upstream \"nope\"");
  c.upstreams["nope"].endpoints.push_back({.address = "h:1", .weight = 1});
  EXPECT_EQ(weir::validate_config(c), "");
  c.routes[0].match.headers["X-Up"] = "1";
  EXPECT_EQ(weir::validate_config(c),
            "routes[0].match.headers.X-Up: header names must be lower-case");
}

TEST(ParseConfig, RouteActionsAndPredicates) {
  weir::ConfigResult r = weir::parse_config(R"({
    "upstreams": { "a": { "endpoints": [ { "address": "h:1" } ] },
                   "b": { "endpoints": [ { "address": "h:2" } ] } },
    "routes": [
      { "name": "split", "match": { "path": "/u/:id", "query": { "v": "2", "debug": true },
                                    "client_cidrs": [ "10.0.0.0/8", "::1/128" ] },
        "split": [ { "upstream": "a", "weight": 95 }, { "upstream": "b", "weight": 5 } ],
        "sticky": { "key": "cookie:uid" },
        "override": { "header": "X-Canary", "values": { "1": "b" } },
        "rewrite": { "path": "/v2/users/{id}" },
        "mirror": { "upstream": "b", "percent": 10 } },
      { "name": "moved", "match": { "prefix": "/old/" },
        "redirect": { "location": "https://{host}{path}{query}", "status": 308 } },
      { "name": "teapot", "match": { "path": "/tea" },
        "respond": { "status": 418, "headers": { "Content-Type": "text/plain" }, "body": "tea" } },
      { "name": "moved-default", "redirect": { "location": "/" } },
      { "name": "v1", "match": { "prefix": "/v1/" }, "upstream": "a",
        "rewrite": { "replace_prefix": { "from": "/v1/", "to": "/v2/" } } }
    ]
  })");
  ASSERT_TRUE(r) << r.error;
  const auto& routes = r.config->routes;
  ASSERT_EQ(routes.size(), 5u);
  const weir::RouteConfig& s = routes[0];
  ASSERT_EQ(s.split.size(), 2u);
  EXPECT_EQ(s.split[1].upstream, "b");
  EXPECT_EQ(s.split[1].weight, 5u);
  EXPECT_EQ(s.sticky.key, "cookie:uid");
  EXPECT_EQ(s.split_override.header, "x-canary");
  EXPECT_EQ(s.split_override.values.at("1"), "b");
  EXPECT_EQ(s.match.query.at("v"), "2");
  EXPECT_FALSE(s.match.query.at("debug").has_value());
  EXPECT_EQ(s.match.client_cidrs, (std::vector<std::string>{"10.0.0.0/8", "::1/128"}));
  EXPECT_EQ(s.rewrite.path, "/v2/users/{id}");
  EXPECT_EQ(s.mirror.upstream, "b");
  EXPECT_EQ(s.mirror.percent, 10u);
  ASSERT_TRUE(routes[1].redirect.has_value());
  EXPECT_EQ(routes[1].redirect->status, 308u);
  EXPECT_EQ(routes[1].redirect->location, "https://{host}{path}{query}");
  ASSERT_TRUE(routes[2].respond.has_value());
  EXPECT_EQ(routes[2].respond->status, 418u);
  EXPECT_EQ(routes[2].respond->body, "tea");
  ASSERT_EQ(routes[2].respond->headers.size(), 1u);
  EXPECT_EQ(routes[2].respond->headers[0].first, "content-type");
  EXPECT_EQ(routes[3].redirect->status, 302u);  // the default
  EXPECT_EQ(routes[4].rewrite.replace_prefix.from, "/v1/");
  EXPECT_EQ(routes[4].rewrite.replace_prefix.to, "/v2/");
}

TEST(ParseConfig, HeaderPredicatesAndTrailingSlash) {
  weir::ConfigResult r = weir::parse_config(R"({
    "trailing_slash": "redirect",
    "upstreams": { "a": { "endpoints": [ { "address": "h:1" } ] } },
    "routes": [
      { "match": { "headers": { "X-Eq": "1", "x-has": { "present": true }, "x-pre": { "prefix": "Bearer " },
                                "x-glob": { "glob": "v?-*" }, "x-eq2": { "equals": "2" } } },
        "upstream": "a" }
    ]
  })");
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r.config->trailing_slash, "redirect");
  const weir::RouteMatch& m = r.config->routes.at(0).match;
  EXPECT_EQ(m.headers, (std::map<std::string, std::string>{{"x-eq", "1"}}));
  ASSERT_EQ(m.header_matches.size(), 4u);
  EXPECT_EQ(m.header_matches.at("x-has").kind, "present");
  EXPECT_EQ(m.header_matches.at("x-has").value, "");
  EXPECT_EQ(m.header_matches.at("x-pre").kind, "prefix");
  EXPECT_EQ(m.header_matches.at("x-pre").value, "Bearer ");
  EXPECT_EQ(m.header_matches.at("x-glob").kind, "glob");
  EXPECT_EQ(m.header_matches.at("x-glob").value, "v?-*");
  EXPECT_EQ(m.header_matches.at("x-eq2").kind, "equals");
  EXPECT_EQ(weir::parse_config("{}").config->trailing_slash, "strict");
}

}  // namespace
