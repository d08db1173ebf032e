// The verified-token cache: hits, expiry while cached, collisions, bounds,
// and use from several threads at once.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "middleware/builtin/jwt/token_cache.hpp"
#include "verify_fixture.hpp"

using namespace weir::jwt;
using namespace weir::jwt::test;

namespace {

std::shared_ptr<const weir::jwt::Claims> some_claims(const std::string& sub) {
  picojson::object o;
  o["sub"] = picojson::value(sub);
  return std::make_shared<const weir::jwt::Claims>(std::move(o));
}

}  // namespace

TEST(VerifierCache, AHitReturnsTheSameClaims) {
  auto v = make_verifier({.algorithms = {"RS256"},
                          .public_key_file = TempDir().write("rsa.pem", keys().rsa->public_pem())});
  std::string t = token(Algorithm::RS256);
  auto first = v->verify(t, kNowMs);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first.from_cache);
  auto second = v->verify(t, kNowMs + 1000);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(second.claims.get(), first.claims.get());
  EXPECT_EQ(*second.claims->text("sub"), "user-7");
}

TEST(VerifierCache, ACachedTokenStillExpires) {
  auto v = make_verifier({.algorithms = {"HS256"}, .secret = keys().secret, .leeway_ms = 2000});
  std::string t = token(Algorithm::HS256, claims_json(kNowS + 10));
  ASSERT_TRUE(v->verify(t, kNowMs).ok());
  auto hit = v->verify(t, kNowMs + 11'999);  // exp + leeway - 1 ms
  EXPECT_TRUE(hit.ok());
  EXPECT_TRUE(hit.from_cache);
  auto late = v->verify(t, kNowMs + 12'000);
  EXPECT_EQ(late.error, VerifyError::expired);
  EXPECT_FALSE(late.from_cache);
  // And it stays refused: the expired entry was dropped, not refreshed.
  EXPECT_EQ(v->verify(t, kNowMs + 12'001).error, VerifyError::expired);
}

TEST(VerifierCache, RefusalsAreNotCached) {
  auto v = make_verifier({.algorithms = {"HS256"}, .secret = keys().secret});
  std::string t = token(Algorithm::HS256, claims_json(kNowS + 3600, "\"nbf\":" +
                                                                        std::to_string(kNowS + 5)));
  EXPECT_EQ(v->verify(t, kNowMs).error, VerifyError::not_yet_valid);
  auto later = v->verify(t, kNowMs + 5000);
  EXPECT_TRUE(later.ok());
  EXPECT_FALSE(later.from_cache);
}

TEST(VerifierCache, ZeroEntriesDisablesIt) {
  auto v = make_verifier({.algorithms = {"HS256"}, .secret = keys().secret, .cache_entries = 0});
  EXPECT_EQ(v->cache_capacity(), 0u);
  std::string t = token(Algorithm::HS256);
  EXPECT_TRUE(v->verify(t, kNowMs).ok());
  auto again = v->verify(t, kNowMs);
  EXPECT_TRUE(again.ok());
  EXPECT_FALSE(again.from_cache);
}

TEST(TokenCache, AHashCollisionIsAMissNotAnotherTokensVerdict) {
  TokenCache cache(64);
  const uint64_t hash = 0x1234'5678'9abc'def0;
  cache.insert(hash, "token-a", kNowMs + 1000, some_claims("a"));
  auto a = cache.find(hash, "token-a", kNowMs);
  ASSERT_TRUE(a);
  EXPECT_EQ(*a->text("sub"), "a");
  EXPECT_FALSE(cache.find(hash, "token-b", kNowMs));
  EXPECT_FALSE(cache.find(hash, "token-a ", kNowMs));
  EXPECT_FALSE(cache.find(hash + 1, "token-a", kNowMs));
  // Both can live in one set.
  cache.insert(hash, "token-b", kNowMs + 1000, some_claims("b"));
  EXPECT_EQ(*cache.find(hash, "token-b", kNowMs)->text("sub"), "b");
  EXPECT_EQ(*cache.find(hash, "token-a", kNowMs)->text("sub"), "a");
}

TEST(TokenCache, HoldsAtMostItsCapacityAndEvictsTheLeastRecentlyUsed) {
  for (size_t capacity : {1u, 3u, 4u, 64u, 100u, 4096u}) {
    TokenCache cache(capacity);
    ASSERT_LE(cache.capacity(), capacity);
    ASSERT_GE(cache.capacity(), 1u);
    const size_t n = capacity * 3;
    for (size_t i = 0; i < n; ++i) {
      std::string t = "t" + std::to_string(i);
      cache.insert(TokenCache::token_hash(t), t, kNowMs + 1000, some_claims(t));
    }
    size_t present = 0;
    for (size_t i = 0; i < n; ++i) {
      std::string t = "t" + std::to_string(i);
      if (cache.find(TokenCache::token_hash(t), t, kNowMs)) ++present;
    }
    EXPECT_LE(present, cache.capacity()) << capacity;
    EXPECT_GT(present, 0u) << capacity;
  }
  // In one set of four ways, the entry not used for longest goes first.
  TokenCache one_set(4);
  ASSERT_EQ(one_set.capacity(), 4u);
  for (int i = 0; i < 4; ++i) one_set.insert(7, "w" + std::to_string(i), kNowMs + 1000, some_claims("x"));
  ASSERT_TRUE(one_set.find(7, "w0", kNowMs));  // w1 is now the oldest
  one_set.insert(7, "w4", kNowMs + 1000, some_claims("x"));
  EXPECT_TRUE(one_set.find(7, "w0", kNowMs));
  EXPECT_FALSE(one_set.find(7, "w1", kNowMs));
  EXPECT_TRUE(one_set.find(7, "w4", kNowMs));
}

TEST(VerifierCache, ServesSeveralThreadsAtOnce) {
  auto& k = keys();
  auto v = make_verifier({.algorithms = {"ES256", "HS256"},
                          .secret = k.secret,
                          .public_key_file = TempDir().write("p.pem", k.p256->public_pem()),
                          .cache_entries = 64});
  std::vector<std::string> tokens;
  for (int i = 0; i < 40; ++i) {
    auto alg = i % 2 ? Algorithm::ES256 : Algorithm::HS256;
    tokens.push_back(token(alg, claims_json(kNowS + 3600, "\"n\":" + std::to_string(i))));
  }
  std::string forged = tokens[1];
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 25; ++round) {
        for (size_t i = 0; i < tokens.size(); ++i) {
          auto r = v->verify(tokens[(i + t) % tokens.size()], kNowMs);
          const std::string* n = r.ok() ? r.claims->text("n") : nullptr;
          if (n == nullptr || *n != std::to_string((i + t) % tokens.size())) ++wrong;
        }
        if (v->verify(forged, kNowMs).ok()) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}
