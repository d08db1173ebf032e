// The registry: host factories, unknown types, and option errors that name
// their key path once the config adds the entry's path.
#include <gtest/gtest.h>

#include <string>

#include "weir/config.hpp"
#include "weir/middleware.hpp"

namespace {

TEST(Registry, HostFactoryIsUsableFromConfig) {
  weir::register_middleware("test_tag", [](std::string_view json) {
    weir::MiddlewareResult r;
    if (json.find("\"bad\"") != std::string_view::npos) r.error = "bad: not allowed";
    return r;
  });
  auto ok = weir::make_middleware("test_tag", "{\"type\":\"test_tag\"}");
  EXPECT_TRUE(ok);
  EXPECT_EQ(ok.middleware.name, "test_tag");
  std::string cfg = R"({"upstreams": {"u": {"endpoints": [{"address": "127.0.0.1:1"}]}},
    "routes": [{"upstream": "u", "middleware": [{"type": "test_tag", "bad": 1}]}]})";
  auto res = weir::parse_config(cfg);
  EXPECT_EQ(res.error, "routes[0].middleware[0].bad: not allowed");
}

TEST(Registry, UnknownTypeAndThrowingFactory) {
  EXPECT_EQ(weir::make_middleware("nope", "{}").error, "type: unknown middleware type \"nope\"");
  weir::register_middleware("test_throws", [](std::string_view) -> weir::MiddlewareResult {
    throw std::runtime_error("boom");
  });
  EXPECT_FALSE(weir::make_middleware("test_throws", "{}"));
}

struct Case {
  const char* middleware;
  const char* error;
};

TEST(BuiltinOptions, ErrorsNameTheOption) {
  const Case cases[] = {
      {R"({"type": "rate_limit", "rate_per_s": 0})", "middleware[0].rate_per_s: expected a positive number"},
      {R"({"type": "rate_limit", "rate_per_s": 1, "key": "foo"})", "middleware[0].key: unknown part"},
      {R"({"type": "cors"})", "middleware[0].allow_origins: required"},
      {R"({"type": "cors", "allow_origins": ["https://a.*.com"]})", "middleware[0].allow_origins[0]:"},
      {R"({"type": "api_key", "keys": [{"key": "short", "consumer": "c"}]})",
       "middleware[0].keys[0].key: must be 16..4096 bytes"},
      {R"({"type": "basic_auth", "users": [{"user": "a", "salt": "s", "sha256": "zz"}]})",
       "middleware[0].users[0].sha256: expected 64 hex digits"},
      {R"({"type": "ip_filter", "allow": ["10.0.0.1/8"]})", "middleware[0].allow[0]:"},
      {R"({"type": "body_limit"})", "middleware[0].max_body_bytes: required"},
      {R"({"type": "jwt", "algorithms": ["HS256"]})", "middleware[0]."},
      {R"({"type": "headers", "response": {"set": {"bad name": "x"}}})",
       "middleware[0].response.set[\"bad name\"]: not a header name"},
      {R"({"type": "request_id", "extra": 1})", "middleware[0].extra: unknown key"},
      {R"({"name": "x"})", "middleware[0].type: required"},
      {R"({"disable": ["x"]})", "middleware[0].disable: only a route's list disables"},
  };
  for (const Case& c : cases) {
    std::string cfg = std::string(R"({"upstreams": {"u": {"endpoints": [{"address": "127.0.0.1:1"}]}},
      "routes": [{"upstream": "u"}], "middleware": [)") + c.middleware + "]}";
    auto res = weir::parse_config(cfg);
    EXPECT_FALSE(res) << c.middleware;
    EXPECT_EQ(res.error.rfind(c.error, 0), 0u) << c.middleware << " gave: " << res.error;
  }
}

TEST(BuiltinOptions, GoodConfigParses) {
  std::string cfg = R"({"upstreams": {"u": {"endpoints": [{"address": "127.0.0.1:1"}]}},
    "middleware": [{"type": "request_id", "name": "rid"},
                   {"type": "headers", "request": {"set": {"x-r": "{route}-{param.id}"}}}],
    "routes": [{"name": "r", "match": {"path": "/u/:id"}, "upstream": "u",
                "middleware": [{"disable": ["rid"]},
                               {"type": "rate_limit", "key": "ip+header:x-u", "rate_per_s": 5}]}]})";
  auto res = weir::parse_config(cfg);
  ASSERT_TRUE(res) << res.error;
  ASSERT_EQ(res.config->middleware.size(), 2u);
  EXPECT_EQ(res.config->middleware[0].name, "rid");
  EXPECT_EQ(res.config->middleware[1].name, "headers");
  ASSERT_EQ(res.config->routes[0].middleware.size(), 2u);
  EXPECT_EQ(res.config->routes[0].middleware[0].disable, std::vector<std::string>{"rid"});
}

}  // namespace
