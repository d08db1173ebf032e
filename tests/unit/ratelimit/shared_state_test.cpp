// The state shared by worker threads: exact totals when threads contend on
// one key, a bounded table, eviction of idle keys and counted overflow.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "limiter_fixture.hpp"

namespace weir::ratelimit::test {
namespace {

// Two threads start together on a fresh key for each round and try
// `tries` requests each at one instant; returns the total allowed per round.
std::vector<uint32_t> hammer(Limiter& lim, int rounds, uint32_t tries) {
  std::vector<uint32_t> totals;
  for (int round = 0; round < rounds; ++round) {
    const std::string key = "round-" + std::to_string(round);
    std::atomic<int> ready{0};
    std::atomic<uint32_t> allowed{0};
    auto worker = [&] {
      ready.fetch_add(1);
      while (ready.load() < 2) {
      }
      uint32_t mine = 0;
      for (uint32_t i = 0; i < tries; ++i) mine += lim.check(key, kT0).allowed;
      allowed.fetch_add(mine);
    };
    std::thread a(worker);
    std::thread b(worker);
    a.join();
    b.join();
    totals.push_back(allowed.load());
  }
  return totals;
}

TEST(SharedState, TwoThreadsOnOneKeyGetExactlyBurst) {
  auto lim = make_limiter(bucket(1, 1000));
  for (uint32_t total : hammer(*lim, 20, 3000)) EXPECT_EQ(total, 1000u);
  EXPECT_EQ(lim->stats().contended, 0u);
  EXPECT_EQ(lim->stats().overflow, 0u);
}

TEST(SharedState, TwoThreadsOnOneKeyGetExactlyTheWindowLimit) {
  auto lim = make_limiter(window(60'000, 1000));
  for (uint32_t total : hammer(*lim, 20, 3000)) EXPECT_EQ(total, 1000u);
  EXPECT_EQ(lim->stats().contended, 0u);
}

TEST(SharedState, TableIsBoundedAndOverflowIsCounted) {
  auto lim = make_limiter(bucket(1, 1, 64));
  ASSERT_EQ(lim->stats().capacity, 128u);
  uint32_t tracked = 0;
  uint32_t untracked = 0;
  for (int i = 0; i < 10'000; ++i) {
    const Decision d = lim->check("key-" + std::to_string(i), kT0);
    EXPECT_TRUE(d.allowed);  // tracked or not, a first request passes
    (d.untracked ? untracked : tracked) += 1;
  }
  EXPECT_EQ(tracked, 128u);  // every slot ends up used, none twice
  EXPECT_EQ(untracked, 10'000u - 128u);
  EXPECT_EQ(lim->stats().overflow, untracked);
  EXPECT_EQ(lim->stats().evictions, 0u);  // every tracked key is still live
  // Tracked keys stay limited: none was pushed out while live.
  uint32_t still_limited = 0;
  for (int i = 0; i < 10'000; ++i) {
    const Decision d = lim->check("key-" + std::to_string(i), kT0);
    still_limited += !d.allowed;
  }
  EXPECT_EQ(still_limited, tracked);
}

TEST(SharedState, IdleKeysAreEvictedExactly) {
  auto lim = make_limiter(bucket(1, 1, 16));  // 32 slots: one probe window
  ASSERT_EQ(lim->stats().capacity, LocalStore::kProbe);
  for (int i = 0; i < 32; ++i) ASSERT_FALSE(lim->check("k" + std::to_string(i), kT0).untracked);
  Decision d = lim->check("new", kT0 + 999 * kMs);  // every key still owes time
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.untracked);
  EXPECT_EQ(lim->stats().overflow, 1u);
  d = lim->check("new", kT0 + kS);  // now all are back to a full bucket
  EXPECT_TRUE(d.allowed);
  EXPECT_FALSE(d.untracked);
  EXPECT_EQ(lim->stats().evictions, 1u);
  EXPECT_FALSE(lim->check("new", kT0 + kS).allowed);
  // An evicted key comes back with the full allowance it had.
  uint32_t passed = 0;
  for (int i = 0; i < 32; ++i) passed += lim->check("k" + std::to_string(i), kT0 + kS).allowed;
  EXPECT_EQ(passed, 32u);
}

TEST(SharedState, IdleWindowKeysAreEvicted) {
  auto lim = make_limiter(window(1000, 2, 16));
  for (int i = 0; i < 32; ++i) ASSERT_FALSE(lim->check("k" + std::to_string(i), kT0).untracked);
  EXPECT_TRUE(lim->check("new", kT0 + 1999 * kMs).untracked);  // previous window weighs
  EXPECT_FALSE(lim->check("new", kT0 + 2000 * kMs).untracked);
  EXPECT_EQ(lim->stats().evictions, 1u);
}

// Two threads that step through time together: each waits for the other at
// every epoch, so their clocks differ by at most one epoch, as workers
// reading one monotonic clock do.
class EpochBarrier {
 public:
  explicit EpochBarrier(int parties) : parties_(parties) {}
  void arrive_and_wait() {
    const int gen = generation_.load();
    if (arrived_.fetch_add(1) + 1 == parties_) {
      arrived_.store(0);
      generation_.fetch_add(1);
      return;
    }
    while (generation_.load() == gen) std::this_thread::yield();
  }

 private:
  const int parties_;
  std::atomic<int> arrived_{0};
  std::atomic<int> generation_{0};
};

// Threads churn through more keys than slots while time moves; eviction,
// adding and deciding race. Each visit to a key makes five requests at one
// instant after the key has been idle, so exactly `burst` of them pass when
// the key is tracked throughout; a live key lost to an eviction race would
// let more through.
TEST(SharedState, ChurnKeepsEveryKeyWithinItsAllowance) {
  constexpr int kThreads = 2;
  constexpr int kKeys = 200;      // per thread, against 64 slots
  constexpr int kPerEpoch = 10;   // visits per 1 ms epoch: a key comes back after 20 ms
  constexpr int kEpochs = 400;
  auto lim = make_limiter(bucket(1000, 3, 32));  // 64 slots; idle 3 ms after a visit
  std::vector<uint32_t> over(kThreads, 0);
  std::vector<uint32_t> exact(kThreads, 0);
  EpochBarrier barrier(kThreads);
  auto worker = [&](int t) {
    int v = 0;
    for (int e = 0; e < kEpochs; ++e) {
      barrier.arrive_and_wait();
      const uint64_t now = kT0 + uint64_t(e) * kMs;
      for (int i = 0; i < kPerEpoch; ++i, ++v) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(v % kKeys);
        uint32_t tracked = 0;
        bool any_untracked = false;
        for (int r = 0; r < 5; ++r) {
          const Decision d = lim->check(key, now);
          if (d.untracked)
            any_untracked = true;
          else if (d.allowed)
            ++tracked;
        }
        if (tracked > 3) ++over[t];
        if (tracked == 3 && !any_untracked) ++exact[t];
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, t);
  for (auto& th : threads) th.join();
  const StoreStats st = lim->stats();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(over[t], 0u) << t;
    EXPECT_GT(exact[t], uint32_t{kEpochs * kPerEpoch / 2}) << t;  // most visits find a slot
  }
  EXPECT_GT(st.evictions, 0u);
  EXPECT_GT(st.overflow, 0u);
  EXPECT_EQ(st.contended, 0u);
}

TEST(SharedState, ChurnedKeyStaysExactWhenItsSlotIsReused) {
  // One hot key plus a stream of one-off keys through a tiny table: the hot
  // key's count must survive all the adding and evicting around it.
  auto lim = make_limiter(bucket(10, 5, 16));
  uint32_t hot = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t now = kT0 + uint64_t(i) * kMs;  // one second in all
    hot += lim->check("hot", now).allowed;
    lim->check("cold-" + std::to_string(i), now);
  }
  EXPECT_EQ(hot, 5u + 9u);  // burst, then one per 100 ms after the first 100 ms
}

}  // namespace
}  // namespace weir::ratelimit::test
