// Router benchmarks: build time, memory and per-match cost on a 10,000-route
// API over several virtual hosts and on the GitHub API, with heap allocations
// per match. `--dump-dir=DIR` writes the route and request sets for the Go
// httprouter peer (peers/) instead of running.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "bench_routes.hpp"
#include "router/path_normalize.hpp"
#include "weir/router.hpp"

#ifndef WEIR_BENCH_DATA_DIR
#define WEIR_BENCH_DATA_DIR "benchmarks/micro/data"
#endif

namespace weir::bench {
namespace {

constexpr size_t kApiRoutes = 10000;
constexpr size_t kMisses = 4096;

std::string g_data_dir = WEIR_BENCH_DATA_DIR;

Router make_router(const std::vector<Line>& lines) {
  Router router;
  for (size_t i = 0; i < lines.size(); ++i) {
    Route r;
    r.name = "r" + std::to_string(i);
    r.path = lines[i].path;
    r.host = lines[i].host;
    r.methods = {lines[i].method};
    r.target = Target::to_upstream("u");
    router.add(std::move(r));
  }
  return router;
}

struct RouteSet {
  std::vector<Line> routes;
  std::vector<Line> hits;
  std::vector<Line> misses;
  Router router;
  std::shared_ptr<const RouteTable> table;
};

std::vector<Line> github_routes() {
  std::vector<Line> lines;
  std::string error;
  if (!read_lines(g_data_dir + "/github_api.routes", &lines, &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    std::exit(2);
  }
  return lines;
}

RouteSet& api_set() {
  static RouteSet* set = [] {
    auto* s = new RouteSet;
    s->routes = api_routes(kApiRoutes);
    s->hits = hit_requests(s->routes, 1);
    s->misses = api_misses(kMisses, 2);
    s->router = make_router(s->routes);
    return s;
  }();
  return *set;
}

RouteSet& github_set() {
  static RouteSet* set = [] {
    auto* s = new RouteSet;
    s->routes = github_routes();
    s->hits = hit_requests(s->routes, 3);
    s->router = make_router(s->routes);
    return s;
  }();
  return *set;
}

const RouteTable& table_of(RouteSet& s) {
  if (!s.table) {
    std::string error;
    s.table = s.router.build(&error);
    if (!s.table) {
      std::fprintf(stderr, "route build failed: %s\n", error.c_str());
      std::exit(2);
    }
  }
  return *s.table;
}

std::vector<MatchInput> inputs_of(const std::vector<Line>& lines) {
  std::vector<MatchInput> in(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    in[i].method = lines[i].method;
    in[i].host = lines[i].host;
    in[i].path = lines[i].path;
  }
  return in;
}

// One iteration is one match; the inputs are cycled so the caches see a
// realistic spread of routes, not one hot path.
void run_matches(benchmark::State& state, const RouteTable& table, const std::vector<MatchInput>& inputs,
                 bool expect_hit) {
  Params params;
  size_t i = 0;
  size_t wrong = 0;
  size_t allocs_before = allocation_count();
  for (auto _ : state) {
    const Route* r = table.match(inputs[i], params);
    benchmark::DoNotOptimize(r);
    wrong += (r != nullptr) != expect_hit;
    if (++i == inputs.size()) i = 0;
  }
  size_t allocs = allocation_count() - allocs_before;
  state.counters["allocs_per_match"] = static_cast<double>(allocs) / static_cast<double>(state.iterations());
  if (wrong != 0) state.SkipWithError("a lookup gave the wrong hit/miss result");
}

// The memory of a built table, outside the timed loop: the bytes it holds
// (its copy of the routes and the compiled index) and what one build
// allocates in all, temporaries included.
void count_table_memory(benchmark::State& state, const RouteSet& s) {
  size_t live_before = live_bytes();
  size_t allocs_before = allocation_count();
  auto table = s.router.build();
  size_t held = live_bytes() - live_before;
  state.counters["build_allocs"] = static_cast<double>(allocation_count() - allocs_before);
  // The table's copy of the Route structs, so the index's own share shows.
  live_before = live_bytes();
  std::vector<Route> copy = s.router.routes();
  size_t routes = live_bytes() - live_before;
  state.counters["table_bytes"] = static_cast<double>(held);
  state.counters["bytes_per_route"] = static_cast<double>(held) / static_cast<double>(s.routes.size());
  state.counters["index_bytes"] = static_cast<double>(held - std::min(held, routes));
  benchmark::DoNotOptimize(table);
  benchmark::DoNotOptimize(copy);
}

void Api10kBuild(benchmark::State& state) {
  RouteSet& s = api_set();
  for (auto _ : state) {
    std::string error;
    auto table = s.router.build(&error);
    if (!table) state.SkipWithError(error.c_str());
    benchmark::DoNotOptimize(table);
  }
  state.counters["routes"] = static_cast<double>(s.routes.size());
  count_table_memory(state, s);
}

void Api10kHit(benchmark::State& state) {
  RouteSet& s = api_set();
  run_matches(state, table_of(s), inputs_of(s.hits), true);
}

void Api10kMiss(benchmark::State& state) {
  RouteSet& s = api_set();
  run_matches(state, table_of(s), inputs_of(s.misses), false);
}

// A miss under TrailingSlash::ignore: every miss is looked up a second time
// with its other spelling (a '/' added on the stack), still without allocating.
void Api10kMissSlashIgnore(benchmark::State& state) {
  RouteSet& s = api_set();
  static const std::shared_ptr<const RouteTable> table = [&s] {
    Router router = s.router;
    router.trailing_slash(TrailingSlash::ignore);
    return router.build();
  }();
  run_matches(state, *table, inputs_of(s.misses), false);
}

void GithubBuild(benchmark::State& state) {
  RouteSet& s = github_set();
  for (auto _ : state) {
    auto table = s.router.build();
    benchmark::DoNotOptimize(table);
  }
  state.counters["routes"] = static_cast<double>(s.routes.size());
  count_table_memory(state, s);
}

void GithubAll(benchmark::State& state) {
  RouteSet& s = github_set();
  run_matches(state, table_of(s), inputs_of(s.hits), true);
}

void GithubStatic(benchmark::State& state) {
  RouteSet& s = github_set();
  std::vector<Line> one = {{"GET", "/user/repos", ""}};
  run_matches(state, table_of(s), inputs_of(one), true);
}

void GithubParam(benchmark::State& state) {
  RouteSet& s = github_set();
  std::vector<Line> one = {{"GET", "/repos/julienschmidt/httprouter/stargazers", ""}};
  run_matches(state, table_of(s), inputs_of(one), true);
}

void NormalizePath(benchmark::State& state) {
  const std::string raw = "/v1/accounts/%7Ealice/./files//report%2epdf";
  char out[256];
  size_t allocs_before = allocation_count();
  for (auto _ : state) {
    size_t len = 0;
    PathError e = normalize_path(raw, out, sizeof out, &len);
    benchmark::DoNotOptimize(e);
    benchmark::DoNotOptimize(len);
  }
  state.counters["allocs_per_match"] =
      static_cast<double>(allocation_count() - allocs_before) / static_cast<double>(state.iterations());
}

BENCHMARK(Api10kBuild)->Unit(benchmark::kMillisecond);
BENCHMARK(Api10kHit);
BENCHMARK(Api10kMiss);
BENCHMARK(Api10kMissSlashIgnore);
BENCHMARK(GithubBuild)->Unit(benchmark::kMicrosecond);
BENCHMARK(GithubAll);
BENCHMARK(GithubStatic);
BENCHMARK(GithubParam);
BENCHMARK(NormalizePath);

int dump(const std::string& dir) {
  RouteSet& api = api_set();
  RouteSet& gh = github_set();
  bool ok = write_lines(dir + "/api_10k.routes", api.routes) && write_lines(dir + "/api_10k_hits.requests", api.hits) &&
            write_lines(dir + "/api_10k_misses.requests", api.misses) &&
            write_lines(dir + "/github.routes", gh.routes) && write_lines(dir + "/github_hits.requests", gh.hits);
  if (!ok) std::fprintf(stderr, "cannot write to %s\n", dir.c_str());
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace weir::bench

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--dump-dir=", 11) == 0) return weir::bench::dump(argv[i] + 11);
    if (std::strncmp(argv[i], "--data-dir=", 11) == 0) {
      weir::bench::g_data_dir = argv[i] + 11;
      continue;
    }
    rest.push_back(argv[i]);
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
