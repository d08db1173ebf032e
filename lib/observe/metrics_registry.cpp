#include "observe/metrics_registry.hpp"

#include "observe/log.hpp"

namespace weir::observe {

MetricsRegistry::MetricsRegistry(uint32_t workers) {
  blocks_.reserve(workers);
  for (uint32_t i = 0; i < workers; ++i) blocks_.push_back(std::make_unique<CellBlock>());
}

uint32_t MetricsRegistry::family(std::string name, std::string help, MetricType type,
                                 std::vector<std::string> label_names, std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  families_.push_back({std::move(name), std::move(help), type, std::move(label_names),
                       std::move(bounds), {}});
  return static_cast<uint32_t>(families_.size() - 1);
}

uint32_t MetricsRegistry::series(uint32_t family, const std::vector<std::string>& label_values) {
  std::lock_guard<std::mutex> lock(mu_);
  if (family >= families_.size()) return kNoCell;
  Family& f = families_[family];
  if (auto it = f.series.find(label_values); it != f.series.end()) return it->second;
  uint32_t cells = f.type == MetricType::histogram ? static_cast<uint32_t>(f.bounds.size()) + 2 : 1;
  uint32_t first = next_cell_;
  if (first + cells > CellBlock::kMaxCells) {
    // Bounded on purpose: a config with very many routes or endpoints loses
    // the newest series, not memory.
    log_line(LogLevel::warn, "metrics: too many series; " + f.name + " is not recorded for some labels");
    return kNoCell;
  }
  for (auto& b : blocks_)
    if (!b->reserve(first + cells)) return kNoCell;
  next_cell_ = first + cells;
  f.series.emplace(label_values, first);
  return first;
}

uint64_t MetricsRegistry::sum(uint32_t cell) const noexcept {
  uint64_t total = 0;
  for (const auto& b : blocks_) total += b->read(cell);
  return total;
}

void MetricsRegistry::collect(MetricsSnapshot& out, double histogram_scale) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Family& f : families_) {
    MetricFamily mf{f.name, f.help, f.type, f.bounds, {}};
    mf.samples.reserve(f.series.size());
    for (const auto& [values, first] : f.series) {
      MetricSample s;
      for (size_t i = 0; i < values.size() && i < f.label_names.size(); ++i)
        s.labels.emplace_back(f.label_names[i], values[i]);
      if (f.type != MetricType::histogram) {
        s.value = static_cast<double>(sum(first));
      } else {
        // Cells hold per-bucket counts; the exposition wants them cumulative.
        uint64_t running = 0;
        size_t n = f.bounds.size();
        for (size_t i = 0; i < n; ++i) {
          running += sum(first + static_cast<uint32_t>(i));
          s.buckets.push_back(running);
        }
        running += sum(first + static_cast<uint32_t>(n));  // above the last bound
        s.value = static_cast<double>(running);  // the count is the +Inf bucket
        s.sum = static_cast<double>(sum(first + static_cast<uint32_t>(n) + 1)) * histogram_scale;
      }
      mf.samples.push_back(std::move(s));
    }
    out.families.push_back(std::move(mf));
  }
}

}  // namespace weir::observe
