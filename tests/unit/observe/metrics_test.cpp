// Unit tests of the metrics registry (per-worker cells summed on read,
// bounds, histograms), the gateway's series binding across reloads, and the
// Prometheus text format (escaping, histogram lines).
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "observe/gateway_metrics.hpp"
#include "observe/metrics_registry.hpp"
#include "weir/metrics.hpp"

using namespace weir;
using namespace weir::observe;

TEST(MetricsRegistry, WorkersWriteTheirOwnCellsAndReadersSumThem) {
  MetricsRegistry reg(4);
  uint32_t f = reg.family("weir_test_total", "help", MetricType::counter, {"k"});
  uint32_t a = reg.series(f, {"a"});
  EXPECT_EQ(reg.series(f, {"a"}), a);  // same labels, same series
  uint32_t b = reg.series(f, {"b"});
  EXPECT_NE(a, b);
  std::vector<std::thread> threads;
  for (uint32_t w = 0; w < 4; ++w)
    threads.emplace_back([&, w] {
      for (int i = 0; i < 10000; ++i) reg.block(w)->add(a, 1);
      reg.block(w)->add(b, w);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(reg.block(4), nullptr);  // no such worker
  MetricsSnapshot snap;
  reg.collect(snap);
  EXPECT_EQ(snap.sum("weir_test_total", "k", "a"), 40000);
  EXPECT_EQ(snap.sum("weir_test_total", "k", "b"), 0 + 1 + 2 + 3);
  EXPECT_EQ(snap.sum("weir_test_total"), 40006);
  EXPECT_EQ(snap.sum("weir_unknown_total"), 0);
}

TEST(MetricsRegistry, HistogramBucketsAreCumulative) {
  MetricsRegistry reg(1);
  uint32_t f = reg.family("weir_h", "help", MetricType::histogram, {}, {1, 10});
  uint32_t cell = reg.series(f, {});
  CellBlock* b = reg.block(0);
  for (uint64_t v : {0, 1, 5, 50, 500}) {
    uint32_t bucket = v <= 1 ? 0 : v <= 10 ? 1 : 2;
    b->add(cell + bucket, 1);
    b->add(cell + 3, v);
  }
  MetricsSnapshot snap;
  reg.collect(snap, 0.5);
  const MetricFamily* h = snap.find("weir_h");
  ASSERT_NE(h, nullptr);
  ASSERT_EQ(h->samples.size(), 1u);
  EXPECT_EQ(h->samples[0].buckets, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(h->samples[0].value, 5);       // the count
  EXPECT_EQ(h->samples[0].sum, 556 * 0.5);  // scaled
}

TEST(MetricsRegistry, IsBoundedAndIgnoresCellsOutOfRange) {
  MetricsRegistry reg(1);
  uint32_t f = reg.family("weir_many", "help", MetricType::counter, {"i"});
  uint32_t last = 0;
  uint32_t refused = 0;
  for (uint32_t i = 0; i < CellBlock::kMaxCells + 10; ++i) {
    uint32_t c = reg.series(f, {std::to_string(i)});
    if (c == kNoCell) ++refused;
    else last = c;
  }
  EXPECT_EQ(refused, 10u);
  EXPECT_EQ(last, CellBlock::kMaxCells - 1);
  reg.block(0)->add(kNoCell, 1);  // ignored, no crash
  EXPECT_EQ(reg.block(0)->read(kNoCell), 0u);
}

TEST(GatewayMetrics, RecordsAnExchangeIntoItsSeries) {
  GatewayMetrics m(2);
  auto ids = m.bind({"users", ""}, {{"api", {"10.0.0.1:80", "10.0.0.2:80"}}});
  ASSERT_EQ(ids->routes.size(), 3u);  // two routes and "no route"
  ExchangeInfo ok;
  ok.status = 200;
  ok.duration_us = 3000;
  ok.bytes_in = 10;
  ok.bytes_out = 100;
  ok.retries = 2;
  m.record(0, *ids, 0, 0, 1, ok);
  ExchangeInfo bad;
  bad.status = 503;
  bad.reason = "no healthy upstream";
  m.record(1, *ids, 0, 0, 1, bad);
  ExchangeInfo none;
  none.reason = "no route";
  none.status = 404;
  m.record(1, *ids, 2, SIZE_MAX, SIZE_MAX, none);
  m.record(1, *ids, 2, SIZE_MAX, SIZE_MAX, none);
  ExchangeInfo aborted;  // no status at all
  m.record(0, *ids, 1, SIZE_MAX, SIZE_MAX, aborted);
  m.connection_accepted(0);
  m.connection_accepted(1);
  m.connection_closed(1);
  m.record(7, *ids, 0, 0, 0, ok);  // a worker past the last: dropped

  MetricsSnapshot s;
  m.collect(s);
  EXPECT_EQ(s.sum("weir_requests_total"), 5);
  EXPECT_EQ(s.sum("weir_requests_total", "route", "users"), 2);
  EXPECT_EQ(s.sum("weir_requests_total", "route", "#1"), 1);  // unnamed route
  EXPECT_EQ(s.sum("weir_requests_total", "route", "#none"), 2);
  EXPECT_EQ(s.sum("weir_requests_total", "status_class", "none"), 1);
  EXPECT_EQ(s.sum("weir_requests_total", "status_class", "5xx"), 1);
  EXPECT_EQ(s.sum("weir_upstream_requests_total", "endpoint", "10.0.0.2:80"), 2);
  EXPECT_EQ(s.sum("weir_upstream_requests_total", "endpoint", "10.0.0.1:80"), 0);
  EXPECT_EQ(s.sum("weir_upstream_errors_total"), 1);
  EXPECT_EQ(s.sum("weir_upstream_retries_total", "upstream", "api"), 2);
  EXPECT_EQ(s.sum("weir_gateway_errors_total", "reason", "no route"), 2);
  EXPECT_EQ(s.sum("weir_gateway_errors_total", "reason", "no healthy upstream"), 1);
  EXPECT_EQ(s.sum("weir_client_received_bytes_total"), 10);
  EXPECT_EQ(s.sum("weir_client_sent_bytes_total"), 100);
  EXPECT_EQ(s.sum("weir_client_connections_open"), 1);
  EXPECT_EQ(s.sum("weir_client_connections_accepted_total"), 2);
  const MetricFamily* d = s.find("weir_request_duration_seconds");
  ASSERT_NE(d, nullptr);
  for (const MetricSample& sample : d->samples)
    if (sample.label("route") == "users") {
      EXPECT_EQ(sample.value, 2);
      EXPECT_DOUBLE_EQ(sample.sum, 0.003);
      EXPECT_EQ(sample.buckets[0], 1u);  // 0 µs <= 1 ms
      EXPECT_EQ(sample.buckets[1], 2u);  // 3 ms <= 5 ms
    }
}

TEST(GatewayMetrics, AReloadKeepsCountsAndAddsSeries) {
  GatewayMetrics m(1);
  auto first = m.bind({"a"}, {});
  ExchangeInfo ok;
  ok.status = 200;
  m.record(0, *first, 0, SIZE_MAX, SIZE_MAX, ok);
  // The new snapshot puts a new route first: "a" moves to index 1.
  auto second = m.bind({"b", "a"}, {});
  m.record(0, *second, 1, SIZE_MAX, SIZE_MAX, ok);
  m.record(0, *second, 0, SIZE_MAX, SIZE_MAX, ok);
  // A third drops "a": its series stays with its count.
  auto third = m.bind({"b"}, {});
  m.record(0, *third, 0, SIZE_MAX, SIZE_MAX, ok);
  MetricsSnapshot s;
  m.collect(s);
  EXPECT_EQ(s.sum("weir_requests_total", "route", "a"), 2);
  EXPECT_EQ(s.sum("weir_requests_total", "route", "b"), 2);
}

TEST(PrometheusText, FormatsFamiliesAndEscapes) {
  MetricsSnapshot s;
  MetricFamily c{"weir_c_total", "A help with \\ and\nnewline.", MetricType::counter, {}, {}};
  MetricSample cs;
  cs.labels = {{"route", "a\"b\\c\nd"}, {"x", ""}};
  cs.value = 12;
  c.samples.push_back(cs);
  s.families.push_back(c);
  MetricFamily g{"weir_g", "gauge", MetricType::gauge, {}, {}};
  MetricSample gs;
  gs.value = 0.25;
  g.samples.push_back(gs);
  s.families.push_back(g);
  MetricFamily h{"weir_h_seconds", "hist", MetricType::histogram, {0.005, 1}, {}};
  MetricSample hs;
  hs.labels = {{"route", "r"}};
  hs.buckets = {1, 3};
  hs.value = 4;
  hs.sum = 2.5;
  h.samples.push_back(hs);
  s.families.push_back(h);
  EXPECT_EQ(prometheus_text(s),
            "# HELP weir_c_total A help with \\\\ and\\nnewline.\n"
            "# TYPE weir_c_total counter\n"
            "weir_c_total{route=\"a\\\"b\\\\c\\nd\",x=\"\"} 12\n"
            "# HELP weir_g gauge\n"
            "# TYPE weir_g gauge\n"
            "weir_g 0.25\n"
            "# HELP weir_h_seconds hist\n"
            "# TYPE weir_h_seconds histogram\n"
            "weir_h_seconds_bucket{route=\"r\",le=\"0.005\"} 1\n"
            "weir_h_seconds_bucket{route=\"r\",le=\"1\"} 3\n"
            "weir_h_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"
            "weir_h_seconds_sum{route=\"r\"} 2.5\n"
            "weir_h_seconds_count{route=\"r\"} 4\n");
}
