#include "upstream/lb/ring_hash.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

#include "upstream/lb/availability.hpp"
#include "upstream/lb/hash_key.hpp"

namespace weir::upstream::lb {

namespace {
// Ring steps before the walk checks whether any endpoint is up at all, so a
// fully unavailable upstream costs O(n), not O(ring), per pick.
constexpr uint32_t kStepsBeforeCheck = 64;

// Buckets per point: the index costs 4 bytes a point and leaves about one
// point per bucket. At most 2^22 buckets (16 MiB of index).
constexpr uint32_t kMaxBucketBits = 22;

// The first of points[from, to) that is >= key, or `to`. A binary search
// whose step is a conditional move rather than a branch (random keys make
// branches unpredictable); the range is a bucket, one or two points long.
uint32_t first_at_or_after(const uint64_t* points, uint32_t from, uint32_t to,
                           uint64_t key) noexcept {
  if (from == to) return to;
  const uint64_t* base = points + from;
  uint32_t length = to - from;
  while (length > 1) {
    const uint32_t half = length / 2;
    base = base[half - 1] < key ? base + half : base;
    length -= half;
  }
  return static_cast<uint32_t>(base - points) + (*base < key ? 1u : 0u);
}

void index_buckets(Ring* ring) {
  const auto size = static_cast<uint32_t>(ring->points.size());
  uint32_t bits = 0;
  while (bits < kMaxBucketBits && (1u << bits) < size) ++bits;
  ring->bucket_bits = bits;
  const uint32_t buckets = 1u << bits;
  ring->bucket_start.assign(buckets + 1, size);
  uint32_t at = 0;
  for (uint32_t b = 0; b < buckets; ++b) {
    // bits == 0: one bucket that starts at the first point.
    while (at < size && bits != 0 && (ring->points[at] >> (64 - bits)) < b) ++at;
    ring->bucket_start[b] = bits == 0 ? 0 : at;
  }
}

}  // namespace

std::shared_ptr<const Ring> build_ring(const std::vector<uint32_t>& weights,
                                       const std::vector<std::string>& names,
                                       uint32_t points_per_weight, uint32_t max_ring_size,
                                       std::string* error) {
  const size_t n = weights.size();
  if (n > max_ring_size) {
    *error = std::to_string(n) + " endpoints exceed max_ring_size " + std::to_string(max_ring_size);
    return nullptr;
  }
  // Weights in lowest terms (5,10 is 1,2), so that scaling every weight
  // does not grow the ring.
  uint32_t divisor = 0;
  for (uint32_t w : weights) divisor = std::gcd(divisor, w);
  std::vector<uint64_t> counts(n);
  uint64_t entries = 0;
  for (size_t i = 0; i < n; ++i) {
    counts[i] = uint64_t{weights[i] / divisor} * points_per_weight;
    entries += counts[i];
  }
  if (entries > max_ring_size) {
    // Too many points: shrink every count alike (each endpoint keeps one).
    // Counts now depend on the other endpoints, so a membership change also
    // moves some keys between the endpoints that stay.
    const double scale = double(max_ring_size - n) / double(entries);
    entries = 0;
    for (size_t i = 0; i < n; ++i) {
      counts[i] = std::max<uint64_t>(1, uint64_t(double(counts[i]) * scale));
      entries += counts[i];
    }
  }

  std::vector<std::pair<uint64_t, uint32_t>> ring;
  ring.reserve(entries);
  std::string point_name;
  for (size_t i = 0; i < n; ++i) {
    for (uint64_t v = 0; v < counts[i]; ++v) {
      // Point v of an endpoint is the hash of "name_v": the same on every
      // gateway that knows the endpoint by this name.
      point_name.assign(names[i]).append("_").append(std::to_string(v));
      ring.emplace_back(hash_endpoint(point_name, 0), uint32_t(i));
    }
  }
  // Equal points (a 64-bit collision) are ordered by name, not by list
  // position, so the ring does not depend on the order of the endpoints.
  std::sort(ring.begin(), ring.end(), [&names](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return names[a.second] < names[b.second];
  });
  auto out = std::make_shared<Ring>();
  out->points.reserve(ring.size());
  out->owners.reserve(ring.size());
  for (const auto& [point, owner] : ring) {
    out->points.push_back(point);
    out->owners.push_back(owner);
  }
  index_buckets(out.get());
  return out;
}

RingHash::RingHash(std::shared_ptr<const Ring> ring, uint32_t size, PanicMode panic) noexcept
    : Policy(Kind::ring_hash, size, panic),
      ring_(std::move(ring)),
      points_(ring_->points.data()),
      owners_(ring_->owners.data()),
      bucket_start_(ring_->bucket_start.data()),
      bucket_shift_(64 - ring_->bucket_bits),
      ring_size_(static_cast<uint32_t>(ring_->points.size())) {}

uint32_t RingHash::pick(const PickInput& input) noexcept {
  // A shift by 64 (one bucket) is undefined, so the one-bucket ring is apart.
  const uint64_t bucket = bucket_shift_ == 64 ? 0 : input.hash >> bucket_shift_;
  uint32_t at = first_at_or_after(points_, bucket_start_[bucket], bucket_start_[bucket + 1],
                                  input.hash);
  if (at == ring_size_) at = 0;  // past the last point: the ring wraps
  const uint32_t owner = owners_[at];
  const uint8_t* available = input.available;
  if (available == nullptr || available[owner] != 0) return owner;
  for (uint32_t step = 1; step < ring_size_; ++step) {
    at = at + 1 == ring_size_ ? 0 : at + 1;
    if (available[owners_[at]] != 0) return owners_[at];
    if (step == kStepsBeforeCheck && !any_available(available, size_)) break;
  }
  return panic_ == PanicMode::spread ? owner : kNone;
}

std::unique_ptr<Policy> RingHash::clone(uint64_t) const {
  return std::make_unique<RingHash>(ring_, size_, panic_);
}

}  // namespace weir::upstream::lb
