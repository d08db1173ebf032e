// The metrics registry: families (name, help, type, label names) and their
// series (label values), each series owning a few cells in every worker's
// CellBlock. Registration takes a lock and may allocate; it happens when a
// configuration snapshot is built, never per request. Recording is
// CellBlock::add on the worker's own block. collect() sums all workers.
// Series are never removed: a counter keeps its value for the gateway's
// lifetime even when a reload drops its route (docs/observability.md).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "observe/metric_cells.hpp"
#include "weir/metrics.hpp"

namespace weir::observe {

class MetricsRegistry {
 public:
  // Cells exist for workers 0..workers-1; writes of other workers are
  // dropped.
  explicit MetricsRegistry(uint32_t workers);
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Declares a family; returns its id. Histograms take their bucket bounds
  // (in the unit of observations, ascending, without +Inf).
  uint32_t family(std::string name, std::string help, MetricType type,
                  std::vector<std::string> label_names, std::vector<double> bounds = {});
  // The first cell of the series of `family` with these label values
  // (created when new), or kNoCell when the registry is full. A counter or
  // gauge has one cell; a histogram bounds.size() + 1 bucket cells (not
  // cumulative; the last one above every bound), then the sum.
  uint32_t series(uint32_t family, const std::vector<std::string>& label_values);

  uint32_t workers() const noexcept { return static_cast<uint32_t>(blocks_.size()); }
  // Worker `w`'s block; nullptr for an index past the last worker.
  CellBlock* block(uint32_t w) noexcept { return w < blocks_.size() ? blocks_[w].get() : nullptr; }

  // Every family with its series, summed over workers. Histogram
  // observations are scaled by `histogram_scale` (e.g. 1e-6: µs to seconds).
  void collect(MetricsSnapshot& out, double histogram_scale = 1.0) const;

 private:
  struct Family {
    std::string name, help;
    MetricType type;
    std::vector<std::string> label_names;
    std::vector<double> bounds;
    std::map<std::vector<std::string>, uint32_t> series;  // label values -> first cell
  };
  uint64_t sum(uint32_t cell) const noexcept;

  mutable std::mutex mu_;  // families_ and next_cell_; never taken by recording
  std::vector<Family> families_;
  uint32_t next_cell_ = 0;
  std::vector<std::unique_ptr<CellBlock>> blocks_;
};

}  // namespace weir::observe
