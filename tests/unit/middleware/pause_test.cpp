// Pausing and resuming exchanges, choosing the upstream from a middleware,
// and which response hooks see a local answer: through a real Gateway on
// loopback, with in-process handlers as the upstream side.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway_fixture.hpp"

namespace weir {
namespace {

class PauseTest : public GatewayFixture {};

Middleware marker(std::string name, std::string mark) {
  Middleware m;
  m.name = name;
  m.on_request = [mark](Context& ctx) { ctx.add_request_header("x-mark", mark); };
  m.on_response = [name](Context& ctx) { ctx.add_response_header("x-seen-by", name); };
  return m;
}

TEST_F(PauseTest, ResumedFromAnotherThreadRunsTheRestOfTheChain) {
  std::mutex mu;
  std::vector<std::thread> threads;
  Pipeline p;
  p.use(marker("first", "1"));
  Middleware pauser{.name = "pauser"};
  pauser.on_request = [&](Context& ctx) {
    Resumer r = ctx.pause();
    ASSERT_TRUE(r);
    std::lock_guard<std::mutex> lock(mu);
    threads.emplace_back([r] {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      r.resume([](Context& c) { c.add_request_header("x-mark", "resumed"); });
      r.resume([](Context& c) { c.add_request_header("x-mark", "twice"); });  // ignored
    });
  };
  p.use(pauser).use(marker("last", "3"));
  serve(std::move(p));
  for (int i = 0; i < 20; ++i) {
    Reply r = get(port_, "/x");
    ASSERT_EQ(r.status, 200) << r.head;
    EXPECT_EQ(r.body, "a 1 resumed 3");
    EXPECT_TRUE(r.has("x-seen-by: last\r\nx-seen-by: first")) << r.head;
  }
  std::lock_guard<std::mutex> lock(mu);
  for (auto& t : threads) t.join();
}

TEST_F(PauseTest, ResumeMayAnswerAndOnlyEarlierMiddlewareSeeTheAnswer) {
  std::atomic<int> later_ran{0};
  Pipeline p;
  p.use(marker("first", "1"));
  Middleware pauser{.name = "pauser"};
  pauser.on_request = [](Context& ctx) {
    Resumer r = ctx.pause();
    std::thread([r] { r.resume([](Context& c) { c.respond(403, "denied\n"); }); }).detach();
  };
  pauser.on_response = [](Context& ctx) { ctx.add_response_header("x-seen-by", "pauser"); };
  Middleware later = marker("later", "3");
  later.on_request = [&](Context&) { later_ran++; };
  p.use(pauser).use(later);
  serve(std::move(p));
  Reply r = get(port_, "/x");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "denied\n");
  EXPECT_TRUE(r.has("x-seen-by: pauser\r\nx-seen-by: first")) << r.head;
  EXPECT_FALSE(r.has("x-seen-by: later")) << r.head;
  EXPECT_EQ(later_ran.load(), 0);
}

TEST_F(PauseTest, AnsweringHookHidesTheResponseFromLaterMiddleware) {
  Pipeline p;
  p.use(marker("first", "1"));
  Middleware answer{.name = "answer"};
  answer.on_request = [](Context& ctx) { ctx.respond(204); };
  p.use(answer).use(marker("later", "3"));
  serve(std::move(p));
  Reply r = get(port_, "/x");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.has("x-seen-by: first")) << r.head;
  EXPECT_FALSE(r.has("x-seen-by: later")) << r.head;
}

