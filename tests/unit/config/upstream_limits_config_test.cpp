// An upstream's connection limits, pending queue and panic mode, the circuit
// breaker's fallback and a route's retry.buffer_bytes: parsed values,
// defaults, and one exact key-path message per mistake.
#include <gtest/gtest.h>

#include <string>

#include "weir/config.hpp"

namespace {

std::string with(const std::string& members, const std::string& route = "") {
  return R"({"upstreams": {"users": {"endpoints": [{"address": "127.0.0.1:9001"}])" +
         (members.empty() ? "" : ", " + members) + R"(}}, "routes": [{"upstream": "users")" +
         (route.empty() ? "" : ", " + route) + "}]}";
}

const weir::UpstreamConfig& users(const weir::ConfigResult& r) { return r.config->upstreams.at("users"); }

TEST(UpstreamLimitsConfig, Defaults) {
  weir::ConfigResult r = weir::parse_config(with(""));
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(users(r).max_pending, 1024u);
  EXPECT_EQ(users(r).pending_timeout_ms, 0u);  // the connect timeout
  EXPECT_EQ(users(r).max_requests_per_connection, 0u);
  EXPECT_EQ(users(r).panic, "spread");
  EXPECT_EQ(r.config->routes[0].retry.buffer_bytes, 65536u);
}

TEST(UpstreamLimitsConfig, ParsedValues) {
  weir::ConfigResult r = weir::parse_config(
      with(R"("max_pending": 7, "pending_timeout_ms": 250, "max_requests_per_connection": 100,
             "panic": "fail",
             "circuit_breaker": {"fallback": {"status": 200, "headers": {"Content-Type": "text/plain"},
                                              "body": "later"}})",
           R"("retry": {"attempts": 1, "on": ["503"], "buffer_bytes": 0})"));
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(users(r).max_pending, 7u);
  EXPECT_EQ(users(r).pending_timeout_ms, 250u);
  EXPECT_EQ(users(r).max_requests_per_connection, 100u);
  EXPECT_EQ(users(r).panic, "fail");
  const weir::RouteRespond& fb = *users(r).circuit_breaker->fallback;
  EXPECT_EQ(fb.status, 200u);
  ASSERT_EQ(fb.headers.size(), 1u);
  EXPECT_EQ(fb.headers[0].first, "content-type");  // lower-cased, as a route's respond
  EXPECT_EQ(fb.body, "later");
  EXPECT_EQ(r.config->routes[0].retry.buffer_bytes, 0u);
}

TEST(UpstreamLimitsConfig, NoFallbackUnlessGiven) {
  weir::ConfigResult r = weir::parse_config(with(R"("circuit_breaker": {})"));
  ASSERT_TRUE(r) << r.error;
  EXPECT_FALSE(users(r).circuit_breaker->fallback.has_value());
}

struct Case {
  const char* members;
  const char* route;
  const char* error;
};

class UpstreamLimitsError : public testing::TestWithParam<Case> {};

TEST_P(UpstreamLimitsError, NamesTheKey) {
  weir::ConfigResult r = weir::parse_config(with(GetParam().members, GetParam().route));
  EXPECT_FALSE(r);
  EXPECT_EQ(r.error, GetParam().error);
}

const Case kErrors[] = {
    {R"("panic": "sometimes")", "", R"(upstreams.users.panic: expected "spread" or "fail", got "sometimes")"},
    {R"("panic": true)", "", "upstreams.users.panic: expected string"},
    {R"("max_pending": 2000000)", "", "upstreams.users.max_pending: must be 0..1048576"},
    {R"("max_pending": -1)", "", "upstreams.users.max_pending: expected a non-negative integer"},
    {R"("pending_timeout_ms": 600001)", "",
     "upstreams.users.pending_timeout_ms: must be 0..600000 (0: connect_timeout_ms)"},
    {R"("max_requests_per_connection": 1.5)", "",
     "upstreams.users.max_requests_per_connection: expected a non-negative integer"},
    {R"("circuit_breaker": {"fallback": {"status": 99}})", "",
     "upstreams.users.circuit_breaker.fallback.status: must be 200..599"},
    {R"("circuit_breaker": {"fallback": {"headers": {"transfer-encoding": "chunked"}}})", "",
     "upstreams.users.circuit_breaker.fallback.headers.transfer-encoding: set by the gateway, not configurable"},
    {R"("circuit_breaker": {"fallback": {"headers": {"x-a": "1\n2"}}})", "",
     "upstreams.users.circuit_breaker.fallback.headers.x-a: control characters are not allowed"},
    {R"("circuit_breaker": {"fallback": "sorry"})", "",
     "upstreams.users.circuit_breaker.fallback: expected an object"},
    {R"("circuit_breaker": {"fallback": {"text": "x"}})", "",
     "upstreams.users.circuit_breaker.fallback.text: unknown key"},
    {"", R"("retry": {"attempts": 1, "on": ["503"], "buffer_bytes": 16777217})",
     "routes[0].retry.buffer_bytes: must be 0..16777216"},
    {"", R"("retry": {"attempts": 1, "on": ["503"], "buffer_bytes": "64k"})",
     "routes[0].retry.buffer_bytes: expected a non-negative integer"},
};
INSTANTIATE_TEST_SUITE_P(Upstream, UpstreamLimitsError, testing::ValuesIn(kErrors));

TEST(UpstreamLimitsConfig, ConfigBuiltInCodeGetsTheSameChecks) {
  weir::GatewayConfig cfg;
  cfg.listeners.emplace_back();
  weir::UpstreamConfig& u = cfg.upstreams["users"];
  u.endpoints.push_back({"127.0.0.1:9001", 1});
  u.panic = "never";
  EXPECT_EQ(weir::validate_config(cfg), R"(upstreams.users.panic: expected "spread" or "fail", got "never")");
  u.panic = "fail";
  u.circuit_breaker.emplace().fallback.emplace().status = 600;
  EXPECT_EQ(weir::validate_config(cfg), "upstreams.users.circuit_breaker.fallback.status: must be 200..599");
}

}  // namespace
