// The name resolver on a real loop with real uv_getaddrinfo: "localhost"
// comes from /etc/hosts; a name under .invalid (RFC 6761) never resolves.
#include <gtest/gtest.h>
#include <uv.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "upstream/name_resolver.hpp"
#include "../run_loop.hpp"

namespace {

using weir::upstream::format_address;
using weir::upstream::NameAnswer;
using weir::upstream::NameResolver;
using weir::upstream::NameWatch;

constexpr const char* kNoSuchName = "weir-unit-no-such-name.invalid";

struct Seen {
  int status;
  std::vector<std::string> addresses;
};

class Resolver : public testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(uv_loop_init(&loop_), 0); }
  void TearDown() override {
    if (resolver_) {
      bool closed = false;
      resolver_->close([&] { closed = true; });
      EXPECT_TRUE(run_until([&] { return closed; }));
      resolver_.reset();
    }
    for (int i = 0; i < 1000 && uv_loop_alive(&loop_); ++i) uv_run(&loop_, UV_RUN_ONCE);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }

  void make() {
    resolver_ = std::make_unique<NameResolver>(&loop_, [this](const NameAnswer& a) {
      Seen s{a.status, {}};
      for (const auto& addr : a.addresses) s.addresses.push_back(format_address(addr));
      answers_[a.host].push_back(std::move(s));
    });
  }

  size_t count(const std::string& host) { return answers_[host].size(); }

  // Runs the loop until `done` holds or `ms` pass; returns `done()`.
  bool run_until(const std::function<bool()>& done, int ms = 5000) {
    return weir::test::run_loop_until(&loop_, done, ms);
  }

  void run_for(int ms) {
    run_until([] { return false; }, ms);
  }

  uv_loop_t loop_;
  std::unique_ptr<NameResolver> resolver_;
  std::map<std::string, std::vector<Seen>> answers_;
};

TEST_F(Resolver, ResolvesANameAndResolvesItAgainEveryInterval) {
  make();
  resolver_->watch({{"localhost", 20}});
  EXPECT_EQ(resolver_->watched(), 1u);
  ASSERT_TRUE(run_until([&] { return count("localhost") >= 3; }));
  for (const Seen& s : answers_["localhost"]) {
    EXPECT_EQ(s.status, 0);
    EXPECT_NE(std::find(s.addresses.begin(), s.addresses.end(), "127.0.0.1:0"), s.addresses.end());
  }
}

TEST_F(Resolver, ANameThatDoesNotResolveAnswersAnError) {
  make();
  resolver_->watch({{kNoSuchName, 10000}});
  ASSERT_TRUE(run_until([&] { return count(kNoSuchName) == 1; }));
  EXPECT_LT(answers_[kNoSuchName][0].status, 0);
  EXPECT_TRUE(answers_[kNoSuchName][0].addresses.empty());
}

TEST_F(Resolver, WatchingTheSameNamesAgainKeepsTheirSchedule) {
  make();
  resolver_->watch({{"localhost", 60000}});
  ASSERT_TRUE(run_until([&] { return count("localhost") == 1; }));
  // What every snapshot an answer publishes does: the same set again.
  for (int i = 0; i < 5; ++i) resolver_->watch({{"localhost", 60000}});
  run_for(100);
  EXPECT_EQ(count("localhost"), 1u);
  EXPECT_EQ(resolver_->watched(), 1u);

  // A dropped name stops; watched again, it is looked up at once.
  resolver_->watch({});
  EXPECT_EQ(resolver_->watched(), 0u);
  resolver_->watch({{"localhost", 60000}, {kNoSuchName, 60000}});
  EXPECT_EQ(resolver_->watched(), 2u);
  ASSERT_TRUE(run_until([&] { return count("localhost") == 2 && count(kNoSuchName) == 1; }));
}

TEST_F(Resolver, AChangedIntervalCountsFromNow) {
  make();
  resolver_->watch({{"localhost", 60000}});
  ASSERT_TRUE(run_until([&] { return count("localhost") == 1; }));
  resolver_->watch({{"localhost", 10}});
  ASSERT_TRUE(run_until([&] { return count("localhost") >= 3; }));
}

TEST_F(Resolver, CloseEndsLookupsInFlightWithoutAnswers) {
  make();
  resolver_->watch({{"localhost", 10}, {kNoSuchName, 10}, {"weir-unit-other.invalid", 10}});
  bool closed = false;
  resolver_->close([&] { closed = true; });
  ASSERT_TRUE(run_until([&] { return closed; }));
  EXPECT_EQ(resolver_->watched(), 0u);
  EXPECT_TRUE(answers_.empty());
  resolver_->watch({{"localhost", 10}});  // closed: ignored
  EXPECT_EQ(resolver_->watched(), 0u);
  resolver_.reset();
}

TEST_F(Resolver, DestroyedWithLookupsInFlightTheyFreeThemselves) {
  make();
  resolver_->watch({{"localhost", 10}, {kNoSuchName, 10}});
  resolver_.reset();
  // TearDown runs the loop until the lookups returned and closes it; the
  // sanitizer run checks nothing leaked or was used after free.
}

}  // namespace
