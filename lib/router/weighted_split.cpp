#include "router/weighted_split.hpp"

#include <xxhash.h>

#include "http/token.hpp"
#include "router/text.hpp"

namespace weir::router {

namespace {

// Weights are at most this in total, so a 32-bit fraction times the total
// fits in 64 bits.
constexpr uint64_t kMaxTotal = UINT32_MAX;

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view cookie_value(std::span<const Header> headers, std::string_view name) noexcept {
  for (const Header& h : headers) {
    if (!iequals(h.name, "cookie")) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
      std::string_view v = trim(pair.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
  }
  return {};
}

std::string WeightedSplit::compile(const Target& t) {
  ends_.clear();
  override_values_.clear();
  total_ = 0;
  if (t.split.empty()) return "a split needs at least one side";
  for (size_t i = 0; i < t.split.size(); ++i) {
    const SplitSide& s = t.split[i];
    if (s.upstream.empty()) return "split side " + std::to_string(i) + " names no upstream";
    for (size_t j = 0; j < i; ++j) {
      if (t.split[j].upstream == s.upstream) return "upstream \"" + s.upstream + "\" is in the split twice";
    }
    total_ += s.weight;
    if (total_ > kMaxTotal) return "split weights add up to more than " + std::to_string(kMaxTotal);
    ends_.push_back(total_);
  }
  if (total_ == 0) return "a split needs a side with a positive weight";

  sticky_ = t.sticky.kind;
  sticky_name_ = t.sticky.name;
  if (sticky_ == StickyKey::Kind::claim && (sticky_name_.empty() || sticky_name_.size() > 128))
    return "sticky claim name must be 1..128 bytes";
  if ((sticky_ == StickyKey::Kind::header || sticky_ == StickyKey::Kind::cookie) && !http::is_token(sticky_name_))
    return "sticky key name \"" + sticky_name_ + "\" is not an HTTP token";

  override_header_ = t.split_override.header;
  if (!override_header_.empty() && !http::is_token(override_header_))
    return "override header \"" + override_header_ + "\" is not an HTTP token";
  if (override_header_.empty() && !t.split_override.values.empty()) return "override values without a header";
  for (const auto& [value, upstream] : t.split_override.values) {
    size_t side = t.split.size();
    for (size_t i = 0; i < t.split.size(); ++i) {
      if (t.split[i].upstream == upstream) side = i;
    }
    if (side == t.split.size())
      return "override value \"" + value + "\" names \"" + upstream + "\", which is not a side of the split";
    override_values_.emplace_back(value, side);
  }
  return {};
}

size_t WeightedSplit::side_of_bucket(uint64_t bucket) const noexcept {
  // Few sides: a linear scan beats a binary search. Zero-weight sides end
  // where the previous one ends, so no bucket falls in them.
  for (size_t i = 0; i < ends_.size(); ++i) {
    if (bucket < ends_[i]) return i;
  }
  return ends_.size() - 1;
}

std::string_view WeightedSplit::sticky_key(std::span<const Header> headers, std::string_view client_ip) const noexcept {
  switch (sticky_) {
    case StickyKey::Kind::none:
    case StickyKey::Kind::claim:  // passed in by the caller
      return {};
    case StickyKey::Kind::ip:
      return client_ip;
    case StickyKey::Kind::cookie:
      return cookie_value(headers, sticky_name_);
    case StickyKey::Kind::header:
      for (const Header& h : headers) {
        if (iequals(h.name, sticky_name_)) return h.value;
      }
      return {};
  }
  return {};
}

size_t WeightedSplit::pick(std::span<const Header> headers, std::string_view client_ip,
                           uint64_t sequence, std::string_view claim) const noexcept {
  if (!override_header_.empty()) {
    for (const Header& h : headers) {
      if (!iequals(h.name, override_header_)) continue;
      for (const auto& [value, side] : override_values_) {
        if (h.value == value) return side;
      }
    }
  }
  std::string_view key = sticky_ == StickyKey::Kind::claim ? claim : sticky_key(headers, client_ip);
  if (!key.empty()) return side_of_bucket(XXH3_64bits(key.data(), key.size()) % total_);
  // The fractional parts of n * golden ratio spread evenly over [0, 1) for
  // any run of n (Weyl); scaling the top 32 bits by the total gives a bucket.
  uint64_t fraction = (sequence * 0x9E3779B97F4A7C15ULL) >> 32;
  return side_of_bucket((fraction * total_) >> 32);
}

}  // namespace weir::router
