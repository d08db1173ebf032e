// Unit tests of the access log: record format, pseudonymisation, drops when
// full or too long, lines written by the writer alone, concurrent producers
// and reopening for rotation (the buffer itself: line_blocks_test.cpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "observe/access_log.hpp"
#include "observe/access_record.hpp"
#include "observe/pseudonymiser.hpp"

using namespace weir::observe;

namespace {
std::string temp_path(const char* name) {
  return std::string("/tmp/weir-unit-") + std::to_string(getpid()) + "-" + name;
}
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
size_t count_lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}
}  // namespace

TEST(AccessRecord, FormatsJsonWithEscapingAndOmitsEmpty) {
  AccessRecord r;
  r.time_ms = 1795930200123;  // 2026-11-29T05:30:00.123Z
  r.method = "GET";
  r.path = "/a\"b";
  r.status = 502;
  r.bytes_out = 10;
  r.client = "10.0.0.1";
  r.reason = "upstream connection refused";
  std::string out;
  append_access_json(out, r, nullptr);
  EXPECT_EQ(out.back(), '\n');
  EXPECT_NE(out.find("\"time\":\"2026-11-29T05:30:00.123Z\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"path\":\"/a\\\"b\""), std::string::npos);
  EXPECT_NE(out.find("\"status\":502"), std::string::npos);
  EXPECT_NE(out.find("\"client\":\"10.0.0.1\""), std::string::npos);
  EXPECT_EQ(out.find("\"route\""), std::string::npos);  // empty: left out
}

TEST(Pseudonymiser, KeyedStableAndDifferentPerKey) {
  std::string err;
  auto a = Pseudonymiser::from_key("0123456789abcdef-key-a", &err);
  auto b = Pseudonymiser::from_key("0123456789abcdef-key-b", &err);
  ASSERT_TRUE(a && b);
  char h1[Pseudonymiser::kHexLen], h2[Pseudonymiser::kHexLen], h3[Pseudonymiser::kHexLen];
  a->hash("192.0.2.7", h1);
  a->hash("192.0.2.7", h2);
  b->hash("192.0.2.7", h3);
  EXPECT_EQ(std::string(h1, sizeof h1), std::string(h2, sizeof h2));
  EXPECT_NE(std::string(h1, sizeof h1), std::string(h3, sizeof h3));
  EXPECT_EQ(Pseudonymiser::from_key("short", &err), nullptr);
  EXPECT_NE(err.find("16 bytes"), std::string::npos);

  AccessRecord r;
  r.client = "192.0.2.7";
  std::string out;
  append_access_json(out, r, a.get());
  EXPECT_EQ(out.find("192.0.2.7"), std::string::npos);
  EXPECT_NE(out.find(std::string(h1, sizeof h1)), std::string::npos);
}

TEST(AccessLog, ConcurrentProducersLoseNothingWhenRoomy) {
  std::string path = temp_path("concurrent.log");
  std::remove(path.c_str());
  std::string err;
  auto log = AccessLog::open({.path = path, .ring_bytes = 1 << 16, .flush_ms = 5}, &err);
  ASSERT_TRUE(log) << err;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  std::atomic<uint64_t> accepted{0}, refused{0};
  for (uint32_t t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string line = "{\"t\":" + std::to_string(t) + ",\"i\":" + std::to_string(i) + "}\n";
        // Bounded retry: the writer drains every 5 ms.
        bool ok = false;
        for (int tries = 0; tries < 1000 && !ok; ++tries) {
          ok = log->append(t, line);
          if (!ok) {
            refused++;
            std::this_thread::sleep_for(std::chrono::microseconds(100));
          }
        }
        accepted += ok;
      }
    });
  for (auto& th : threads) th.join();
  log->flush();
  std::string text = slurp(path);
  EXPECT_EQ(accepted.load(), 2u * kPerThread);
  EXPECT_EQ(count_lines(text), accepted.load());  // every accepted line is written
  EXPECT_EQ(log->dropped(), refused.load());       // every refusal is counted
  // Lines are never torn: each one is a whole object.
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    ASSERT_EQ(line.front(), '{');
    ASSERT_EQ(line.back(), '}');
  }
  log.reset();
  std::remove(path.c_str());
}

