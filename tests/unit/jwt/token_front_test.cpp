// Each thread's front of the verified-token cache: hits without the shared
// cache, collisions, expiry, entries that outlive their slot and their
// fronts, one front per thread, and thread numbers given again.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "middleware/builtin/jwt/thread_slot.hpp"
#include "middleware/builtin/jwt/token_front.hpp"
#include "verify_fixture.hpp"

using namespace weir::jwt;
using namespace weir::jwt::test;

namespace {

std::shared_ptr<const Claims> claims_of(const std::string& sub) {
  picojson::object o;
  o["sub"] = picojson::value(sub);
  return std::make_shared<const Claims>(std::move(o));
}

}  // namespace

TEST(TokenFronts, FindsWhatThisThreadPutWholeTokenCompared) {
  TokenFronts fronts(16);
  EXPECT_EQ(fronts.entries(), 16u);
  const uint64_t hash = 0xfeed'beef'0000'0003;
  EXPECT_FALSE(fronts.find(hash, "tok", kNowMs));
  auto put = fronts.put(hash, "tok", kNowMs + 1000, claims_of("a"));
  ASSERT_TRUE(put);
  auto hit = fronts.find(hash, "tok", kNowMs);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit.get(), put.get());
  EXPECT_EQ(*hit->claims->text("sub"), "a");
  // Same hash, other bytes: a miss, never the other token's claims.
  EXPECT_FALSE(fronts.find(hash, "tok2", kNowMs));
  EXPECT_FALSE(fronts.find(hash, "to", kNowMs));
  EXPECT_FALSE(fronts.find(hash + 16, "tok", kNowMs));  // same slot, other hash
}

TEST(TokenFronts, AnExpiredEntryIsDropped) {
  TokenFronts fronts(4);
  fronts.put(7, "tok", kNowMs + 1000, claims_of("a"));
  EXPECT_TRUE(fronts.find(7, "tok", kNowMs + 999));
  EXPECT_FALSE(fronts.find(7, "tok", kNowMs + 1000));
  EXPECT_FALSE(fronts.find(7, "tok", kNowMs));  // gone, not only refused
}

TEST(TokenFronts, AnEntryInUseOutlivesItsSlotAndItsFronts) {
  TokenFronts::Ref kept;
  {
    TokenFronts fronts(1);
    EXPECT_EQ(fronts.entries(), 1u);
    kept = fronts.put(1, "first", kNowMs + 1000, claims_of("first"));
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept.use_count(), 2u);  // the front's and this one
    fronts.put(2, "second", kNowMs + 1000, claims_of("second"));  // takes the one slot
    EXPECT_FALSE(fronts.find(1, "first", kNowMs));
    EXPECT_EQ(kept.use_count(), 1u);
    EXPECT_TRUE(fronts.find(2, "second", kNowMs));
  }
  EXPECT_EQ(*kept->claims->text("sub"), "first");
  // What an exchange does with it: hold it by the plain pointer, release once.
  std::weak_ptr<const Claims> claims = kept->claims;
  weir::Context::Hold* hold = kept.detach();
  EXPECT_FALSE(claims.expired());
  hold->release();
  EXPECT_TRUE(claims.expired());
}

TEST(TokenFronts, ZeroEntriesTurnsThemOff) {
  TokenFronts fronts(0);
  EXPECT_EQ(fronts.entries(), 0u);
  EXPECT_FALSE(fronts.put(1, "t", kNowMs + 1000, claims_of("a")));
  EXPECT_FALSE(fronts.find(1, "t", kNowMs));
  EXPECT_EQ(TokenFronts(3).entries(), 2u);
  EXPECT_EQ(TokenFronts(1000).entries(), TokenFronts::kMaxEntries);
}

TEST(TokenFronts, EachThreadHasItsOwn) {
  TokenFronts fronts(16);
  fronts.put(5, "mine", kNowMs + 1000, claims_of("main"));
  std::atomic<int> wrong{0};
  // All alive at once: a thread that ended may pass its number, and so its
  // front, to the next.
  std::barrier all(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      all.arrive_and_wait();
      // Not this thread's: the main thread's entry is not seen here.
      if (fronts.find(5, "mine", kNowMs)) ++wrong;
      std::string sub = "t" + std::to_string(t);
      for (int i = 0; i < 200; ++i) {
        auto e = fronts.find(5, "mine", kNowMs);
        if (!e) e = fronts.put(5, "mine", kNowMs + 1000, claims_of(sub));
        if (!e || *e->claims->text("sub") != sub) ++wrong;
      }
      all.arrive_and_wait();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(*fronts.find(5, "mine", kNowMs)->claims->text("sub"), "main");
}

TEST(ThreadSlot, NumbersOfEndedThreadsAreGivenAgain) {
  // However many threads come and go, their numbers stay about as many as
  // the threads alive at once.
  const size_t mine = thread_slot();
  EXPECT_EQ(thread_slot(), mine);
  std::set<size_t> seen;
  for (int round = 0; round < 50; ++round) {
    size_t a = 0, b = 0;
    std::thread ta([&] { a = thread_slot(); });
    std::thread tb([&] { b = thread_slot(); });
    ta.join();
    tb.join();
    EXPECT_NE(a, mine);
    EXPECT_NE(b, mine);
    seen.insert(a);
    seen.insert(b);
  }
  EXPECT_LE(seen.size(), 4u);  // not 100
}

TEST(VerifierFront, CachedHereServesAVerifiedTokenAndItsExpiry) {
  auto v = make_verifier({.algorithms = {"HS256"}, .secret = keys().secret});
  EXPECT_EQ(v->front_entries(), TokenFronts::kMaxEntries);
  std::string t = token(Algorithm::HS256, claims_json(kNowS + 10));
  EXPECT_FALSE(v->cached_here(t, kNowMs));  // never verified
  ASSERT_TRUE(v->verify(t, kNowMs).ok());
  auto first = v->cached_here(t, kNowMs);  // from the shared cache, into the front
  ASSERT_TRUE(first);
  auto second = v->cached_here(t, kNowMs + 1);  // from the front
  ASSERT_TRUE(second);
  EXPECT_EQ(second.get(), first.get());
  EXPECT_EQ(*second->claims->text("sub"), "user-7");
  EXPECT_FALSE(v->cached_here(t, kNowMs + 10'000));  // exp reached
  EXPECT_EQ(v->verify(t, kNowMs + 10'000).error, VerifyError::expired);
  std::string forged = t;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(v->cached_here(forged, kNowMs));
  auto off = make_verifier({.algorithms = {"HS256"}, .secret = keys().secret, .cache_entries = 0});
  ASSERT_TRUE(off->verify(t, kNowMs).ok());
  EXPECT_FALSE(off->cached_here(t, kNowMs));
}