TEST_F(PauseTest, PauseNeverResumedEndsWith504AfterTheRouteTimeout) {
  std::vector<Resumer> kept;
  std::mutex mu;
  std::atomic<int> logged{0};
  Pipeline p;
  Middleware stuck{.name = "stuck"};
  stuck.on_request = [&](Context& ctx) {
    std::lock_guard<std::mutex> lock(mu);
    kept.push_back(ctx.pause());
  };
  stuck.on_log = [&](Context& ctx) {
    if (ctx.exchange()->status == 504) logged++;
  };
  p.use(stuck);
  serve(std::move(p), 200);
  auto t0 = std::chrono::steady_clock::now();
  Reply r = get(port_, "/x");
  EXPECT_EQ(r.status, 504);
  EXPECT_NE(r.body.find("middleware did not resume in time"), std::string::npos) << r.body;
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(190));
  // Resuming an exchange that already ended is harmless.
  std::lock_guard<std::mutex> lock(mu);
  for (auto& k : kept) k.resume([](Context& c) { c.respond(200); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(logged.load(), 1);
}

TEST_F(PauseTest, ClientGoneWhilePausedIsLoggedAndResumeIsSafe) {
  std::mutex mu;
  std::vector<Resumer> kept;
  std::atomic<int> aborted{0};
  std::atomic<int> paused{0};
  Pipeline p;
  Middleware hold{.name = "hold"};
  hold.on_request = [&](Context& ctx) {
    std::lock_guard<std::mutex> lock(mu);
    kept.push_back(ctx.pause());
    paused++;
  };
  hold.on_log = [&](Context& ctx) {
    if (ctx.exchange()->aborted) aborted++;
  };
  p.use(hold);
  serve(std::move(p));
  for (int i = 0; i < 8; ++i) {
    int fd = connect_to(port_);
    ASSERT_GE(fd, 0);
    std::string req = "GET /x HTTP/1.1\r\nHost: t\r\n\r\n";
    ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
    for (int k = 0; k < 200 && paused.load() <= i; ++k)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ::close(fd);
  }
  for (int k = 0; k < 400 && aborted.load() < 8; ++k)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(aborted.load(), 8);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(kept.size(), 8u);
  for (auto& k : kept) k.resume([](Context& c) { c.respond(200); });
  // The gateway keeps serving: a resume of a gone exchange changed nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kept.clear();
}

TEST_F(PauseTest, ResumeAfterTheGatewayIsGoneIsSafe) {
  std::mutex mu;
  std::vector<Resumer> kept;
  Pipeline p;
  Middleware hold{.name = "hold"};
  hold.on_request = [&](Context& ctx) {
    std::lock_guard<std::mutex> lock(mu);
    kept.push_back(ctx.pause());
  };
  p.use(hold);
  serve(std::move(p));
  int fd = connect_to(port_);
  std::string req = "GET /x HTTP/1.1\r\nHost: t\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  for (int k = 0; k < 400; ++k) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!kept.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  gw_->stop(100);
  gw_.reset();
  ::close(fd);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(kept.size(), 1u);
  kept[0].resume();
}

TEST_F(PauseTest, PauseForContinuesByItself) {
  Pipeline p;
  Middleware wait{.name = "wait"};
  wait.on_request = [](Context& ctx) { ctx.pause_for(120); };
  p.use(wait).use(marker("after", "2"));
  serve(std::move(p));
  auto t0 = std::chrono::steady_clock::now();
  Reply r = get(port_, "/x");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "a 2");
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(115));
}

TEST_F(PauseTest, ManyPausedExchangesResumeOnTheirOwnWorkers) {
  std::atomic<int> resumed{0};
  Pipeline p;
  Middleware pauser{.name = "pauser"};
  pauser.on_request = [&](Context& ctx) {
    Resumer r = ctx.pause();
    std::thread([r, &resumed] {
      r.resume([&resumed](Context& c) {
        resumed++;
        c.add_request_header("x-mark", "ok");
      });
    }).detach();
  };
  p.use(pauser);
  serve(std::move(p));
  std::vector<std::thread> clients;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&] {
      for (int i = 0; i < 25; ++i)
        if (get(port_, "/x").body == "a ok") good++;
    });
  for (auto& c : clients) c.join();
  EXPECT_EQ(good.load(), 100);
  EXPECT_EQ(resumed.load(), 100);
}

TEST_F(PauseTest, SetUpstreamOverridesTheRoute) {
  Pipeline p;
  Middleware chooser{.name = "chooser"};
  chooser.on_request = [](Context& ctx) {
    if (ctx.request().header("x-to") == "b") {
      EXPECT_TRUE(ctx.set_upstream("b"));
    }
    EXPECT_FALSE(ctx.set_upstream("nowhere"));
  };
  p.use(chooser);
  serve(std::move(p));
  EXPECT_EQ(get(port_, "/x").body, "a");
  EXPECT_EQ(get(port_, "/x", "x-to: b\r\n").body, "b");
}

TEST_F(PauseTest, SetPathRewritesTheForwardedPath) {
  Pipeline p;
  Middleware rw{.name = "rw"};
  rw.on_request = [](Context& ctx) {
    EXPECT_FALSE(ctx.set_path("no-slash"));
    EXPECT_FALSE(ctx.set_path("/a b"));
    EXPECT_FALSE(ctx.set_path("/a?b"));
    EXPECT_TRUE(ctx.set_path("/v2/users"));
    EXPECT_EQ(ctx.request().path, "/x");
  };
  p.use(rw);
  serve(std::move(p));
  EXPECT_EQ(get(port_, "/x?q=1").body, "a /v2/users");
}

TEST_F(PauseTest, ResponsePhasePausesTheUpstreamsResponse) {
  Pipeline p;
  Middleware outer{.name = "outer"};
  outer.on_response = [](Context& ctx) {
    // Runs after the resume, below the hook that paused.
    ctx.add_response_header("x-outer", std::to_string(ctx.response_status()));
  };
  Middleware inner{.name = "inner"};
  inner.on_response = [](Context& ctx) {
    Resumer r = ctx.pause();
    ASSERT_TRUE(r);
    std::thread([r] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      r.resume([](Context& c) { c.set_response_header("x-checked", "yes"); });
    }).detach();
  };
  p.use(outer).use(inner);
  serve(std::move(p));
  for (const char* path : {"/x", "/big"}) {
    Reply r = get(port_, path);
    ASSERT_EQ(r.status, 200) << r.head;
    EXPECT_TRUE(r.has("x-checked: yes")) << r.head;
    EXPECT_TRUE(r.has("x-outer: 200")) << r.head;
    EXPECT_EQ(r.body, std::string(path) == "/big" ? std::string(300000, 'b') : "a");
  }
}

