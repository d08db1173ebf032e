// ReplayBody: what a retry can send again, and that it never holds more
// than its bound.
#include <gtest/gtest.h>

#include <string>

#include "core/replay_body.hpp"

namespace {

using weir::core::ReplayBody;

TEST(ReplayBody, KeepsEverythingWithinTheBound) {
  ReplayBody b;
  b.start(10);
  b.keep("hello", 5);
  b.keep("world", 5);
  EXPECT_TRUE(b.whole());
  EXPECT_EQ(b.bytes(), "helloworld");
}

TEST(ReplayBody, OneByteOverTheBoundDropsItAll) {
  ReplayBody b;
  b.start(10);
  b.keep("hello", 5);
  b.keep("world!", 6);
  EXPECT_FALSE(b.whole());
  EXPECT_TRUE(b.bytes().empty());
  b.keep("x", 1);  // once dropped, nothing more is kept
  EXPECT_FALSE(b.whole());
  EXPECT_TRUE(b.bytes().empty());
}

TEST(ReplayBody, ZeroLimitKeepsNothing) {
  ReplayBody b;
  b.start(0);
  EXPECT_FALSE(b.whole());
  b.keep("a", 1);
  EXPECT_TRUE(b.bytes().empty());
}

TEST(ReplayBody, NothingBeforeStartAndAfterReset) {
  ReplayBody b;
  EXPECT_FALSE(b.whole());
  b.start(100);
  b.keep("abc", 3);
  b.reset();
  EXPECT_FALSE(b.whole());
  EXPECT_TRUE(b.bytes().empty());
}

TEST(ReplayBody, StartForgetsTheLastBody) {
  ReplayBody b;
  b.start(100);
  b.keep("first", 5);
  b.start(100);
  EXPECT_TRUE(b.whole());
  EXPECT_TRUE(b.bytes().empty());
  b.keep("second", 6);
  EXPECT_EQ(b.bytes(), "second");
}

TEST(ReplayBody, LargeBodiesGiveTheirMemoryBack) {
  ReplayBody b;
  std::string big(1 << 20, 'x');
  b.start(big.size());
  b.keep(big.data(), big.size());
  EXPECT_EQ(b.bytes().size(), big.size());
  b.reset();
  b.start(10);
  b.keep("small", 5);
  EXPECT_EQ(b.bytes(), "small");
}

}  // namespace
