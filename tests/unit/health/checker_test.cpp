// The active checker against real sockets on 127.0.0.1: HTTP checks against
// a server whose answer the test changes, TCP checks against a closed port,
// timeouts against a server that never answers.
#include <gtest/gtest.h>
#include <uv.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "test_server.hpp"
#include "upstream/address.hpp"
#include "upstream/health/health_checker.hpp"
#include "weir/log.hpp"
#include "../run_loop.hpp"

namespace {

using weir::HealthCheckConfig;
using weir::test::TestServer;
using weir::upstream::health::HealthChecker;
using weir::upstream::health::HealthSpec;
using weir::upstream::health::UpstreamHealth;

class Checker : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(uv_loop_init(&loop_), 0);
    weir::set_log_handler([this](weir::LogLevel, std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    });
  }
  void TearDown() override {
    checker_.reset();
    // The probes' handles close on the next turns of the loop; then the loop
    // must have nothing left (uv_loop_close fails with UV_EBUSY otherwise).
    for (int i = 0; i < 100 && uv_loop_alive(&loop_); ++i) uv_run(&loop_, UV_RUN_NOWAIT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
    weir::set_log_handler(nullptr);
  }

  std::shared_ptr<UpstreamHealth> start(const std::string& address, HealthCheckConfig check) {
    HealthSpec spec;
    spec.upstream = "users";
    spec.addresses = {address};
    spec.resolved.resize(1);
    EXPECT_EQ(weir::upstream::resolve_address(address, spec.resolved[0]), "");
    spec.check = std::move(check);
    auto health = std::make_shared<UpstreamHealth>(std::move(spec));
    checker_ = std::make_unique<HealthChecker>(&loop_, std::vector{health}, 42);
    return health;
  }

  // Runs the loop until `done` holds or `ms` pass; returns `done()`.
  bool run_until(const std::function<bool()>& done, int ms = 5000) {
    return weir::test::run_loop_until(&loop_, done, ms);
  }

  bool logged(const std::string& text) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& l : lines_)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }

  static HealthCheckConfig http(std::string path) {
    HealthCheckConfig c;
    c.path = std::move(path);
    c.interval_ms = 20;
    c.timeout_ms = 200;
    c.healthy = 2;
    c.unhealthy = 3;
    return c;
  }

  uv_loop_t loop_;
  std::unique_ptr<HealthChecker> checker_;
  std::mutex mu_;
  std::vector<std::string> lines_;
};

TEST_F(Checker, HttpCheckMarksDownAfterUnhealthyFailuresAndUpAfterHealthySuccesses) {
  TestServer server;
  HealthCheckConfig check = http("/healthz");
  check.host = "svc.internal";
  auto health = start(server.address(), check);
  ASSERT_EQ(checker_->probe_count(), 1u);
  ASSERT_TRUE(run_until([&] { return server.passed() >= 3; }));
  EXPECT_TRUE(health->available(0));
  std::string req = server.last_request();
  EXPECT_EQ(req.rfind("GET /healthz HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("\r\nHost: svc.internal\r\n"), std::string::npos) << req;

  server.set_status(503);
  ASSERT_TRUE(run_until([&] { return health->down(0); }));
  EXPECT_GE(server.failed(), 3);  // not before `unhealthy` failed checks
  EXPECT_FALSE(health->available(0));
  EXPECT_TRUE(logged("upstream users endpoint " + server.address() +
                     " unhealthy: status 503 (3 consecutive checks failed)"));

  int passed_before = server.passed();
  server.set_status(204);
  ASSERT_TRUE(run_until([&] { return !health->down(0); }));
  EXPECT_GE(server.passed() - passed_before, 2);  // not before `healthy` passed checks
  EXPECT_TRUE(logged("upstream users endpoint " + server.address() + " healthy"));
}

TEST_F(Checker, ExpectStatusDecidesWhatPasses) {
  TestServer server;
  server.set_status(503);
  HealthCheckConfig check = http("/status/503");
  check.expect_status = {{503, 503}};
  auto health = start(server.address(), check);
  ASSERT_TRUE(run_until([&] { return server.requests() >= 5; }));
  EXPECT_FALSE(health->down(0));
  server.set_status(200);  // outside the list now
  EXPECT_TRUE(run_until([&] { return health->down(0); }));
}

TEST_F(Checker, TcpCheckPassesWhenTheEndpointAccepts) {
  TestServer server;
  server.set_status(0);  // never answers: a TCP check only connects
  auto health = start(server.address(), HealthCheckConfig{.interval_ms = 20, .timeout_ms = 200});
  ASSERT_TRUE(run_until([&] { return server.requests() >= 4; }));
  EXPECT_FALSE(health->down(0));
}

TEST_F(Checker, TcpCheckMarksAClosedPortDown) {
  std::string address = "127.0.0.1:" + std::to_string(weir::test::closed_port());
  auto health = start(address, HealthCheckConfig{.interval_ms = 20, .timeout_ms = 200});
  ASSERT_TRUE(run_until([&] { return health->down(0); }));
  EXPECT_TRUE(logged("upstream users endpoint " + address + " unhealthy: connect: "));
}

TEST_F(Checker, SilentEndpointTimesOut) {
  TestServer server;
  server.set_status(0);
  HealthCheckConfig check = http("/healthz");
  check.timeout_ms = 30;
  check.interval_ms = 40;
  auto health = start(server.address(), check);
  ASSERT_TRUE(run_until([&] { return health->down(0); }));
  EXPECT_TRUE(logged("unhealthy: no answer within 30 ms"));
}

TEST_F(Checker, StopsWhileAProbeIsInFlight) {
  TestServer server;
  server.set_status(0);
  HealthCheckConfig check = http("/healthz");
  check.timeout_ms = 1000;
  check.interval_ms = 1000;
  start(server.address(), check);
  ASSERT_TRUE(run_until([&] { return server.requests() >= 1; }));
  // TearDown destroys the checker with the request unanswered and checks
  // that every handle closed.
}

}  // namespace
