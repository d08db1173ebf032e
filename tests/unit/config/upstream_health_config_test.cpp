// An upstream's health_check, outlier and circuit_breaker objects: parsed
// values, defaults, absence, and one exact key-path message per mistake.
#include <gtest/gtest.h>

#include <string>

#include "weir/config.hpp"

namespace {

std::string with(const std::string& members) {
  return R"({"upstreams": {"users": {"endpoints": [{"address": "127.0.0.1:9001"}])" +
         (members.empty() ? "" : ", " + members) + "}}}";
}

const weir::UpstreamConfig& users(const weir::ConfigResult& r) { return r.config->upstreams.at("users"); }

TEST(UpstreamHealthConfig, AbsentMeansOff) {
  weir::ConfigResult r = weir::parse_config(with(""));
  ASSERT_TRUE(r) << r.error;
  EXPECT_FALSE(users(r).health_check.has_value());
  EXPECT_FALSE(users(r).outlier.has_value());
  EXPECT_FALSE(users(r).circuit_breaker.has_value());
}

TEST(UpstreamHealthConfig, EmptyObjectsTakeTheDefaults) {
  weir::ConfigResult r =
      weir::parse_config(with(R"("health_check": {}, "outlier": {}, "circuit_breaker": {})"));
  ASSERT_TRUE(r) << r.error;
  const weir::HealthCheckConfig& h = *users(r).health_check;
  EXPECT_EQ(h.path, "");  // a TCP check
  EXPECT_EQ(h.interval_ms, 5000u);
  EXPECT_EQ(h.timeout_ms, 1000u);
  EXPECT_EQ(h.healthy, 2u);
  EXPECT_EQ(h.unhealthy, 3u);
  EXPECT_TRUE(h.expect_status.empty());
  const weir::OutlierConfig& o = *users(r).outlier;
  EXPECT_EQ(o.consecutive_5xx, 5u);
  EXPECT_EQ(o.consecutive_gateway_errors, 5u);
  EXPECT_EQ(o.base_ejection_ms, 30000u);
  EXPECT_EQ(o.max_ejection_percent, 50u);
  const weir::CircuitBreakerConfig& b = *users(r).circuit_breaker;
  EXPECT_EQ(b.error_percent, 50u);
  EXPECT_EQ(b.min_requests, 20u);
  EXPECT_EQ(b.window_ms, 10000u);
  EXPECT_EQ(b.open_ms, 30000u);
  EXPECT_EQ(b.half_open_requests, 1u);
  EXPECT_EQ(b.max_requests, 0u);
}

TEST(UpstreamHealthConfig, ReadsEveryOption) {
  weir::ConfigResult r = weir::parse_config(with(R"(
    "health_check": {"path": "/healthz", "host": "users.internal", "interval_ms": 2000,
                     "timeout_ms": 500, "healthy": 1, "unhealthy": 4,
                     "expect_status": [200, "300-399", 418]},
    "outlier": {"consecutive_5xx": 7, "consecutive_gateway_errors": 0, "base_ejection_ms": 1000,
                "max_ejection_percent": 100},
    "circuit_breaker": {"error_percent": 25, "min_requests": 5, "window_ms": 2000, "open_ms": 100,
                        "half_open_requests": 3, "max_connections": 10, "max_pending": 11,
                        "max_requests": 12, "max_retries": 13})"));
  ASSERT_TRUE(r) << r.error;
  const weir::HealthCheckConfig& h = *users(r).health_check;
  EXPECT_EQ(h.path, "/healthz");
  EXPECT_EQ(h.host, "users.internal");
  EXPECT_EQ(h.interval_ms, 2000u);
  EXPECT_EQ(h.timeout_ms, 500u);
  EXPECT_EQ(h.healthy, 1u);
  EXPECT_EQ(h.unhealthy, 4u);
  ASSERT_EQ(h.expect_status.size(), 3u);
  EXPECT_EQ(h.expect_status[0].lo, 200u);
  EXPECT_EQ(h.expect_status[0].hi, 200u);
  EXPECT_EQ(h.expect_status[1].lo, 300u);
  EXPECT_EQ(h.expect_status[1].hi, 399u);
  EXPECT_EQ(h.expect_status[2].lo, 418u);
  const weir::OutlierConfig& o = *users(r).outlier;
  EXPECT_EQ(o.consecutive_5xx, 7u);
  EXPECT_EQ(o.consecutive_gateway_errors, 0u);
  EXPECT_EQ(o.base_ejection_ms, 1000u);
  EXPECT_EQ(o.max_ejection_percent, 100u);
  const weir::CircuitBreakerConfig& b = *users(r).circuit_breaker;
  EXPECT_EQ(b.error_percent, 25u);
  EXPECT_EQ(b.min_requests, 5u);
  EXPECT_EQ(b.window_ms, 2000u);
  EXPECT_EQ(b.open_ms, 100u);
  EXPECT_EQ(b.half_open_requests, 3u);
  EXPECT_EQ(b.max_connections, 10u);
  EXPECT_EQ(b.max_pending, 11u);
  EXPECT_EQ(b.max_requests, 12u);
  EXPECT_EQ(b.max_retries, 13u);
}

struct Case {
  const char* members;
  const char* error;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.members; }

class UpstreamHealthError : public testing::TestWithParam<Case> {};

TEST_P(UpstreamHealthError, NamesTheKeyPath) {
  weir::ConfigResult r = weir::parse_config(with(GetParam().members));
  EXPECT_FALSE(r);
  EXPECT_EQ(r.error, GetParam().error);
}

const Case kErrors[] = {
    {R"("health_check": 1)", "upstreams.users.health_check: expected an object"},
    {R"("health_check": {"intervall_ms": 1})", "upstreams.users.health_check.intervall_ms: unknown key"},
    {R"("health_check": {"interval_ms": 99})",
     "upstreams.users.health_check.interval_ms: must be at least 100"},
    {R"("health_check": {"interval_ms": 3600001})",
     "upstreams.users.health_check.interval_ms: must be 100..3600000"},
    {R"("health_check": {"timeout_ms": 0})", "upstreams.users.health_check.timeout_ms: must be at least 1"},
    {R"("health_check": {"interval_ms": 1000, "timeout_ms": 1001})",
     "upstreams.users.health_check.timeout_ms: must be at most interval_ms (1000)"},
    {R"("health_check": {"healthy": 0})", "upstreams.users.health_check.healthy: must be 1..100"},
    {R"("health_check": {"unhealthy": 101})", "upstreams.users.health_check.unhealthy: must be 1..100"},
    {R"("health_check": {"path": "healthz"})",
     "upstreams.users.health_check.path: expected an origin-form path (\"/healthz\") of at most 1024 "
     "bytes without spaces or control characters"},
    {R"("health_check": {"path": "/a b"})",
     "upstreams.users.health_check.path: expected an origin-form path (\"/healthz\") of at most 1024 "
     "bytes without spaces or control characters"},
    {R"("health_check": {"path": "/h", "host": "a\r\nx: y"})",
     "upstreams.users.health_check.host: expected a host of at most 255 bytes without spaces or "
     "control characters"},
    {R"("health_check": {"host": "a"})", "upstreams.users.health_check.host: only used with path (an HTTP check)"},
    {R"("health_check": {"expect_status": [200]})",
     "upstreams.users.health_check.expect_status: only used with path (an HTTP check)"},
    {R"("health_check": {"path": "/h", "expect_status": 200})",
     "upstreams.users.health_check.expect_status: expected an array"},
    {R"("health_check": {"path": "/h", "expect_status": [200, "2xx"]})",
     "upstreams.users.health_check.expect_status[1]: expected a status code or a range \"200-399\", got \"2xx\""},
    {R"("health_check": {"path": "/h", "expect_status": [true]})",
     "upstreams.users.health_check.expect_status[0]: expected a status code or a range \"200-399\""},
    {R"("health_check": {"path": "/h", "expect_status": ["399-200"]})",
     "upstreams.users.health_check.expect_status[0]: expected statuses within 100..599, low to high"},
    {R"("health_check": {"path": "/h", "expect_status": [600]})",
     "upstreams.users.health_check.expect_status[0]: expected statuses within 100..599, low to high"},
    {R"("outlier": {"base_ejection_ms": 0})", "upstreams.users.outlier.base_ejection_ms: must be 1..3600000"},
    {R"("outlier": {"max_ejection_percent": 101})",
     "upstreams.users.outlier.max_ejection_percent: must be 0..100"},
    {R"("outlier": {"consecutive_5xx": -1})",
     "upstreams.users.outlier.consecutive_5xx: expected a non-negative integer"},
    {R"("outlier": {"interval_ms": 1})", "upstreams.users.outlier.interval_ms: unknown key"},
    {R"("circuit_breaker": {"error_percent": 0})", "upstreams.users.circuit_breaker.error_percent: must be 1..100"},
    {R"("circuit_breaker": {"min_requests": 0})",
     "upstreams.users.circuit_breaker.min_requests: must be at least 1"},
    {R"("circuit_breaker": {"window_ms": 50})", "upstreams.users.circuit_breaker.window_ms: must be at least 100"},
    {R"("circuit_breaker": {"open_ms": 0})", "upstreams.users.circuit_breaker.open_ms: must be 1..3600000"},
    {R"("circuit_breaker": {"half_open_requests": 0})",
     "upstreams.users.circuit_breaker.half_open_requests: must be 1..1000"},
    {R"("circuit_breaker": {"max_requests": "10"})",
     "upstreams.users.circuit_breaker.max_requests: expected a non-negative integer"},
};
INSTANTIATE_TEST_SUITE_P(Upstream, UpstreamHealthError, testing::ValuesIn(kErrors));

TEST(UpstreamHealthConfig, ConfigBuiltInCodeGetsTheSameChecks) {
  weir::GatewayConfig cfg;
  cfg.listeners.emplace_back();
  weir::UpstreamConfig& u = cfg.upstreams["users"];
  u.endpoints.push_back({"127.0.0.1:9001", 1});
  u.health_check.emplace().interval_ms = 10;
  EXPECT_EQ(weir::validate_config(cfg), "upstreams.users.health_check.interval_ms: must be at least 100");
}

}  // namespace
