// Unit tests of one producer's chain of line blocks: lines whole and in
// order across blocks, partial blocks drained, the bound, lines longer than
// a block, blocks reused most recently drained first, and producers racing a
// draining writer.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "observe/line_blocks.hpp"

using namespace weir::observe;

namespace {
// A line of exactly `len` bytes (at least 2) that names its number.
std::string line_of(size_t n, size_t len) {
  std::string s = std::to_string(n) + ":";
  s.resize(len - 1, 'x');
  s.push_back('\n');
  return s;
}

// Drains into `out`, checking that every piece ends at a line boundary.
size_t drain_into(LineBlocks& b, std::string& out) {
  return b.drain([&](const char* p, size_t n) {
    ASSERT_GT(n, 0u);
    EXPECT_EQ(p[n - 1], '\n');
    out.append(p, n);
  });
}
}  // namespace

TEST(LineBlocks, LinesAcrossBlocksComeOutWholeAndInOrder) {
  LineBlocks b(64, 16);
  std::string in, out;
  for (size_t i = 0; i < 200; ++i) {
    std::string line = line_of(i, 5 + i % 37);
    ASSERT_TRUE(b.push(line)) << i;
    in += line;
    if (i % 7 == 6) drain_into(b, out);  // sometimes mid-block, sometimes not
  }
  drain_into(b, out);
  EXPECT_EQ(out, in);
}

TEST(LineBlocks, PartialBlockIsDrainedAndNotTwice) {
  LineBlocks b(1024, 4);
  std::string out;
  ASSERT_TRUE(b.push("a\n"));
  EXPECT_EQ(drain_into(b, out), 2u);
  EXPECT_EQ(out, "a\n");
  ASSERT_TRUE(b.push("bc\n"));
  EXPECT_EQ(drain_into(b, out), 3u);
  EXPECT_EQ(drain_into(b, out), 0u);
  EXPECT_EQ(out, "a\nbc\n");
  EXPECT_EQ(b.blocks(), 1u);
}

TEST(LineBlocks, RefusesWholeLinesAtTheBoundUntilDrained) {
  LineBlocks b(64, 2);
  std::string line = line_of(0, 30);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(b.push(line)) << i;  // two per block
  EXPECT_FALSE(b.push(line));
  EXPECT_EQ(b.blocks(), 2u);
  std::string out;
  EXPECT_EQ(drain_into(b, out), 120u);
  // The sealed block came back; the current one is full and still held.
  EXPECT_TRUE(b.push(line));
  EXPECT_TRUE(b.push(line));
  EXPECT_FALSE(b.push(line));
  EXPECT_EQ(b.blocks(), 2u);
  EXPECT_EQ(drain_into(b, out), 60u);
}

TEST(LineBlocks, LineLongerThanABlockIsRefused) {
  LineBlocks b(64, 4);
  EXPECT_FALSE(b.push(line_of(1, 65)));
  EXPECT_TRUE(b.push(line_of(2, 64)));  // exactly a block fits
  EXPECT_TRUE(b.push(line_of(3, 10)));
  std::string out;
  drain_into(b, out);
  EXPECT_EQ(out, line_of(2, 64) + line_of(3, 10));
}

TEST(LineBlocks, DrainedBlocksAreReusedSoFewAreAllocated) {
  LineBlocks b(1024, 64);
  std::string in, out;
  for (size_t i = 0; in.size() < 100 * 1024; ++i) {
    std::string line = line_of(i, 60 + i % 90);
    ASSERT_TRUE(b.push(line)) << i;
    in += line;
    if (i % 3 == 0) drain_into(b, out);
  }
  drain_into(b, out);
  EXPECT_EQ(out, in);
  EXPECT_LE(b.blocks(), 3u);
}

TEST(LineBlocks, MostRecentlyDrainedBlockIsReusedFirst) {
  LineBlocks b(64, 8);
  // Where each block's bytes were handed to the sink: the block's data.
  auto drain_places = [&] {
    std::vector<const void*> at;
    b.drain([&](const char* p, size_t) { at.push_back(p); });
    return at;
  };
  for (size_t i = 0; i < 4; ++i) ASSERT_TRUE(b.push(line_of(i, 64)));  // a block each
  std::vector<const void*> blocks = drain_places();
  ASSERT_EQ(blocks.size(), 4u);
  // The first three went back in order; the fifth line seals the fourth and
  // goes to the third, the one drained last.
  ASSERT_TRUE(b.push(line_of(4, 64)));
  EXPECT_EQ(drain_places(), std::vector<const void*>{blocks[2]});
  // Now the fourth was drained last.
  ASSERT_TRUE(b.push(line_of(5, 64)));
  EXPECT_EQ(drain_places(), std::vector<const void*>{blocks[3]});
  EXPECT_EQ(b.blocks(), 4u);
}

// Several producers, each on its own buffer, and one writer draining all of
// them at once: every accepted line comes out once, whole and in order.
TEST(LineBlocks, ProducersAndAConcurrentWriterLoseAndRepeatNothing) {
  constexpr size_t kProducers = 4;
  constexpr size_t kLines = 20000;
  std::vector<std::unique_ptr<LineBlocks>> bufs;
  for (size_t p = 0; p < kProducers; ++p) bufs.push_back(std::make_unique<LineBlocks>(256, 4));
  std::vector<std::string> out(kProducers);
  std::atomic<size_t> running{kProducers};
  std::atomic<bool> gave_up{false};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);

  std::thread writer([&] {
    while (running.load(std::memory_order_acquire) > 0) {
      for (size_t p = 0; p < kProducers; ++p)
        bufs[p]->drain([&](const char* s, size_t n) { out[p].append(s, n); });
      std::this_thread::yield();
    }
    for (size_t p = 0; p < kProducers; ++p)
      bufs[p]->drain([&](const char* s, size_t n) { out[p].append(s, n); });
  });
  std::vector<std::thread> producers;
  for (size_t p = 0; p < kProducers; ++p)
    producers.emplace_back([&, p] {
      for (size_t i = 0; i < kLines && !gave_up.load(std::memory_order_relaxed); ++i) {
        std::string line = line_of(i, 8 + (i * 7 + p) % 120);
        // A full buffer waits for the writer, within the deadline.
        while (!bufs[p]->push(line)) {
          if (std::chrono::steady_clock::now() > deadline) {
            gave_up.store(true, std::memory_order_relaxed);
            break;
          }
          std::this_thread::yield();
        }
      }
      running.fetch_sub(1, std::memory_order_release);
    });
  for (auto& t : producers) t.join();
  writer.join();
  ASSERT_FALSE(gave_up.load());
  for (size_t p = 0; p < kProducers; ++p) {
    std::string want;
    for (size_t i = 0; i < kLines; ++i) want += line_of(i, 8 + (i * 7 + p) % 120);
    EXPECT_EQ(out[p].size(), want.size()) << p;
    EXPECT_TRUE(out[p] == want) << "producer " << p << " differs";
    EXPECT_LE(bufs[p]->blocks(), 4u);
  }
}