TEST(AccessLog, DropsAndCountsWhenTheBoundIsReached) {
  std::string path = temp_path("full.log");
  std::remove(path.c_str());
  std::string err;
  // A long flush interval: nothing drains while the buffer fills.
  auto log = AccessLog::open({.path = path, .ring_bytes = 4096, .flush_ms = 60000}, &err);
  ASSERT_TRUE(log) << err;
  std::string line(100, 'x');
  line.back() = '\n';
  int accepted = 0;
  for (int i = 0; i < 100; ++i) accepted += log->append(0, line);
  EXPECT_EQ(accepted, 40);  // two blocks of 2048, 20 lines each
  EXPECT_EQ(log->dropped(), 60u);
  log->flush();
  EXPECT_EQ(count_lines(slurp(path)), 40u);
  log.reset();
  std::remove(path.c_str());
}

TEST(AccessLog, DropsAndCountsALineLongerThanABlock) {
  std::string path = temp_path("long.log");
  std::remove(path.c_str());
  std::string err;
  auto log = AccessLog::open({.path = path, .block_bytes = 1024, .flush_ms = 60000}, &err);
  ASSERT_TRUE(log) << err;
  uint64_t total_before = access_log_dropped_total();
  std::string long_line(1025, 'x');
  long_line.back() = '\n';
  EXPECT_FALSE(log->append(0, long_line));
  EXPECT_TRUE(log->append(0, "short\n"));
  EXPECT_EQ(log->dropped(), 1u);
  EXPECT_GE(access_log_dropped_total(), total_before + 1);
  log->flush();
  EXPECT_EQ(slurp(path), "short\n");
  log.reset();
  std::remove(path.c_str());
}

TEST(AccessLog, WriterDrainsAPartBlockWithinTheFlushInterval) {
  std::string path = temp_path("quiet.log");
  std::remove(path.c_str());
  std::string err;
  auto log = AccessLog::open({.path = path, .flush_ms = 5}, &err);
  ASSERT_TRUE(log) << err;
  ASSERT_TRUE(log->append(3, "one\n"));
  // No flush(): the writer thread alone writes the line, far from a full block.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (log->written_bytes() < 4 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(log->written_bytes(), 4u);
  EXPECT_EQ(slurp(path), "one\n");
  log.reset();
  std::remove(path.c_str());
}

TEST(AccessLog, ReopenFollowsRotation) {
  std::string path = temp_path("rotate.log");
  std::string rotated = path + ".1";
  std::remove(path.c_str());
  std::remove(rotated.c_str());
  std::string err;
  auto log = AccessLog::open({.path = path, .flush_ms = 60000}, &err);
  ASSERT_TRUE(log) << err;
  log->append(0, "before\n");
  log->flush();
  ASSERT_EQ(std::rename(path.c_str(), rotated.c_str()), 0);
  log->append(0, "still-old\n");
  reopen_all_access_logs();
  log->flush();  // reopens first, then writes
  log->append(0, "after\n");
  log->flush();
  EXPECT_EQ(slurp(rotated), "before\n");
  EXPECT_EQ(slurp(path), "still-old\nafter\n");
  log.reset();
  std::remove(path.c_str());
  std::remove(rotated.c_str());
}

TEST(AccessLog, OpenFailureNamesThePath) {
  std::string err;
  auto log = AccessLog::open({.path = "/nonexistent-dir/x.log"}, &err);
  EXPECT_EQ(log, nullptr);
  EXPECT_NE(err.find("access_log.path: cannot open /nonexistent-dir/x.log"), std::string::npos);
}
