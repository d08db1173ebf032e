// LoopRef: a count without atomics, for objects of one loop (the endpoint
// pools, the worker's pin of its snapshot, the jwt middleware's per-thread
// cache entries).
#include <gtest/gtest.h>

#include <utility>

#include "core/loop_ref.hpp"
#include "core/snapshot_ref.hpp"

namespace {

using weir::core::LoopCounted;
using weir::core::LoopRef;
using weir::core::make_loop_ref;

struct Tracked : LoopCounted {
  explicit Tracked(int* alive) : alive(alive) { ++*alive; }
  ~Tracked() { --*alive; }
  int* alive;
};

TEST(LoopRef, TheLastReferenceDeletes) {
  int alive = 0;
  {
    LoopRef<Tracked> a = make_loop_ref<Tracked>(&alive);
    EXPECT_EQ(alive, 1);
    EXPECT_EQ(a.use_count(), 1u);
    LoopRef<Tracked> b = a;
    EXPECT_EQ(a.use_count(), 2u);
    LoopRef<Tracked> c = std::move(b);
    EXPECT_FALSE(b);
    EXPECT_EQ(c.use_count(), 2u);
    a.reset();
    EXPECT_FALSE(a);
    EXPECT_EQ(alive, 1);
    EXPECT_EQ(c.use_count(), 1u);
    c = c;  // self-assignment keeps it
    EXPECT_EQ(alive, 1);
    c = nullptr;
    EXPECT_EQ(alive, 0);
  }
  EXPECT_EQ(alive, 0);
}

TEST(LoopRef, AssignmentDropsTheOldObject) {
  int alive = 0;
  LoopRef<Tracked> a = make_loop_ref<Tracked>(&alive);
  LoopRef<Tracked> b = make_loop_ref<Tracked>(&alive);
  EXPECT_EQ(alive, 2);
  a = b;
  EXPECT_EQ(alive, 1);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a.use_count(), 2u);
}

TEST(LoopRef, DetachAndAdoptKeepTheCount) {
  int alive = 0;
  LoopRef<Tracked> a = make_loop_ref<Tracked>(&alive);
  Tracked* raw = a.detach();
  EXPECT_FALSE(a);
  EXPECT_EQ(alive, 1);  // still held, by `raw`
  {
    LoopRef<Tracked> back = LoopRef<Tracked>::adopt(raw);
    EXPECT_EQ(back.use_count(), 1u);
  }
  EXPECT_EQ(alive, 0);
}

TEST(SnapshotRef, ExchangesKeepTheSnapshotTheyStartedWith) {
  auto first = std::make_shared<const weir::core::Snapshot>();
  std::weak_ptr<const weir::core::Snapshot> watch = first;
  weir::core::SnapshotRef current(std::move(first));  // the worker's
  weir::core::SnapshotRef exchange = current;         // an exchange's copy
  EXPECT_EQ(exchange.get(), current.get());
  EXPECT_EQ(watch.use_count(), 1);  // one atomic reference, however many exchanges
  current = weir::core::SnapshotRef(std::make_shared<const weir::core::Snapshot>());  // a reload
  EXPECT_FALSE(watch.expired());
  EXPECT_NE(exchange.get(), current.get());
  exchange.reset();
  EXPECT_FALSE(exchange);
  EXPECT_TRUE(watch.expired());
}

}  // namespace
