// JWT verification: µs per token for each algorithm with the cache off
// (every call checks the signature) and on (a hit), heap allocations per
// hit (must be 0), cache hits from several threads at once, and hits in a
// thread's own front of the cache (what the jwt middleware takes).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "middleware/builtin/jwt/verifier.hpp"
#include "test_keys.hpp"

namespace weir::bench {
namespace {

using jwt::Algorithm;
using jwt::AlgorithmInfo;

constexpr int64_t kNowMs = 1'700'000'000'000;

std::string claims(int n) {
  return "{\"sub\":\"user-" + std::to_string(n) +
         "\",\"iss\":\"https://issuer.example\",\"aud\":\"api\",\"iat\":1699999000,"
         "\"exp\":1700003600,\"scope\":\"read write\",\"tenant\":\"t-42\"}";
}

std::string token_for(Algorithm alg, int n) {
  auto& k = jwt::test::keys();
  std::string header = "{\"alg\":\"" + std::string(jwt::algorithm_info(alg).name) +
                       "\",\"typ\":\"JWT\",\"kid\":\"k1\"}";
  return jwt::test::sign(k.random, alg, header, claims(n), k.for_algorithm(alg), k.secret);
}

struct Setup {
  jwt::test::TempDir dir;
  std::shared_ptr<const jwt::Verifier> uncached[jwt::kAlgorithmCount];
  std::shared_ptr<const jwt::Verifier> cached[jwt::kAlgorithmCount];
};

Setup& setup() {
  static Setup* s = [] {
    auto* made = new Setup();
    for (size_t i = 0; i < jwt::kAlgorithmCount; ++i) {
      const AlgorithmInfo& info = jwt::algorithm_info(static_cast<Algorithm>(i));
      jwt::VerifierOptions o{.algorithms = {std::string(info.name)},
                             .issuer = "https://issuer.example",
                             .audience = {"api"}};
      if (info.family == jwt::KeyFamily::hmac) {
        o.secret = jwt::test::keys().secret;
      } else {
        o.public_key_file = made->dir.write(std::string(info.name) + ".pem",
                                            jwt::test::keys().for_algorithm(info.id)->public_pem());
      }
      auto cached = jwt::Verifier::create(o);
      o.cache_entries = 0;
      auto uncached = jwt::Verifier::create(o);
      if (!cached.ok() || !uncached.ok()) {
        std::fprintf(stderr, "jwt_bench: %s\n", (cached.error + uncached.error).c_str());
        std::abort();
      }
      made->cached[i] = cached.value;
      made->uncached[i] = uncached.value;
    }
    return made;
  }();
  return *s;
}

void verify_loop(benchmark::State& state, const jwt::Verifier& v, const std::string& token) {
  if (!v.verify(token, kNowMs).ok()) state.SkipWithError("token refused");
  const size_t allocs_before = allocation_count();
  for (auto _ : state) {
    auto r = v.verify(token, kNowMs);
    benchmark::DoNotOptimize(r);
  }
  state.counters["allocs_per_op"] = benchmark::Counter(
      static_cast<double>(allocation_count() - allocs_before) /
      static_cast<double>(state.iterations()));
}

// Every call verifies the signature and parses the claims.
void BM_VerifyMiss(benchmark::State& state, Algorithm alg) {
  verify_loop(state, *setup().uncached[static_cast<size_t>(alg)], token_for(alg, 0));
}

// The same token again: hash, compare, copy a shared_ptr.
void BM_VerifyHit(benchmark::State& state, Algorithm alg) {
  verify_loop(state, *setup().cached[static_cast<size_t>(alg)], token_for(alg, 0));
}

// Cache hits from several threads, each cycling through its own 64 tokens,
// as workers serving many clients do.
void BM_VerifyHitThreads(benchmark::State& state) {
  const auto& v = *setup().cached[static_cast<size_t>(Algorithm::HS256)];
  std::vector<std::string> tokens;
  for (int i = 0; i < 64; ++i) tokens.push_back(token_for(Algorithm::HS256, state.thread_index() * 1000 + i));
  for (const auto& t : tokens) v.verify(t, kNowMs);
  size_t i = 0;
  for (auto _ : state) {
    auto r = v.verify(tokens[i++ & 63], kNowMs);
    if (!r.from_cache) state.SkipWithError("expected a cache hit");
    benchmark::DoNotOptimize(r);
  }
}

// What the jwt middleware does for a token its worker served before: the
// thread's front of the cache, held and released without a lock or an
// atomic count. Each thread has its own token, as each worker its clients.
void BM_FrontHit(benchmark::State& state) {
  const auto& v = *setup().cached[static_cast<size_t>(Algorithm::HS256)];
  std::string token = token_for(Algorithm::HS256, 2000 + state.thread_index());
  if (!v.verify(token, kNowMs).ok()) state.SkipWithError("token refused");
  const size_t allocs_before = allocation_count();
  if (!v.cached_here(token, kNowMs)) state.SkipWithError("expected a hit");  // fills the front
  for (auto _ : state) {
    jwt::TokenFronts::Ref held = v.cached_here(token, kNowMs);
    if (!held) state.SkipWithError("expected a hit");
    benchmark::DoNotOptimize(held.get());
  }
  if (state.thread_index() == 0)
    state.counters["allocs_per_op"] = benchmark::Counter(
        static_cast<double>(allocation_count() - allocs_before) /
        static_cast<double>(state.iterations()));
}

// Signature checks with one RSA key from several threads: each thread slot
// has its own mbedTLS context, so they do not queue on one context mutex.
void BM_VerifyMissThreadsRS256(benchmark::State& state) {
  const auto& v = *setup().uncached[static_cast<size_t>(Algorithm::RS256)];
  std::string token = token_for(Algorithm::RS256, state.thread_index());
  for (auto _ : state) {
    auto r = v.verify(token, kNowMs);
    benchmark::DoNotOptimize(r);
  }
}

}  // namespace
}  // namespace weir::bench

int main(int argc, char** argv) {
  using namespace weir::bench;
  setup();
  for (size_t i = 0; i < weir::jwt::kAlgorithmCount; ++i) {
    auto alg = static_cast<Algorithm>(i);
    std::string name(weir::jwt::algorithm_info(alg).name);
    benchmark::RegisterBenchmark(("jwt_verify_miss/" + name).c_str(), BM_VerifyMiss, alg)
        ->Unit(benchmark::kMicrosecond);
  }
  for (auto alg : {Algorithm::HS256, Algorithm::RS256, Algorithm::ES256}) {
    std::string name(weir::jwt::algorithm_info(alg).name);
    benchmark::RegisterBenchmark(("jwt_verify_hit/" + name).c_str(), BM_VerifyHit, alg)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("jwt_verify_hit_threads", BM_VerifyHitThreads)
      ->Unit(benchmark::kMicrosecond)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();
  benchmark::RegisterBenchmark("jwt_front_hit", BM_FrontHit)
      ->Unit(benchmark::kMicrosecond)->Threads(1)->Threads(2)->UseRealTime();
  benchmark::RegisterBenchmark("jwt_verify_miss_threads/RS256", BM_VerifyMissThreadsRS256)
      ->Unit(benchmark::kMicrosecond)->Threads(1)->Threads(2)->UseRealTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
