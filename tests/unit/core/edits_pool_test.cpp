// EditsPool: an Edits given back and taken again carries nothing of its
// last exchange, whichever of its parts that exchange used (the body and
// the local response are reset only when used, the lists keep their room).
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "core/edits_pool.hpp"
#include "weir/middleware.hpp"

namespace {

using weir::Context;
using weir::Request;
using weir::core::EditsPool;

void expect_fresh(const Context::Edits& e) {
  EXPECT_TRUE(e.values.empty());
  EXPECT_TRUE(e.response_set.empty());
  EXPECT_TRUE(e.response_add.empty());
  EXPECT_TRUE(e.response_remove.empty());
  EXPECT_TRUE(e.request_set.empty());
  EXPECT_TRUE(e.request_add.empty());
  EXPECT_TRUE(e.request_remove.empty());
  EXPECT_TRUE(e.path.empty());
  EXPECT_TRUE(e.endpoint.empty());
  EXPECT_TRUE(e.body.empty());
  EXPECT_FALSE(e.body_set);
  EXPECT_FALSE(e.in_body_phase);
  EXPECT_FALSE(e.body_used);
  EXPECT_FALSE(e.claims);
  EXPECT_EQ(e.claims_hold, nullptr);
  EXPECT_EQ(e.touched, 0);
  EXPECT_EQ(e.host, nullptr);
  EXPECT_EQ(e.start_ns, 0u);
  EXPECT_EQ(e.upstream, -1);
  EXPECT_FALSE(e.paused);
  EXPECT_FALSE(e.responded);
  EXPECT_FALSE(e.request_id_changed);
  EXPECT_EQ(e.request_id_len, 0);
  EXPECT_EQ(e.client_ip_len, 0);
  EXPECT_EQ(e.local.status, 200);
  EXPECT_TRUE(e.local.headers.empty());
  EXPECT_TRUE(e.local.body.empty());
}

// Gives `e` back and takes the pool's next: the same object, fresh.
Context::Edits* recycled(EditsPool& pool, Context::Edits* e) {
  pool.give(e);
  Context::Edits* again = pool.take();
  EXPECT_EQ(again, e);  // reused, not a new one
  expect_fresh(*again);
  return again;
}

// A pool and an Edits taken from it, with a Context on it.
struct Taken : ::testing::Test {
  EditsPool pool;
  Context::Edits* e = pool.take();
  Request req;
  Context ctx{&req, e};
};

TEST_F(Taken, AGivenBackEditsComesBackFresh) {
  expect_fresh(*e);
  ctx.set_value("consumer", "alice");
  for (int i = 0; i < 40; ++i) ctx.set_value("k" + std::to_string(i % 16), std::string(60, 'v'));
  ASSERT_TRUE(e->values.on_heap());  // past its room
  ctx.set_request_header("x-a", "1");
  ctx.add_request_header("x-b", "2");
  ctx.remove_request_header("x-c");
  ctx.set_response_header("x-d", "3");
  ctx.remove_response_header("x-e");
  ASSERT_TRUE(ctx.set_path("/elsewhere"));
  ASSERT_TRUE(ctx.set_endpoint("127.0.0.1:1"));
  ASSERT_TRUE(ctx.set_request_id("abc"));
  ASSERT_TRUE(ctx.set_client_ip("10.0.0.1"));
  e->in_body_phase = true;
  ASSERT_TRUE(ctx.set_request_body("replaced body"));
  ctx.respond_error(429, "slow down", {{"retry-after", "1"}});
  e->claims = std::make_shared<int>(1);
  e->start_ns = 5;
  e->upstream = 2;
  Context::Edits* again = recycled(pool, e);
  // Its values' heap buffer (about 1 KiB) stays for the next exchange that
  // needs it: refilling allocates nothing.
  EXPECT_TRUE(again->values.on_heap());
  pool.give(again);
}

TEST_F(Taken, ABodyWithoutALocalAnswerIsClearedToo) {
  e->in_body_phase = true;
  ASSERT_TRUE(ctx.set_request_body(std::string(EditsPool::kKeepBytes + 1, 'b')));
  e->body_set = false;  // as after the gateway swapped it out
  Context::Edits* again = recycled(pool, e);
  EXPECT_LE(again->body.capacity(), EditsPool::kKeepBytes);  // a large body is not kept
  pool.give(again);
}

// Each of `edits`, made alone on a fresh Edits, marks exactly `part`.
void expect_each_marks(EditsPool& pool, const Request& req, std::initializer_list<void (*)(Context&)> edits,
                       uint8_t part) {
  for (auto edit : edits) {
    Context::Edits* fresh = pool.take();
    Context c(&req, fresh);
    edit(c);
    EXPECT_EQ(fresh->touched, part);
    pool.give(recycled(pool, fresh));
  }
}

TEST_F(Taken, EachEditSaysWhichPartItTouched) {
  using E = Context::Edits;
  ctx.set_value("consumer", "alice");  // values are always read and cleared
  EXPECT_EQ(e->touched, 0);
  ctx.add_response_header("x-a", "1");
  EXPECT_EQ(e->touched, E::response_headers);
  ctx.remove_request_header("x-b");
  EXPECT_EQ(e->touched, E::response_headers | E::request_headers);
  pool.give(recycled(pool, e));
  expect_each_marks(pool, req,
                    {[](Context& c) { c.set_request_header("x", "1"); },
                     [](Context& c) { c.add_request_header("x", "1"); },
                     [](Context& c) { c.remove_request_header("x"); }},
                    E::request_headers);
  expect_each_marks(pool, req,
                    {[](Context& c) { c.set_response_header("x", "1"); },
                     [](Context& c) { c.add_response_header("x", "1"); },
                     [](Context& c) { c.remove_response_header("x"); }},
                    E::response_headers);
  expect_each_marks(pool, req,
                    {[](Context& c) { EXPECT_TRUE(c.set_path("/p")); },
                     [](Context& c) { EXPECT_TRUE(c.set_endpoint("127.0.0.1:9")); }},
                    E::route);
}

// Counts its releases, as a cache entry of the jwt middleware counts its
// holders.
struct CountedHold final : Context::Hold {
  int released = 0;
  void release() noexcept override { ++released; }
};

TEST_F(Taken, HeldClaimsAreReleasedOnceWhenGivenBack) {
  int claims = 7;
  CountedHold first, second;
  e->hold_claims(&claims, &first);
  EXPECT_EQ(e->claims.get(), &claims);
  EXPECT_EQ(e->claims.use_count(), 0);  // not owned by the shared_ptr
  e->hold_claims(&claims, &second);  // a second jwt middleware's
  EXPECT_EQ(first.released, 1);
  Context::Edits* again = recycled(pool, e);
  EXPECT_EQ(second.released, 1);
  EXPECT_EQ(first.released, 1);
  pool.give(again);
  EXPECT_EQ(second.released, 1);
}

TEST(EditsHold, AnEditsDestroyedWhileHoldingReleases) {
  int claims = 7;
  CountedHold hold;
  {
    Context::Edits e;
    e.hold_claims(&claims, &hold);
  }
  EXPECT_EQ(hold.released, 1);
  // And one owned by the shared_ptr drops the hold it replaces.
  Context::Edits e;
  e.hold_claims(&claims, &hold);
  e.own_claims(std::make_shared<int>(1));
  EXPECT_EQ(hold.released, 2);
  EXPECT_EQ(e.claims_hold, nullptr);
}

TEST_F(Taken, AnAnswerWithoutABodyIsClearedToo) {
  ctx.respond(204, {}, {{"x-only", "header"}});
  pool.give(recycled(pool, e));
}

}  // namespace
