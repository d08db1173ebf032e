// OutQueue with a WriteBatch: small writes wait for the end of the loop
// iteration (or for the batch's bound), keep their order with writes that go
// out at once, go out before a close, and report a failure through the drain
// callback. Real streams: one end of a socketpair under libuv, the other read
// with recv(2).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "core/out_queue.hpp"
#include "core/write_batch.hpp"

namespace {

using weir::core::OutQueue;
using weir::core::WriteBatch;

struct Stream {
  uv_pipe_t pipe{};
  int peer = -1;
  OutQueue out;
  int drained = 0;
  int last_status = 0;
};

class WriteBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signal(SIGPIPE, SIG_IGN);  // a write to a closed peer is EPIPE, not a signal
    ASSERT_EQ(uv_loop_init(&loop_), 0);
    batch_.start(&loop_);
    // The batch's handles are unreferenced: a referenced timer keeps the loop
    // alive so that one UV_RUN_NOWAIT pass runs them.
    uv_timer_init(&loop_, &keep_alive_);
    uv_timer_start(&keep_alive_, [](uv_timer_t*) {}, 60'000, 0);
  }

  void TearDown() override {
    for (auto& s : streams_) close_stream(*s);
    bool done = false;
    batch_.close([](void* arg) { *static_cast<bool*>(arg) = true; }, &done);
    uv_close(reinterpret_cast<uv_handle_t*>(&keep_alive_), nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    EXPECT_TRUE(done);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }

  Stream& open_stream() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
    auto s = std::make_unique<Stream>();
    uv_pipe_init(&loop_, &s->pipe, 0);
    EXPECT_EQ(uv_pipe_open(&s->pipe, fds[0]), 0);
    s->peer = fds[1];
    s->out.init(reinterpret_cast<uv_stream_t*>(&s->pipe), s.get(), &on_drain, &batch_);
    streams_.push_back(std::move(s));
    return *streams_.back();
  }

  void close_stream(Stream& s) {
    if (s.peer < 0) return;
    s.out.flush();
    uv_close(reinterpret_cast<uv_handle_t*>(&s.pipe), nullptr);
    close(s.peer);
    s.peer = -1;
  }

  static void on_drain(void* owner, int status) {
    auto* s = static_cast<Stream*>(owner);
    ++s->drained;
    s->last_status = status;
  }

  static int send(Stream& s, const std::string& bytes) {
    uv_buf_t b = uv_buf_init(const_cast<char*>(bytes.data()), static_cast<unsigned>(bytes.size()));
    return s.out.send(&b, 1);
  }

