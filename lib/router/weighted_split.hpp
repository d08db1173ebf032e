// The choice of a side of a weighted split: an override header first, then a
// sticky key hashed with XXH3 (the same user lands on the same side on every
// worker and every gateway instance), else a low-discrepancy sequence.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weir/router.hpp"

namespace weir::router {

class WeightedSplit {
 public:
  // Checks the target's sides, sticky key and override; returns "" or why not.
  std::string compile(const Target& target);

  size_t side_count() const noexcept { return ends_.size(); }

  // The index of the chosen side. `sequence` is a per-worker request
  // counter: without a usable sticky key, successive values spread the
  // requests in the weights' proportions (a Weyl sequence, so the shares stay
  // close to the weights over short runs too). Allocates nothing.
  // `claim` is the sticky claim's value when the key is a claim (the caller
  // reads it from the exchange's verified token), else ignored.
  size_t pick(std::span<const Header> headers, std::string_view client_ip, uint64_t sequence,
              std::string_view claim = {}) const noexcept;
  StickyKey::Kind sticky_kind() const noexcept { return sticky_; }
  const std::string& sticky_name() const noexcept { return sticky_name_; }

  // The side for a hash value (exposed for tests of the distribution).
  size_t side_of_bucket(uint64_t bucket) const noexcept;
  uint64_t total() const noexcept { return total_; }

 private:
  std::string_view sticky_key(std::span<const Header> headers, std::string_view client_ip) const noexcept;

  std::vector<uint64_t> ends_;  // cumulative weight at the end of each side
  uint64_t total_ = 0;
  StickyKey::Kind sticky_ = StickyKey::Kind::none;
  std::string sticky_name_;
  std::string override_header_;
  std::vector<std::pair<std::string, size_t>> override_values_;  // value -> side
};

// The value of cookie `name` in the Cookie fields (RFC 6265 section 5.4:
// "a=1; b=2"), or an empty view when absent.
std::string_view cookie_value(std::span<const Header> headers, std::string_view name) noexcept;

}  // namespace weir::router
