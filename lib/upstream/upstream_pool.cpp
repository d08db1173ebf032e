#include "weir/upstream.hpp"

namespace weir {

UpstreamPool::UpstreamPool(UpstreamOptions options, std::vector<Endpoint> endpoints)
    : options_(options), endpoints_(std::move(endpoints)) {}

size_t UpstreamPool::pick() const noexcept {
  if (endpoints_.empty()) return 0;
  uint64_t n = cursor_->fetch_add(1, std::memory_order_relaxed);
  if (options_.lb == Lb::random) {
    // splitmix64 of the cursor: cheap, stateless, well spread.
    uint64_t z = n + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    n = z ^ (z >> 31);
  }
  return static_cast<size_t>(n % endpoints_.size());
}

}  // namespace weir