  // What the peer can read now, without waiting.
  static std::string readable(Stream& s) {
    std::string got;
    char buf[65536];
    for (;;) {
      ssize_t n = recv(s.peer, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }

  void run_once() { uv_run(&loop_, UV_RUN_NOWAIT); }

  uv_loop_t loop_{};
  uv_timer_t keep_alive_{};
  WriteBatch batch_;
  std::vector<std::unique_ptr<Stream>> streams_;
};

TEST_F(WriteBatchTest, SmallWritesWaitForTheEndOfTheIteration) {
  Stream& s = open_stream();
  ASSERT_EQ(send(s, "GET / HTTP/1.1\r\n"), 0);
  ASSERT_EQ(send(s, "\r\n"), 0);
  EXPECT_EQ(s.out.pending(), 18u);  // backpressure counts what waits in the batch
  EXPECT_EQ(readable(s), "");
  run_once();
  EXPECT_EQ(readable(s), "GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(s.out.pending(), 0u);
  EXPECT_EQ(s.drained, 0);
}

TEST_F(WriteBatchTest, LargeWritesGoOutAtOnceAfterWhatWaits) {
  Stream& s = open_stream();
  std::string large(WriteBatch::kMaxDeferred + 1, 'B');
  ASSERT_EQ(send(s, "a"), 0);
  ASSERT_EQ(send(s, large), 0);
  EXPECT_EQ(readable(s), "a" + large);  // the waiting "a" went first
  ASSERT_EQ(send(s, "c"), 0);
  EXPECT_EQ(readable(s), "");
  run_once();
  EXPECT_EQ(readable(s), "c");
}

TEST_F(WriteBatchTest, TheBoundOnStreamsSendsTheBatchEarly) {
  std::vector<Stream*> all;
  for (uint32_t i = 0; i <= WriteBatch::kMaxQueues; ++i) all.push_back(&open_stream());
  for (uint32_t i = 0; i < WriteBatch::kMaxQueues; ++i)
    ASSERT_EQ(send(*all[i], "x" + std::to_string(i)), 0);
  EXPECT_EQ(readable(*all[0]), "");
  // One stream more than the bound: the waiting ones go out first.
  ASSERT_EQ(send(*all.back(), "last"), 0);
  for (uint32_t i = 0; i < WriteBatch::kMaxQueues; ++i)
    EXPECT_EQ(readable(*all[i]), "x" + std::to_string(i));
  EXPECT_EQ(readable(*all.back()), "");
  run_once();
  EXPECT_EQ(readable(*all.back()), "last");
}

TEST_F(WriteBatchTest, ManyWritesToOneStreamKeepTheirOrder) {
  Stream& s = open_stream();
  Stream& other = open_stream();
  std::string expected;
  // Interleaved with another stream, so the segments are not contiguous,
  // and more of them than the batch holds.
  for (int i = 0; i < 200; ++i) {
    std::string piece = std::to_string(i) + ",";
    expected += piece;
    ASSERT_EQ(send(s, piece), 0);
    ASSERT_EQ(send(other, "o"), 0);
  }
  run_once();
  EXPECT_EQ(readable(s), expected);
  EXPECT_EQ(readable(other), std::string(200, 'o'));
}

TEST_F(WriteBatchTest, FlushSendsBeforeAClose) {
  Stream& s = open_stream();
  ASSERT_EQ(send(s, "HTTP/1.1 400 Bad Request\r\n\r\n"), 0);
  EXPECT_EQ(s.out.flush(), 0);
  EXPECT_EQ(s.out.pending(), 0u);
  EXPECT_EQ(readable(s), "HTTP/1.1 400 Bad Request\r\n\r\n");
  run_once();  // nothing is left in the batch for this stream
  EXPECT_EQ(readable(s), "");
}

TEST_F(WriteBatchTest, AFailedDeferredWriteIsReportedToTheOwner) {
  Stream& s = open_stream();
  close(s.peer);
  s.peer = -1;
  ASSERT_EQ(send(s, "to nobody"), 0);  // deferred: the failure comes later
  run_once();
  EXPECT_EQ(s.drained, 1);
  EXPECT_LT(s.last_status, 0);
  uv_close(reinterpret_cast<uv_handle_t*>(&s.pipe), nullptr);
}

TEST_F(WriteBatchTest, AQueueDestroyedWhileWaitingLeavesTheBatch) {
  Stream& kept = open_stream();
  {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    auto pipe = std::make_unique<uv_pipe_t>();
    uv_pipe_init(&loop_, pipe.get(), 0);
    ASSERT_EQ(uv_pipe_open(pipe.get(), fds[0]), 0);
    auto q = std::make_unique<OutQueue>();
    q->init(reinterpret_cast<uv_stream_t*>(pipe.get()), nullptr, nullptr, &batch_);
    uv_buf_t b = uv_buf_init(const_cast<char*>("gone"), 4);
    ASSERT_EQ(q->send(&b, 1), 0);
    q.reset();  // never flushed: the batch must not touch it again
    uv_close(reinterpret_cast<uv_handle_t*>(pipe.release()),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_pipe_t*>(h); });
    close(fds[1]);
  }
  ASSERT_EQ(send(kept, "kept"), 0);
  run_once();
  EXPECT_EQ(readable(kept), "kept");
}

TEST_F(WriteBatchTest, WithoutABatchEveryWriteGoesOutAtOnce) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  uv_pipe_t pipe{};
  uv_pipe_init(&loop_, &pipe, 0);
  ASSERT_EQ(uv_pipe_open(&pipe, fds[0]), 0);
  OutQueue q;
  q.init(reinterpret_cast<uv_stream_t*>(&pipe), nullptr, nullptr);
  uv_buf_t b = uv_buf_init(const_cast<char*>("now"), 3);
  ASSERT_EQ(q.send(&b, 1), 0);
  char buf[8];
  EXPECT_EQ(recv(fds[1], buf, sizeof buf, MSG_DONTWAIT), 3);
  uv_close(reinterpret_cast<uv_handle_t*>(&pipe), nullptr);
  run_once();
  close(fds[1]);
}

}  // namespace
