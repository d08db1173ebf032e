// The body phases: buffered request bodies that a middleware may read,
// replace, refuse or pause on; and streamed request and response chunks.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "gateway_fixture.hpp"

namespace weir {
namespace {

class BodyPhaseTest : public GatewayFixture {};

TEST_F(BodyPhaseTest, BufferedBodyIsReadAndReplaced) {
  Pipeline p;
  Middleware upper{.name = "upper"};
  upper.on_request_body = [](Context& ctx, std::string_view body) {
    std::string out(body);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(ctx.set_request_body(out + "!"));
  };
  Middleware seen{.name = "seen"};
  seen.on_request_body = [](Context& ctx, std::string_view body) {
    // A later hook reads what the earlier one made of it.
    ctx.add_request_header("x-mark", std::to_string(body.size()));
  };
  seen.on_request = [](Context& ctx) { EXPECT_FALSE(ctx.set_request_body("too early")); };
  p.use(upper).use(seen);
  serve(std::move(p));
  Reply r = post(port_, "/x", "hello");
  EXPECT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.body, "a 6 body=HELLO!");
  // A chunked body is re-framed with its length.
  std::string big(5000, 'q');
  r = post(port_, "/x", big, true);
  EXPECT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.body, "a 5001 body=" + std::string(5000, 'Q') + "!");
  // No body: the hooks still run, with an empty one.
  r = get(port_, "/x");
  EXPECT_EQ(r.body, "a 1 body=!");
}

TEST_F(BodyPhaseTest, BodyOverTheBoundIs413AndAHookMayRefuse) {
  Pipeline p;
  Middleware check{.name = "check"};
  check.request_body_max = 100;
  check.on_request_body = [](Context& ctx, std::string_view body) {
    if (body.find("\"ok\"") == std::string_view::npos) ctx.respond_error(422, "body must say ok");
  };
  p.use(check);
  serve(std::move(p));
  EXPECT_EQ(post(port_, "/x", "{\"ok\":1}").status, 200);
  Reply r = post(port_, "/x", "{}");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("body must say ok"), std::string::npos);
  EXPECT_EQ(post(port_, "/x", std::string(101, 'x')).status, 413);
  EXPECT_EQ(post(port_, "/x", std::string(300, 'x'), true).status, 413);
}

TEST_F(BodyPhaseTest, PauseInTheBodyPhase) {
  Pipeline p;
  Middleware check{.name = "check"};
  check.on_request_body = [](Context& ctx, std::string_view body) {
    Resumer r = ctx.pause();
    ASSERT_TRUE(r);
    bool good = body == "let me in";
    std::thread([r, good] {
      r.resume([good](Context& c) {
        if (!good) c.respond(403, "no\n");
        else EXPECT_TRUE(c.set_request_body("checked"));
      });
    }).detach();
  };
  p.use(check).use(Middleware{.name = "after", .on_request_body = [](Context& ctx, std::string_view b) {
    ctx.add_request_header("x-mark", std::string(b));
  }});
  serve(std::move(p));
  EXPECT_EQ(post(port_, "/x", "let me in").body, "a checked body=checked");
  Reply r = post(port_, "/x", "intruder");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "no\n");
}

TEST_F(BodyPhaseTest, BufferedBodyIsReplayedOnRetry) {
  // The first endpoint refuses connections; the retry carries the body.
  Pipeline p;
  p.use(Middleware{.name = "buf", .on_request_body = [](Context&, std::string_view) {}});
  gw_ = std::make_unique<Gateway>(GatewayOptions{.workers = 1});
  std::string good = "127.0.0.1:" + std::to_string(origins_[0]->ports()[0]);
  gw_->upstream("a", UpstreamPool({}, {{"127.0.0.1:1", 1}, {good, 1}}));
  Router r;
  Route route{.name = "main", .path = "/*rest", .target = Target::to_upstream("a")};
  route.retry.attempts = 1;
  route.retry.on_connect_failure = true;
  route.retry.non_idempotent = true;
  r.add(std::move(route));
  gw_->router(std::move(r)).pipeline(std::move(p)).listen("127.0.0.1", 0);
  ASSERT_TRUE(gw_->start());
  port_ = gw_->ports()[0];
  for (int i = 0; i < 4; ++i) {
    Reply rep = post(port_, "/x", "payload");
    EXPECT_EQ(rep.status, 200) << rep.head;
    EXPECT_EQ(rep.body, "a body=payload");
  }
}

TEST_F(BodyPhaseTest, ChunkObserversSeeEveryByteOnce) {
  std::atomic<size_t> req_bytes{0}, resp_bytes{0};
  std::atomic<int> req_last{0}, resp_last{0};
  Pipeline p;
  Middleware count{.name = "count"};
  count.on_request_chunk = [&](Context& ctx, std::string_view chunk, bool last) {
    EXPECT_EQ(ctx.phase(), Context::Phase::request);
    req_bytes += chunk.size();
    if (last) req_last++;
  };
  count.on_response_chunk = [&](Context& ctx, std::string_view chunk, bool last) {
    EXPECT_EQ(ctx.response_status(), 200);
    resp_bytes += chunk.size();
    if (last) resp_last++;
  };
  p.use(count);
  serve(std::move(p));
  std::string body(20000, 'z');
  Reply r = post(port_, "/x", body, true);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(req_bytes.load(), 20000u);
  EXPECT_EQ(req_last.load(), 1);
  EXPECT_EQ(resp_bytes.load(), r.body.size());
  EXPECT_EQ(resp_last.load(), 1);
}

TEST_F(BodyPhaseTest, HandlerTargetsGetTheReplacedBody) {
  Pipeline p;
  p.use(Middleware{.name = "wrap", .on_request_body = [](Context& ctx, std::string_view b) {
    ctx.set_request_body("[" + std::string(b) + "]");
  }});
  gw_ = std::make_unique<Gateway>(GatewayOptions{.workers = 1});
  Router r;
  r.add({.name = "h", .path = "/*rest", .target = Target::to_handler(named("h"))});
  gw_->router(std::move(r)).pipeline(std::move(p)).listen("127.0.0.1", 0);
  ASSERT_TRUE(gw_->start());
  port_ = gw_->ports()[0];
  EXPECT_EQ(post(port_, "/x", "in").body, "h body=[in]");
}

}  // namespace
}  // namespace weir
