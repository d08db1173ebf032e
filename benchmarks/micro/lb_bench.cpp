// Load-balancing policy benchmarks: the cost of one pick for every policy
// over 2 and 100 endpoints, through the Policy interface as the gateway calls
// it, with heap allocations per pick (must be 0). Also: the same pick through
// the concrete class (the price of the virtual call), the pick of the
// endpoint pool it replaces, the key hash, and table build times (paid once
// per reload, off the request path).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "upstream/endpoint_pool.hpp"
#include "upstream/lb/hash_key.hpp"
#include "upstream/lb/maglev.hpp"
#include "upstream/lb/policy.hpp"
#include "upstream/lb/random_state.hpp"
#include "upstream/lb/round_robin.hpp"

namespace weir::bench {
namespace {

using upstream::lb::Kind;
using upstream::lb::PickInput;
using upstream::lb::Policy;
using upstream::lb::RandomState;

constexpr size_t kHashes = 4096;  // a power of two: the loop masks its index

struct Fixture {
  std::unique_ptr<Policy> policy;
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> active;
  std::vector<uint8_t> available;
};

// Weights 1..4 and random in-flight counts, so weighted paths are taken.
Fixture make_fixture(Kind kind, uint32_t n, uint32_t down_every) {
  Fixture f;
  std::vector<uint32_t> weights(n);
  RandomState random(42);
  for (uint32_t i = 0; i < n; ++i) weights[i] = 1 + i % 4;
  upstream::lb::PolicyResult r = upstream::lb::make_policy(kind, weights, {.seed = 7});
  if (!r) std::abort();
  f.policy = std::move(r.policy);
  for (size_t i = 0; i < kHashes; ++i) {
    f.hashes.push_back(upstream::lb::hash_key("client-" + std::to_string(random.next())));
  }
  for (uint32_t i = 0; i < n; ++i) {
    f.active.push_back(random.below(32));
    f.available.push_back(down_every != 0 && i % down_every == 0 ? 0 : 1);
  }
  return f;
}

void run_picks(benchmark::State& state, Fixture& f, bool masked) {
  const uint8_t* available = masked ? f.available.data() : nullptr;
  size_t k = 0;
  const size_t allocs_before = allocation_count();
  for (auto _ : state) {
    uint32_t e = f.policy->pick(
        {.hash = f.hashes[k++ & (kHashes - 1)], .active = f.active.data(), .available = available});
    benchmark::DoNotOptimize(e);
  }
  state.counters["allocs_per_pick"] = benchmark::Counter(
      static_cast<double>(allocation_count() - allocs_before) / static_cast<double>(state.iterations()));
}

// No availability array: every endpoint up.
void BM_Pick(benchmark::State& state, Kind kind) {
  Fixture f = make_fixture(kind, static_cast<uint32_t>(state.range(0)), 0);
  run_picks(state, f, false);
}

// The array the gateway will pass, all endpoints available.
void BM_PickMasked(benchmark::State& state, Kind kind) {
  Fixture f = make_fixture(kind, static_cast<uint32_t>(state.range(0)), 0);
  run_picks(state, f, true);
}

// Every tenth endpoint (and endpoint 0) unavailable: the skip paths.
void BM_PickTenthDown(benchmark::State& state, Kind kind) {
  Fixture f = make_fixture(kind, static_cast<uint32_t>(state.range(0)), 10);
  run_picks(state, f, true);
}

#define WEIR_LB_BENCH(fn)                                                                   \
  BENCHMARK_CAPTURE(fn, round_robin, Kind::round_robin)->Arg(2)->Arg(100);                 \
  BENCHMARK_CAPTURE(fn, weighted_round_robin, Kind::weighted_round_robin)->Arg(2)->Arg(100); \
  BENCHMARK_CAPTURE(fn, least_request, Kind::least_request)->Arg(2)->Arg(100);             \
  BENCHMARK_CAPTURE(fn, random, Kind::random)->Arg(2)->Arg(100);                           \
  BENCHMARK_CAPTURE(fn, ring_hash, Kind::ring_hash)->Arg(2)->Arg(100);                     \
  BENCHMARK_CAPTURE(fn, maglev, Kind::maglev)->Arg(2)->Arg(100)

WEIR_LB_BENCH(BM_Pick);
WEIR_LB_BENCH(BM_PickMasked);
WEIR_LB_BENCH(BM_PickTenthDown);

// The same picks through the final classes, which the compiler may inline:
// the difference to BM_Pick is the cost of the virtual call.
template <typename Concrete>
void pick_direct(benchmark::State& state, Kind kind) {
  Fixture f = make_fixture(kind, static_cast<uint32_t>(state.range(0)), 0);
  auto& policy = static_cast<Concrete&>(*f.policy);
  size_t k = 0;
  for (auto _ : state) {
    uint32_t e = policy.pick({.hash = f.hashes[k++ & (kHashes - 1)]});
    benchmark::DoNotOptimize(e);
  }
}
void BM_PickDirectRoundRobin(benchmark::State& state) {
  pick_direct<upstream::lb::RoundRobin>(state, Kind::round_robin);
}
void BM_PickDirectMaglev(benchmark::State& state) {
  pick_direct<upstream::lb::Maglev>(state, Kind::maglev);
}
BENCHMARK(BM_PickDirectRoundRobin)->Arg(2)->Arg(100);
BENCHMARK(BM_PickDirectMaglev)->Arg(2)->Arg(100);

// The gateway's per-worker pick: the policy behind WorkerUpstream, with its
// in-flight array (what dispatch pays per request, virtual call included).
void BM_WorkerUpstreamPick(benchmark::State& state, Kind kind) {
  upstream::WorkerUpstream worker;
  std::vector<uint32_t> weights(static_cast<size_t>(state.range(0)), 1);
  worker.policy = upstream::lb::make_policy(kind, weights, {}).policy;
  worker.active.assign(weights.size(), 0);
  for (size_t i = 0; i < weights.size(); ++i)
    worker.endpoints.push_back(core::make_loop_ref<upstream::EndpointPool>());
  uint64_t h = 0;
  for (auto _ : state) benchmark::DoNotOptimize(worker.pick(h += 0x9e3779b97f4a7c15ULL, 0));
}
BENCHMARK_CAPTURE(BM_WorkerUpstreamPick, round_robin, Kind::round_robin)->Arg(2)->Arg(100);
BENCHMARK_CAPTURE(BM_WorkerUpstreamPick, least_request, Kind::least_request)->Arg(2)->Arg(100);
BENCHMARK_CAPTURE(BM_WorkerUpstreamPick, maglev, Kind::maglev)->Arg(2)->Arg(100);

void BM_HashKey(benchmark::State& state) {
  std::string key(static_cast<size_t>(state.range(0)), 'k');
  for (auto _ : state) benchmark::DoNotOptimize(upstream::lb::hash_key(key));
}
BENCHMARK(BM_HashKey)->Arg(16)->Arg(64);

// Build cost of the hashing tables for 100 endpoints (per reload, per upstream).
void BM_Build(benchmark::State& state, Kind kind) {
  std::vector<uint32_t> weights(static_cast<size_t>(state.range(0)), 1);
  for (auto _ : state) {
    auto r = upstream::lb::make_policy(kind, weights, {});
    benchmark::DoNotOptimize(r.policy.get());
  }
}
BENCHMARK_CAPTURE(BM_Build, ring_hash, Kind::ring_hash)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Build, maglev, Kind::maglev)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace weir::bench

BENCHMARK_MAIN();
