// How a snapshot turns configured endpoints into endpoints to serve: literals
// as they are, names as they last resolved (ResolvedNames), one endpoint per
// distinct address, the configured weight on each.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/snapshot.hpp"

namespace {

using weir::Endpoint;
using weir::UpstreamOptions;
using weir::UpstreamPool;
using weir::core::build_snapshot;
using weir::core::Snapshot;
using weir::core::SnapshotParts;
using weir::upstream::ResolvedNames;
using weir::upstream::SocketAddress;

SocketAddress ip(const char* text) {
  SocketAddress a;
  EXPECT_TRUE(weir::upstream::parse_ip(text, 0, a)) << text;
  return a;
}

UpstreamOptions every(uint32_t ms) {
  UpstreamOptions o;
  o.resolve_interval_ms = ms;
  return o;
}

std::shared_ptr<const Snapshot> build(const SnapshotParts& parts, const ResolvedNames* names,
                                      const Snapshot* previous = nullptr) {
  std::shared_ptr<const Snapshot> snap;
  weir::Status st = build_snapshot(parts, snap, previous, names);
  EXPECT_TRUE(st) << st.message;
  return snap;
}

TEST(EndpointExpansion, EachAddressOfANameIsAnEndpointWithTheConfiguredWeight) {
  SnapshotParts parts;
  parts.upstreams.emplace("api", UpstreamPool(every(500), {{"svc.test:8080", 3}, {"10.0.0.9:8080", 1}}));
  ResolvedNames names{{"svc.test", {ip("10.0.0.2"), ip("10.0.0.1"), ip("10.0.0.9")}}};
  auto snap = build(parts, &names);
  ASSERT_TRUE(snap);
  const auto& spec = snap->upstreams.at(0);
  // The literal 10.0.0.9:8080 is the name's third address: one endpoint,
  // with the weight of the first to list it.
  EXPECT_EQ(spec.addresses, (std::vector<std::string>{"10.0.0.2:8080", "10.0.0.1:8080", "10.0.0.9:8080"}));
  EXPECT_EQ(spec.weights, (std::vector<uint32_t>{3, 3, 3}));
  EXPECT_EQ(spec.authorities, (std::vector<std::string>{"svc.test:8080", "svc.test:8080", "svc.test:8080"}));
  EXPECT_EQ(spec.resolved.at(1).port(), 8080);
  ASSERT_TRUE(spec.policy);
  ASSERT_EQ(snap->names.size(), 1u);
  EXPECT_EQ(snap->names[0].host, "svc.test");
  EXPECT_EQ(snap->names[0].interval_ms, 500u);
}

TEST(EndpointExpansion, AnUnresolvedNameContributesNoEndpointYet) {
  SnapshotParts parts;
  parts.upstreams.emplace("api", UpstreamPool(every(500), {{"svc.test:8080", 1}}));
  parts.upstreams.emplace("mixed", UpstreamPool(every(200), {{"svc.test:9090", 1}, {"[::1]:80", 2}}));
  auto snap = build(parts, nullptr);
  ASSERT_TRUE(snap);
  EXPECT_TRUE(snap->upstreams.at(0).addresses.empty());
  EXPECT_FALSE(snap->upstreams.at(0).policy);  // every pick finds none: 503
  EXPECT_EQ(snap->upstreams.at(1).addresses, (std::vector<std::string>{"[::1]:80"}));
  // One lookup for both upstreams, at the shorter interval.
  ASSERT_EQ(snap->names.size(), 1u);
  EXPECT_EQ(snap->names[0].interval_ms, 200u);
}

TEST(EndpointExpansion, HealthStateFollowsTheAddressAcrossSnapshots) {
  SnapshotParts parts;
  UpstreamOptions o = every(500);
  o.health_check = weir::HealthCheckConfig{};
  parts.upstreams.emplace("api", UpstreamPool(o, {{"svc.test:8080", 1}}));
  ResolvedNames first{{"svc.test", {ip("10.0.0.1"), ip("10.0.0.2")}}};
  auto before = build(parts, &first);
  ASSERT_TRUE(before);
  before->upstreams.at(0).health->set_down(1, true);  // 10.0.0.2 is down
  ResolvedNames second{{"svc.test", {ip("10.0.0.2"), ip("10.0.0.3")}}};
  auto after = build(parts, &second, before.get());
  ASSERT_TRUE(after);
  const auto& spec = after->upstreams.at(0);
  ASSERT_EQ(spec.addresses, (std::vector<std::string>{"10.0.0.2:8080", "10.0.0.3:8080"}));
  EXPECT_TRUE(spec.health->down(0));
  EXPECT_FALSE(spec.health->down(1));
}

TEST(EndpointExpansion, ANewAnswerChangesEndpointsAndKeepsEverythingElse) {
  SnapshotParts parts;
  UpstreamOptions o = every(500);
  o.circuit_breaker = weir::CircuitBreakerConfig{};
  parts.upstreams.emplace("api", UpstreamPool(o, {{"svc.test:8080", 2}}));
  parts.upstreams.emplace("static", UpstreamPool(every(500), {{"127.0.0.1:9000", 1}}));
  parts.router.add({.name = "api", .prefix = "/", .target = weir::Target::to_upstream("api")});
  ResolvedNames first{{"svc.test", {ip("10.0.0.1")}}};
  auto before = build(parts, &first);
  ASSERT_TRUE(before);
  ResolvedNames second{{"svc.test", {ip("10.0.0.1"), ip("10.0.0.2")}}};
  std::shared_ptr<const Snapshot> after;
  weir::Status st = weir::core::rebuild_endpoints(parts, *before, second, after);
  ASSERT_TRUE(st) << st.message;
  EXPECT_EQ(after->upstreams.at(0).addresses, (std::vector<std::string>{"10.0.0.1:8080", "10.0.0.2:8080"}));
  EXPECT_EQ(after->upstreams.at(0).weights, (std::vector<uint32_t>{2, 2}));
  EXPECT_EQ(after->upstreams.at(1).addresses, before->upstreams.at(1).addresses);
  // Shared, not rebuilt: the breaker's window, the route table (and with
  // it the plans' indexes), the middleware chains.
  EXPECT_EQ(after->upstreams.at(0).breaker, before->upstreams.at(0).breaker);
  EXPECT_EQ(after->routes, before->routes);
  EXPECT_EQ(after->plans.at(0).upstream, before->plans.at(0).upstream);
  EXPECT_EQ(after->pipeline.chains.size(), before->pipeline.chains.size());
}

TEST(EndpointExpansion, AnIntervalOutOfRangeNamesItsKey) {
  SnapshotParts parts;
  parts.upstreams.emplace("api", UpstreamPool(every(0), {{"svc.test:8080", 1}}));
  std::shared_ptr<const Snapshot> snap;
  weir::Status st = build_snapshot(parts, snap, nullptr, nullptr);
  EXPECT_FALSE(st);
  EXPECT_EQ(st.message, "upstreams.api.resolve_interval_ms: must be 10..86400000");
}

}  // namespace
