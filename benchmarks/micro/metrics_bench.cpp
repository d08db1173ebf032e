// Metrics recording cost on the request path: one exchange recorded into a
// worker's cells (GatewayMetrics::record), with one and two workers writing
// at once, and a gateway-made error (whose reason is looked up per worker).
// Each reports heap allocations per record, which must be 0; and the cost of
// a scrape (collect and Prometheus text) for a mid-sized configuration.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "observe/gateway_metrics.hpp"

namespace weir::bench {
namespace {

using observe::GatewayMetrics;

constexpr size_t kRoutes = 64, kUpstreams = 16, kEndpoints = 4;

struct Fixture {
  GatewayMetrics metrics{2};
  std::shared_ptr<const observe::SeriesIds> ids;
  Fixture() {
    std::vector<std::string> routes;
    for (size_t i = 0; i < kRoutes; ++i) routes.push_back("route-" + std::to_string(i));
    std::vector<observe::UpstreamLabels> ups;
    for (size_t u = 0; u < kUpstreams; ++u) {
      observe::UpstreamLabels l{"upstream-" + std::to_string(u), {}};
      for (size_t e = 0; e < kEndpoints; ++e)
        l.endpoints.push_back("10.0." + std::to_string(u) + "." + std::to_string(e) + ":8080");
      ups.push_back(std::move(l));
    }
    ids = metrics.bind(routes, ups);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void report_allocs(benchmark::State& state, size_t before) {
  state.counters["allocs/op"] = benchmark::Counter(
      static_cast<double>(allocation_count() - before) / static_cast<double>(state.iterations()));
}

void BM_RecordExchange(benchmark::State& state) {
  Fixture& f = fixture();
  auto worker = static_cast<uint32_t>(state.thread_index());
  ExchangeInfo info;
  info.status = 200;
  info.bytes_out = 512;
  size_t i = 0;
  size_t before = allocation_count();
  for (auto _ : state) {
    info.duration_us = (i * 7919) % 200000;
    f.metrics.record(worker, *f.ids, i % kRoutes, i % kUpstreams, i % kEndpoints, info);
    ++i;
  }
  if (state.thread_index() == 0) report_allocs(state, before);
}
BENCHMARK(BM_RecordExchange)->Threads(1)->Threads(2);

void BM_RecordGatewayError(benchmark::State& state) {
  Fixture& f = fixture();
  ExchangeInfo info;
  info.status = 503;
  info.reason = "no upstream endpoint available";
  f.metrics.record(0, *f.ids, 0, 0, 0, info);  // the first of a reason registers it
  size_t before = allocation_count();
  for (auto _ : state) f.metrics.record(0, *f.ids, 0, 0, 0, info);
  report_allocs(state, before);
}
BENCHMARK(BM_RecordGatewayError);

void BM_Scrape(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) {
    MetricsSnapshot snap;
    f.metrics.collect(snap);
    benchmark::DoNotOptimize(prometheus_text(snap));
  }
}
BENCHMARK(BM_Scrape);

}  // namespace
}  // namespace weir::bench

BENCHMARK_MAIN();
