// PendingQueue: first come first served, O(1) removal from anywhere, and a
// wake that is never lost when the head leaves.
#include <gtest/gtest.h>

#include <vector>

#include "upstream/pending_queue.hpp"

namespace {

using weir::upstream::PendingQueue;
using weir::upstream::PendingWaiter;

struct Waiter final : PendingWaiter {
  int wakes = 0;
  void wake() noexcept override { ++wakes; }
};

TEST(PendingQueue, FirstComeFirstServed) {
  PendingQueue q;
  Waiter a, b, c;
  q.push(a);
  q.push(b);
  q.push(c);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_TRUE(q.is_head(a));
  q.wake_head();
  EXPECT_EQ(a.wakes, 1);
  EXPECT_EQ(b.wakes, 0);
  q.remove(a);  // served: the next one is woken
  EXPECT_TRUE(q.is_head(b));
  EXPECT_EQ(b.wakes, 1);
  EXPECT_EQ(c.wakes, 0);
}

TEST(PendingQueue, LeavingFromTheMiddleWakesNobody) {
  PendingQueue q;
  Waiter a, b, c;
  q.push(a);
  q.push(b);
  q.push(c);
  q.remove(b);
  EXPECT_FALSE(b.waiting());
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(a.wakes + c.wakes, 0);
  q.remove(a);
  EXPECT_TRUE(q.is_head(c));
  EXPECT_EQ(c.wakes, 1);
  q.remove(c);
  EXPECT_TRUE(q.empty());
  q.wake_head();  // nobody to wake
}

TEST(PendingQueue, RemoveAndPushAreIdempotent) {
  PendingQueue q;
  Waiter a;
  q.remove(a);  // not queued: nothing happens
  EXPECT_TRUE(q.empty());
  q.push(a);
  q.push(a);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_TRUE(a.waiting());
  q.remove(a);
  q.remove(a);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(a.waiting());
}

TEST(PendingQueue, TailRemovalKeepsOrder) {
  PendingQueue q;
  std::vector<Waiter> w(5);
  for (auto& x : w) q.push(x);
  q.remove(w[4]);
  Waiter late;
  q.push(late);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(q.is_head(w[i]));
    q.remove(w[i]);
  }
  EXPECT_TRUE(q.is_head(late));
  q.remove(late);
  EXPECT_TRUE(q.empty());
}

}  // namespace
