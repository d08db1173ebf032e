// Metrics: a point-in-time copy of the gateway's counters, gauges and
// histograms (Gateway::metrics()), and its Prometheus text form. The names,
// labels and meanings are listed in docs/observability.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/export.hpp"

namespace weir {

enum class MetricType : uint8_t { counter, gauge, histogram };

// One series: a family's value for one set of label values.
struct MetricSample {
  std::vector<std::pair<std::string, std::string>> labels;  // name, value
  // counter and gauge: the value; histogram: the number of observations.
  double value = 0;
  // histogram only: cumulative counts per upper bound of `bounds` (the
  // family's), the +Inf bucket being `value`, and the sum of observations.
  std::vector<uint64_t> buckets;
  double sum = 0;

  // The value of label `name`, or "" when the series has no such label.
  std::string_view label(std::string_view name) const noexcept;
};

struct MetricFamily {
  std::string name;  // weir_...
  std::string help;
  MetricType type = MetricType::counter;
  std::vector<double> bounds;  // histogram bucket upper bounds, ascending, without +Inf
  std::vector<MetricSample> samples;
};

struct MetricsSnapshot {
  std::vector<MetricFamily> families;

  const MetricFamily* find(std::string_view name) const noexcept;
  // The sum of the values of family `name` over the series whose label
  // `label` equals `value` (every series when `label` is empty); 0 for an
  // unknown family.
  double sum(std::string_view name, std::string_view label = {},
             std::string_view value = {}) const noexcept;
};

// The Prometheus text exposition format 0.0.4: # HELP and # TYPE lines,
// escaped label values, histograms as _bucket{le=...}, _sum and _count.
WEIR_API std::string prometheus_text(const MetricsSnapshot& snapshot);

}  // namespace weir
