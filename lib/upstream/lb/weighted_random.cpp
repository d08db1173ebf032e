#include "upstream/lb/weighted_random.hpp"

#include <utility>

namespace weir::upstream::lb {

namespace {
constexpr int kDrawAttempts = 4;  // redraws before the exact O(n) fallback
}  // namespace

std::shared_ptr<const AliasTable> build_alias_table(const std::vector<uint32_t>& weights) {
  auto table = std::make_shared<AliasTable>();
  const auto n = static_cast<uint32_t>(weights.size());
  table->weights = weights;
  table->threshold.assign(n, UINT32_MAX);
  table->alias.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    table->alias[i] = i;
    table->uniform = table->uniform && weights[i] == weights[0];
  }
  if (table->uniform) return table;

  // Column i holds mass w_i * n out of `total` per column; integers keep the
  // construction exact (w_i * n < 2^36).
  uint64_t total = 0;
  std::vector<uint64_t> mass(n);
  for (uint32_t i = 0; i < n; ++i) {
    mass[i] = uint64_t{weights[i]} * n;
    total += weights[i];
  }
  std::vector<uint32_t> small;
  std::vector<uint32_t> large;
  for (uint32_t i = 0; i < n; ++i) (mass[i] < total ? small : large).push_back(i);
  while (!small.empty() && !large.empty()) {
    uint32_t s = small.back();
    small.pop_back();
    uint32_t l = large.back();
    // Column s keeps its own mass and is topped up from l.
    table->threshold[s] = static_cast<uint32_t>(
        static_cast<double>(mass[s]) / static_cast<double>(total) * 4294967296.0);
    table->alias[s] = l;
    mass[l] -= total - mass[s];
    if (mass[l] < total) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What remains is full (up to rounding): it keeps its column, and a
  // threshold of UINT32_MAX with alias = itself always yields itself.
  return table;
}

WeightedRandom::WeightedRandom(std::shared_ptr<const AliasTable> table, PanicMode panic,
                               uint64_t seed) noexcept
    : Policy(Kind::random, static_cast<uint32_t>(table->alias.size()), panic),
      table_(std::move(table)),
      threshold_(table_->threshold.data()),
      alias_(table_->alias.data()),
      random_(seed) {}

uint32_t WeightedRandom::pick_after_unavailable(const uint8_t* available, uint32_t first) noexcept {
  for (int attempt = 0; attempt < kDrawAttempts; ++attempt) {
    uint32_t i = draw();
    if (available[i] != 0) return i;
  }
  // Exact fallback: a draw by weight over the available endpoints only.
  const uint32_t* weights = table_->weights.data();
  uint64_t total = 0;
  for (uint32_t i = 0; i < size_; ++i) total += available[i] != 0 ? weights[i] : 0;
  if (total == 0) return panic_ == PanicMode::spread ? first : kNone;
  uint64_t r = random_.next() % total;  // bias below total / 2^64
  for (uint32_t i = 0; i < size_; ++i) {
    if (available[i] == 0) continue;
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return first;  // not reached: r < total
}

std::unique_ptr<Policy> WeightedRandom::clone(uint64_t seed) const {
  return std::make_unique<WeightedRandom>(table_, panic_, seed);
}

}  // namespace weir::upstream::lb
