// The Context: header edits, request ids, values and their bounds.
#include <gtest/gtest.h>

#include <string>

#include "weir/middleware.hpp"

namespace {

struct Fixture : ::testing::Test {
  weir::Request req;
  weir::Context::Edits edits;
  weir::Context ctx{&req, &edits};
};

TEST_F(Fixture, SetReplacesAddAppendsRemoveDrops) {
  ctx.add_request_header("x-a", "1");
  ctx.set_request_header("X-A", "2");
  ASSERT_EQ(edits.request_set.size(), 1u);
  EXPECT_TRUE(edits.request_add.empty());
  ctx.remove_request_header("x-a");
  EXPECT_TRUE(edits.request_set.empty());
  ctx.add_response_header("vary", "Origin");
  ctx.set_response_header("x-b", "1");
  ctx.set_response_header("x-b", "2");
  ASSERT_EQ(edits.response_set.size(), 1u);
  EXPECT_EQ(edits.response_set[0].second, "2");
  ASSERT_EQ(edits.response_add.size(), 1u);
  ctx.add_response_header("x-b", "3");
  ctx.remove_response_header("X-B");
  EXPECT_TRUE(edits.response_set.empty());
  ASSERT_EQ(edits.response_add.size(), 1u);
  EXPECT_EQ(edits.response_add[0].first, "vary");
  EXPECT_TRUE(edits.response_remove.holds_name("x-b"));
  ctx.set_response_header("Vary", "Accept");  // replaces the added one
  EXPECT_TRUE(edits.response_add.empty());
  ASSERT_EQ(edits.response_set.size(), 1u);
}

TEST_F(Fixture, RequestIdMustBeSafe) {
  EXPECT_TRUE(ctx.set_request_id("a.B_c-9"));
  EXPECT_EQ(ctx.request_id(), "a.B_c-9");
  EXPECT_FALSE(ctx.set_request_id(""));
  EXPECT_FALSE(ctx.set_request_id("a b"));
  EXPECT_FALSE(ctx.set_request_id("a\r\nx: y"));
  EXPECT_FALSE(ctx.set_request_id(std::string(129, 'a')));
  EXPECT_TRUE(ctx.set_request_id(std::string(128, 'a')));
  EXPECT_EQ(ctx.request_id().size(), 128u);
}

TEST_F(Fixture, ValuesAreBounded) {
  EXPECT_TRUE(ctx.set_value("consumer", "alice"));
  EXPECT_TRUE(ctx.set_value("consumer", "bob"));
  EXPECT_EQ(ctx.value("consumer"), "bob");
  EXPECT_EQ(ctx.value("missing"), "");
  EXPECT_FALSE(ctx.set_value(std::string(65, 'k'), "v"));
  EXPECT_FALSE(ctx.set_value("k", std::string(1025, 'v')));
  for (size_t i = 1; i < weir::Context::kMaxValues; ++i)
    EXPECT_TRUE(ctx.set_value("k" + std::to_string(i), "v"));
  EXPECT_FALSE(ctx.set_value("one-too-many", "v"));
  EXPECT_TRUE(ctx.set_value("consumer", "carol"));  // replacing needs no room
}

TEST_F(Fixture, ClientIpOverride) {
  req.client_ip = "127.0.0.1";
  EXPECT_EQ(ctx.client_ip(), "127.0.0.1");
  EXPECT_TRUE(ctx.set_client_ip("10.0.0.1"));
  EXPECT_EQ(ctx.client_ip(), "10.0.0.1");
  EXPECT_FALSE(ctx.set_client_ip(std::string(46, '1')));
}

TEST_F(Fixture, RespondErrorIsTheGatewaysJsonShape) {
  ctx.set_request_id("rid");
  ctx.respond_error(401, "bad \"key\"", {{"www-authenticate", "ApiKey"}});
  EXPECT_TRUE(edits.responded);
  EXPECT_EQ(edits.local.status, 401);
  EXPECT_EQ(edits.local.body, "{\"error\":\"bad \\\"key\\\"\",\"request_id\":\"rid\"}\n");
}

TEST_F(Fixture, EditsMayCopyFromEachOther) {
  // Views into the lists themselves, passed back while the lists grow and
  // erase (their strings move): what is stored is what the view showed.
  const std::string long_value(40, 'v');
  ASSERT_TRUE(ctx.set_value("a", "short"));
  ASSERT_TRUE(ctx.set_value("b", long_value));
  for (int i = 0; i < 10; ++i) {
    std::string key = "k" + std::to_string(i);
    ASSERT_TRUE(ctx.set_value(key, ctx.value(i % 2 ? "a" : "b")));
    EXPECT_EQ(ctx.value(key), i % 2 ? "short" : long_value);
  }
  ctx.set_response_header("x-1", "one");
  ctx.set_response_header("x-2", "two-is-longer-than-fifteen");
  for (int i = 0; i < 8; ++i)  // the source moves forward at each erase
    ctx.set_response_header("x-1", edits.response_set[edits.response_set.size() - 1].second);
  ASSERT_EQ(edits.response_set.size(), 2u);
  EXPECT_EQ(edits.response_set[1].first, "x-1");
  EXPECT_EQ(edits.response_set[1].second, "two-is-longer-than-fifteen");
  ctx.add_request_header(ctx.value("a"), ctx.value("b"));
  for (int i = 0; i < 10; ++i) ctx.add_request_header(edits.request_add[0].first, edits.request_add[0].second);
  for (const auto& [name, value] : edits.request_add) {
    EXPECT_EQ(name, "short");
    EXPECT_EQ(value, long_value);
  }
  ctx.remove_request_header(edits.request_add[0].first);
  EXPECT_TRUE(edits.request_add.empty());
  ASSERT_EQ(edits.request_remove.size(), 1u);
  EXPECT_EQ(edits.request_remove[0], "short");
}

TEST(Params, CopiesCarryTheCapturedItems) {
  weir::Params p;
  p.items[0] = {"id", "42"};
  p.items[1] = {"name", "x"};
  p.size = 2;
  weir::Params copy = p;
  EXPECT_EQ(copy.size, 2u);
  EXPECT_EQ(copy.get("id"), "42");
  EXPECT_EQ(copy.get("name"), "x");
  weir::Params assigned;
  assigned.items[0] = {"stale", "1"};
  assigned.size = 1;
  weir::Params none;
  assigned = none;
  EXPECT_EQ(assigned.size, 0u);
  EXPECT_EQ(assigned.get("stale"), "");
  assigned = p;
  EXPECT_EQ(assigned.get("name"), "x");
}

}  // namespace
