#include "weir/metrics.hpp"

namespace weir {

std::string_view MetricSample::label(std::string_view name) const noexcept {
  for (const auto& [k, v] : labels)
    if (k == name) return v;
  return {};
}

const MetricFamily* MetricsSnapshot::find(std::string_view name) const noexcept {
  for (const MetricFamily& f : families)
    if (f.name == name) return &f;
  return nullptr;
}

double MetricsSnapshot::sum(std::string_view name, std::string_view label,
                            std::string_view value) const noexcept {
  const MetricFamily* f = find(name);
  if (!f) return 0;
  double total = 0;
  for (const MetricSample& s : f->samples)
    if (label.empty() || s.label(label) == value) total += s.value;
  return total;
}

}  // namespace weir
