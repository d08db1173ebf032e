#include "observe/gateway_metrics.hpp"

namespace weir::observe {

namespace {
// Request duration buckets, in µs (exposed in seconds): from a cache hit in
// the same rack to a slow report.
const std::vector<double> kDurationBoundsUs = {1e3,   5e3,   1e4,   2.5e4, 5e4, 1e5,
                                               2.5e5, 5e5, 1e6,   2.5e6, 5e6, 1e7};
constexpr std::array<const char*, kStatusClasses> kClassNames = {"none", "1xx", "2xx",
                                                                 "3xx",  "4xx", "5xx"};

size_t status_class(uint16_t status) noexcept {
  return status >= 100 && status < 600 ? status / 100 : 0;
}
}  // namespace

GatewayMetrics::GatewayMetrics(uint32_t workers)
    : reg_(workers), reasons_(std::make_unique<ReasonCache[]>(workers)) {
  f_requests_ = reg_.family("weir_requests_total",
                            "Exchanges ended, by route and status class (none: no response was sent).",
                            MetricType::counter, {"route", "status_class"});
  std::vector<double> seconds;
  for (double us : kDurationBoundsUs) seconds.push_back(us / 1e6);
  f_duration_ = reg_.family("weir_request_duration_seconds",
                            "Time from a request's first byte to the end of its exchange, by route.",
                            MetricType::histogram, {"route"}, seconds);
  f_up_requests_ = reg_.family("weir_upstream_requests_total",
                               "Exchanges relayed to an upstream endpoint (the endpoint of the last try).",
                               MetricType::counter, {"upstream", "endpoint"});
  f_up_errors_ = reg_.family("weir_upstream_errors_total",
                             "Exchanges relayed to an upstream endpoint that ended with a 5xx status.",
                             MetricType::counter, {"upstream", "endpoint"});
  f_retries_ = reg_.family("weir_upstream_retries_total", "Retries (tries after the first), by upstream.",
                           MetricType::counter, {"upstream"});
  f_errors_ = reg_.family("weir_gateway_errors_total",
                          "Responses the gateway made itself instead of relaying one, by reason.",
                          MetricType::counter, {"reason"});
  accepted_ = reg_.series(reg_.family("weir_client_connections_accepted_total",
                                      "Client connections accepted.", MetricType::counter, {}),
                          {});
  closed_ = reg_.series(reg_.family("weir_client_connections_closed_total",
                                    "Client connections closed.", MetricType::counter, {}),
                        {});
  bytes_in_ = reg_.series(reg_.family("weir_client_received_bytes_total",
                                      "Request body bytes read from clients.", MetricType::counter, {}),
                          {});
  bytes_out_ = reg_.series(reg_.family("weir_client_sent_bytes_total",
                                       "Response bytes (head and body) written to clients.",
                                       MetricType::counter, {}),
                           {});
}

std::shared_ptr<const SeriesIds> GatewayMetrics::bind(const std::vector<std::string>& route_names,
                                                      const std::vector<UpstreamLabels>& upstreams) {
  auto ids = std::make_shared<SeriesIds>();
  ids->routes.resize(route_names.size() + 1);
  for (size_t r = 0; r <= route_names.size(); ++r) {
    std::string label = r == route_names.size() ? std::string(kNoRouteLabel)
                        : route_names[r].empty() ? "#" + std::to_string(r)
                                                 : route_names[r];
    RouteSeries& rs = ids->routes[r];
    for (size_t c = 0; c < kStatusClasses; ++c)
      rs.requests[c] = reg_.series(f_requests_, {label, kClassNames[c]});
    rs.duration = reg_.series(f_duration_, {label});
  }
  ids->upstreams.resize(upstreams.size());
  for (size_t u = 0; u < upstreams.size(); ++u) {
    UpstreamSeries& us = ids->upstreams[u];
    us.retries = reg_.series(f_retries_, {upstreams[u].name});
    for (const std::string& address : upstreams[u].endpoints)
      us.endpoints.push_back({reg_.series(f_up_requests_, {upstreams[u].name, address}),
                              reg_.series(f_up_errors_, {upstreams[u].name, address})});
  }
  return ids;
}

uint32_t GatewayMetrics::reason_cell(uint32_t worker, std::string_view reason) noexcept {
  if (worker >= reg_.workers()) return kNoCell;
  ReasonCache& cache = reasons_[worker];
  for (uint32_t i = 0; i < cache.size; ++i)
    if (cache.text[i] == reason.data()) return cache.cell[i];
  uint32_t cell = kNoCell;
  try {
    cell = reg_.series(f_errors_, {std::string(reason)});
  } catch (...) {
    return kNoCell;  // out of memory: this error goes uncounted
  }
  if (cache.size < cache.text.size()) {
    cache.text[cache.size] = reason.data();
    cache.cell[cache.size] = cell;
    ++cache.size;
  }
  return cell;
}

void GatewayMetrics::record(uint32_t worker, const SeriesIds& ids, size_t route, size_t upstream,
                            size_t endpoint, const ExchangeInfo& info) noexcept {
  CellBlock* b = reg_.block(worker);
  if (!b) return;
  if (route < ids.routes.size()) {
    const RouteSeries& rs = ids.routes[route];
    b->add(rs.requests[status_class(info.status)], 1);
    if (rs.duration != kNoCell) {
      size_t i = 0;
      while (i < kDurationBoundsUs.size() && static_cast<double>(info.duration_us) > kDurationBoundsUs[i]) ++i;
      b->add(rs.duration + static_cast<uint32_t>(i), 1);
      b->add(rs.duration + static_cast<uint32_t>(kDurationBoundsUs.size()) + 1, info.duration_us);
    }
  }
  if (upstream < ids.upstreams.size()) {
    const UpstreamSeries& us = ids.upstreams[upstream];
    if (info.retries) b->add(us.retries, info.retries);
    if (endpoint < us.endpoints.size()) {
      b->add(us.endpoints[endpoint].requests, 1);
      if (info.status >= 500) b->add(us.endpoints[endpoint].errors, 1);
    }
  }
  if (!info.reason.empty()) b->add(reason_cell(worker, info.reason), 1);
  b->add(bytes_in_, info.bytes_in);
  b->add(bytes_out_, info.bytes_out);
}

void GatewayMetrics::collect(MetricsSnapshot& out) const {
  reg_.collect(out, 1e-6);
  double accepted = out.sum("weir_client_connections_accepted_total");
  double closed = out.sum("weir_client_connections_closed_total");
  MetricFamily open{"weir_client_connections_open", "Client connections open now.",
                    MetricType::gauge, {}, {}};
  MetricSample s;
  s.value = accepted > closed ? accepted - closed : 0;
  open.samples.push_back(std::move(s));
  out.families.push_back(std::move(open));
}

}  // namespace weir::observe
