// Rate-limit decision cost: one thread, two threads on one key, two threads
// on distinct keys, for both algorithms; the same limiter behind a virtual
// store interface (what a template parameter saves); key building. Each
// reports heap allocations per decision, which must be 0.
#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "middleware/builtin/rate_limit/key_spec.hpp"
#include "middleware/builtin/rate_limit/limiter.hpp"

namespace weir::bench {
namespace {

using namespace weir::ratelimit;

constexpr uint64_t kT0 = 1'000'000'000'000'000;

// Every decision passes and writes: one token per nanosecond and a deep
// bucket, or 65535 per 1 ms window; each thread's clock moves on by the
// benchmark's argument (ns) per decision.
LimitOptions always_passing(Algorithm a) {
  LimitOptions o;
  o.algorithm = a;
  o.rate_per_s = 1e9;
  o.burst = 4'000'000'000u;
  o.window_ms = 1;
  o.limit = 65535;
  o.max_keys = 65536;
  return o;
}

std::unique_ptr<Limiter> g_limiter;  // shared by the threads of one run
std::vector<std::string> g_keys[2];   // per thread, made before timing starts

Limiter& shared_limiter(const benchmark::State& state, Algorithm a) {
  if (state.thread_index() == 0 && !g_limiter) g_limiter = std::move(Limiter::create(always_passing(a)).limiter);
  return *g_limiter;
}

void report_allocs(benchmark::State& state, size_t before) {
  state.counters["allocs/op"] = benchmark::Counter(
      static_cast<double>(allocation_count() - before) / static_cast<double>(state.iterations()));
}

// Google Benchmark starts every thread of a run after setup: thread 0 makes
// the limiter in Setup and drops it in Teardown.
void make_keys() {
  for (int t = 0; t < 2; ++t) {
    g_keys[t].clear();
    for (int i = 0; i < 1024; ++i)
      g_keys[t].push_back("t" + std::to_string(t) + "-client-" + std::to_string(i));
  }
}
void setup_bucket(const benchmark::State& s) {
  make_keys();
  shared_limiter(s, Algorithm::token_bucket);
}
void setup_window(const benchmark::State& s) {
  make_keys();
  shared_limiter(s, Algorithm::sliding_window);
}
void teardown(const benchmark::State&) { g_limiter.reset(); }

void BM_OneKey(benchmark::State& state) {
  Limiter& lim = *g_limiter;
  const auto step = static_cast<uint64_t>(state.range(0));
  uint64_t now = kT0;
  uint64_t passed = 0;
  const size_t before = allocation_count();
  for (auto _ : state) {
    const Decision d = lim.check("client-203.0.113.7", now += step);
    passed += d.allowed;
    benchmark::DoNotOptimize(d);
  }
  if (passed != static_cast<uint64_t>(state.iterations())) state.SkipWithError("a decision was denied");
  report_allocs(state, before);
}

void BM_DistinctKeys(benchmark::State& state) {
  Limiter& lim = *g_limiter;
  const std::vector<std::string>& keys = g_keys[state.thread_index() & 1];
  const auto step = static_cast<uint64_t>(state.range(0));
  uint64_t now = kT0;
  size_t i = 0;
  const size_t before = allocation_count();
  for (auto _ : state) {
    const Decision d = lim.check(keys[i++ & 1023], now += step);
    benchmark::DoNotOptimize(d);
  }
  report_allocs(state, before);
}

void BM_Denied(benchmark::State& state) {
  LimitOptions o;
  o.rate_per_s = 1;
  o.burst = 1;
  auto lim = std::move(Limiter::create(o).limiter);
  lim->check("k", kT0);
  for (auto _ : state) benchmark::DoNotOptimize(lim->check("k", kT0));
}

// Argument: clock step per decision in ns (1 ns for the bucket; 20 us keeps
// a 1 ms window under its limit of 65535 with both threads counting).
BENCHMARK(BM_OneKey)->Name("token_bucket/one_key")->Arg(1)->Setup(setup_bucket)->Teardown(teardown)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_DistinctKeys)->Name("token_bucket/distinct_keys")->Arg(1)->Setup(setup_bucket)->Teardown(teardown)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_OneKey)->Name("sliding_window/one_key")->Arg(20'000)->Setup(setup_window)->Teardown(teardown)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_DistinctKeys)->Name("sliding_window/distinct_keys")->Arg(20'000)->Setup(setup_window)->Teardown(teardown)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_Denied)->Name("token_bucket/denied");

// The same table reached through a virtual interface, as a store chosen at
// run time would be.
class DynamicStore {
 public:
  virtual ~DynamicStore() = default;
  virtual StoreOutcome apply(uint64_t hash, const GcraStep& s) noexcept = 0;
  virtual StoreOutcome apply(uint64_t hash, const WindowStep& s) noexcept = 0;
  virtual StoreStats stats() const noexcept = 0;
};

class DynamicLocal final : public DynamicStore {
 public:
  DynamicLocal() : store_(LocalStore::create(65536)) {}
  StoreOutcome apply(uint64_t h, const GcraStep& s) noexcept override { return store_->apply(h, s); }
  StoreOutcome apply(uint64_t h, const WindowStep& s) noexcept override { return store_->apply(h, s); }
  StoreStats stats() const noexcept override { return store_->stats(); }

 private:
  std::unique_ptr<LocalStore> store_;
};

class VirtualStore final {
 public:
  explicit VirtualStore(DynamicStore* s) : s_(s) {}
  StoreOutcome apply(uint64_t h, const GcraStep& s) noexcept { return s_->apply(h, s); }
  StoreOutcome apply(uint64_t h, const WindowStep& s) noexcept { return s_->apply(h, s); }
  StoreStats stats() const noexcept { return s_->stats(); }

 private:
  DynamicStore* s_;
};

void BM_VirtualOneKey(benchmark::State& state) {
  std::unique_ptr<DynamicStore> impl = std::make_unique<DynamicLocal>();
  benchmark::DoNotOptimize(impl.get());  // keep the call indirect
  auto lim = std::move(BasicLimiter<VirtualStore>::create(always_passing(Algorithm::token_bucket),
                                                          std::make_unique<VirtualStore>(impl.get()))
                           .limiter);
  uint64_t now = kT0;
  for (auto _ : state) benchmark::DoNotOptimize(lim->check("client-203.0.113.7", ++now));
}
BENCHMARK(BM_VirtualOneKey)->Name("token_bucket/one_key_virtual_store");

void BM_BuildKey(benchmark::State& state) {
  const KeySpec spec = parse_key_spec("ip+header:x-user-id+route").spec;
  const std::array<Header, 6> headers{{{"Host", "api.example.com"}, {"User-Agent", "bench"},
                                       {"Accept", "*/*"}, {"X-Request-Id", "abc"},
                                       {"X-User-Id", "user-42"}, {"Content-Length", "0"}}};
  const KeySource src{.client_ip = "203.0.113.7", .route = "users", .headers = headers};
  std::array<char, kMaxKeyBytes> buf;
  const size_t before = allocation_count();
  for (auto _ : state) {
    const BuiltKey k = build_key(spec, src, buf);
    benchmark::DoNotOptimize(k);
  }
  report_allocs(state, before);
}
BENCHMARK(BM_BuildKey)->Name("key/build_ip_header_route");

}  // namespace
}  // namespace weir::bench

BENCHMARK_MAIN();