TEST_F(PauseTest, ResponsePauseForAndTimeout) {
  Pipeline p;
  Middleware wait{.name = "wait"};
  wait.on_response = [](Context& ctx) {
    if (ctx.request().header("x-stuck").empty()) {
      ctx.pause_for(50, [](Context& c) { c.add_response_header("x-waited", "1"); });
    } else {
      Resumer r = ctx.pause();  // never resumed
      EXPECT_TRUE(r);
    }
  };
  p.use(wait);
  serve(std::move(p), 300);
  Reply r = get(port_, "/big");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.has("x-waited: 1")) << r.head;
  EXPECT_EQ(r.body.size(), 300000u);
  r = get(port_, "/x", "x-stuck: 1\r\n");
  EXPECT_EQ(r.status, 504);
  // The gateway goes on serving.
  EXPECT_EQ(get(port_, "/x").status, 200);
}

TEST_F(PauseTest, ClientGoneDuringAResponsePause) {
  std::mutex mu;
  std::vector<Resumer> kept;
  std::atomic<int> aborted{0};
  Pipeline p;
  Middleware hold{.name = "hold"};
  hold.on_response = [&](Context& ctx) {
    std::lock_guard<std::mutex> lock(mu);
    kept.push_back(ctx.pause());
  };
  hold.on_log = [&](Context& ctx) {
    if (ctx.exchange()->aborted) aborted++;
  };
  p.use(hold);
  serve(std::move(p));
  int fd = connect_to(port_);
  std::string req = "GET /big HTTP/1.1\r\nHost: t\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  for (int k = 0; k < 400; ++k) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!kept.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // A client that closes may only have half-closed: a complete request's
  // exchange goes on, and finds out when its response meets the closed
  // socket (or the pause times out).
  ::close(fd);
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(kept.size(), 1u);
    kept[0].resume([](Context& c) { c.add_response_header("x-late", "1"); });
  }
  for (int k = 0; k < 400 && aborted.load() == 0; ++k)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(aborted.load(), 1);
}

TEST_F(PauseTest, SetEndpointPrefersThatEndpoint) {
  // One upstream over both origins; a middleware pins by a header.
  std::string a = "127.0.0.1:" + std::to_string(origins_[0]->ports()[0]);
  std::string b = "127.0.0.1:" + std::to_string(origins_[1]->ports()[0]);
  Pipeline p;
  Middleware pin{.name = "pin"};
  pin.on_request = [](Context& ctx) {
    std::string_view to = ctx.request().header("x-endpoint");
    if (!to.empty()) {
      EXPECT_TRUE(ctx.set_endpoint(to));
    }
    EXPECT_FALSE(ctx.set_endpoint(""));
  };
  p.use(pin);
  gw_ = std::make_unique<Gateway>(GatewayOptions{.workers = 1});
  gw_->upstream("both", UpstreamPool({}, {{a, 1}, {b, 1}}));
  Router r;
  r.add({.name = "main", .path = "/*rest", .target = Target::to_upstream("both")});
  gw_->router(std::move(r)).pipeline(std::move(p)).listen("127.0.0.1", 0);
  ASSERT_TRUE(gw_->start());
  port_ = gw_->ports()[0];
  for (int i = 0; i < 6; ++i) EXPECT_EQ(get(port_, "/x", "x-endpoint: " + b + "\r\n").body, "b");
  for (int i = 0; i < 6; ++i) EXPECT_EQ(get(port_, "/x", "x-endpoint: " + a + "\r\n").body, "a");
  // An address the upstream does not have: the policy picks (round robin).
  int seen_a = 0;
  for (int i = 0; i < 6; ++i) seen_a += get(port_, "/x", "x-endpoint: 127.0.0.1:1\r\n").body == "a";
  EXPECT_EQ(seen_a, 3);
}

TEST(PauseContext, AContextWithoutAGatewayDoesNotPause) {
  Request req;
  Context::Edits edits;
  Context ctx(&req, &edits);
  EXPECT_FALSE(ctx.pause());
  ctx.pause_for(10);
  EXPECT_FALSE(edits.paused);
  EXPECT_FALSE(ctx.set_upstream("a"));
  Context resp(&req, &edits, 200, Context::Phase::response);
  EXPECT_FALSE(resp.pause());
  Resumer empty;
  empty.resume();  // harmless
}

}  // namespace
}  // namespace weir
