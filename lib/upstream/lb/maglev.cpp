#include "upstream/lb/maglev.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

#include "upstream/lb/availability.hpp"
#include "upstream/lb/hash_key.hpp"

namespace weir::upstream::lb {

namespace {
// Two independent hashes of a name give its permutation (paper, section 3.4).
constexpr uint64_t kOffsetSeed = 0x6d61676c65762d6fULL;  // "maglev-o"
constexpr uint64_t kSkipSeed = 0x6d61676c65762d73ULL;    // "maglev-s"
constexpr uint32_t kStepsBeforeCheck = 64;
}  // namespace

bool is_prime(uint32_t n) noexcept {
  if (n < 2) return false;
  if (n % 2 == 0) return n == 2;
  for (uint32_t d = 3; uint64_t{d} * d <= n; d += 2) {
    if (n % d == 0) return false;
  }
  return true;
}

std::shared_ptr<const MaglevTable> build_maglev_table(const std::vector<uint32_t>& weights,
                                                      const std::vector<std::string>& names,
                                                      uint32_t table_size) {
  const auto n = static_cast<uint32_t>(weights.size());
  const uint32_t m = table_size;
  // Turns go in the order of the names' hashes, not of the list, so that
  // gateways listing the same endpoints in another order build the same table.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::vector<uint64_t> offset_hash(n);
  for (uint32_t i = 0; i < n; ++i) offset_hash[i] = hash_endpoint(names[i], kOffsetSeed);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (offset_hash[a] != offset_hash[b]) return offset_hash[a] < offset_hash[b];
    return names[a] < names[b];
  });

  std::vector<uint32_t> position(n);  // the next candidate slot of each permutation
  std::vector<uint32_t> skip(n);
  for (uint32_t i = 0; i < n; ++i) {
    position[i] = static_cast<uint32_t>(offset_hash[i] % m);
    skip[i] = static_cast<uint32_t>(hash_endpoint(names[i], kSkipSeed) % (m - 1)) + 1;
  }
  const uint32_t heaviest = *std::max_element(weights.begin(), weights.end());
  std::vector<uint64_t> credit(n, 0);

  auto table = std::make_shared<MaglevTable>(m, kNone);
  uint32_t filled = 0;
  // Each round the heaviest endpoints take a turn and the others when their
  // credit allows; every turn fills one slot, so the loop ends after m turns.
  while (filled < m) {
    for (uint32_t k = 0; k < n && filled < m; ++k) {
      const uint32_t i = order[k];
      credit[i] += weights[i];
      if (credit[i] < heaviest) continue;
      credit[i] -= heaviest;
      // The next free slot of i's permutation. skip and m are coprime (m is
      // prime, 0 < skip < m), so the permutation visits every slot.
      uint32_t c = position[i];
      while ((*table)[c] != kNone) {
        c += skip[i];
        if (c >= m) c -= m;
      }
      (*table)[c] = i;
      c += skip[i];
      position[i] = c >= m ? c - m : c;
      ++filled;
    }
  }
  return table;
}

Maglev::Maglev(std::shared_ptr<const MaglevTable> table, uint32_t size, PanicMode panic) noexcept
    : Policy(Kind::maglev, size, panic),
      table_(std::move(table)),
      slots_(table_->data()),
      table_size_(static_cast<uint32_t>(table_->size())) {}

uint32_t Maglev::pick_after_unavailable(uint32_t slot, const uint8_t* available) noexcept {
  const uint32_t owner = slots_[slot];
  for (uint32_t step = 1; step < table_size_; ++step) {
    slot = slot + 1 == table_size_ ? 0 : slot + 1;
    if (available[slots_[slot]] != 0) return slots_[slot];
    if (step == kStepsBeforeCheck && !any_available(available, size_)) break;
  }
  return panic_ == PanicMode::spread ? owner : kNone;
}

std::unique_ptr<Policy> Maglev::clone(uint64_t) const {
  return std::make_unique<Maglev>(table_, size_, panic_);
}

}  // namespace weir::upstream::lb
