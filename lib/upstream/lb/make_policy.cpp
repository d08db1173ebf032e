// make_policy: checks the inputs once, so that pick() need not, and builds
// the policy of the asked kind.
#include <string>
#include <unordered_set>

#include "upstream/lb/endpoint_names.hpp"
#include "upstream/lb/least_request.hpp"
#include "upstream/lb/maglev.hpp"
#include "upstream/lb/policy.hpp"
#include "upstream/lb/ring_hash.hpp"
#include "upstream/lb/round_robin.hpp"
#include "upstream/lb/smooth_weighted_round_robin.hpp"
#include "upstream/lb/weighted_random.hpp"

namespace weir::upstream::lb {

namespace {

constexpr std::string_view kNames[] = {"round_robin", "weighted_round_robin", "least_request",
                                       "random",      "ring_hash",            "maglev"};

PolicyResult failure(std::string message) { return PolicyResult{.error = std::move(message)}; }

std::string check_weights(const std::vector<uint32_t>& weights) {
  if (weights.empty()) return "no endpoints";
  if (weights.size() > kMaxEndpoints) {
    return std::to_string(weights.size()) + " endpoints exceed the limit of " +
           std::to_string(kMaxEndpoints);
  }
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] == 0 || weights[i] > kMaxWeight) {
      return "endpoints[" + std::to_string(i) + "].weight: " + std::to_string(weights[i]) +
             " is outside 1.." + std::to_string(kMaxWeight);
    }
  }
  return {};
}

std::string check_names(std::span<const std::string_view> names, size_t count) {
  if (names.empty()) return {};
  if (names.size() != count) {
    return std::to_string(names.size()) + " names for " + std::to_string(count) + " endpoints";
  }
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!seen.insert(names[i]).second) {
      return "endpoints[" + std::to_string(i) + "]: name \"" + std::string(names[i]) +
             "\" repeats; hashing needs distinct names";
    }
  }
  return {};
}

PolicyResult make_ring_hash(const std::vector<uint32_t>& weights, const Options& options) {
  if (options.ring_points_per_weight == 0 || options.ring_points_per_weight > kMaxRingSize ||
      options.max_ring_size > kMaxRingSize) {
    return failure("ring: need 1 <= ring_points_per_weight, max_ring_size <= " +
                   std::to_string(kMaxRingSize));
  }
  std::string error;
  auto ring = build_ring(weights, endpoint_names(options.names, weights.size()),
                         options.ring_points_per_weight, options.max_ring_size, &error);
  if (ring == nullptr) return failure(error);
  return PolicyResult{.policy = std::make_unique<RingHash>(
                          std::move(ring), uint32_t(weights.size()), options.panic)};
}

PolicyResult make_maglev(const std::vector<uint32_t>& weights, const Options& options) {
  const uint32_t m = options.maglev_table_size;
  if (m > kMaxMaglevTable || !is_prime(m)) {
    return failure("maglev_table_size: " + std::to_string(m) + " is not a prime up to " +
                   std::to_string(kMaxMaglevTable));
  }
  if (m < weights.size()) {
    return failure("maglev_table_size: " + std::to_string(m) + " is smaller than the " +
                   std::to_string(weights.size()) + " endpoints");
  }
  auto table = build_maglev_table(weights, endpoint_names(options.names, weights.size()), m);
  return PolicyResult{.policy = std::make_unique<Maglev>(std::move(table),
                                                         uint32_t(weights.size()), options.panic)};
}

}  // namespace

std::string_view kind_name(Kind kind) noexcept { return kNames[static_cast<size_t>(kind)]; }

std::optional<Kind> parse_kind(std::string_view name) noexcept {
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == name) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

PolicyResult make_policy(Kind kind, const std::vector<uint32_t>& weights, const Options& options) {
  if (std::string error = check_weights(weights); !error.empty()) return failure(error);
  if (std::string error = check_names(options.names, weights.size()); !error.empty()) {
    return failure(error);
  }
  const auto n = static_cast<uint32_t>(weights.size());
  switch (kind) {
    case Kind::round_robin:
      return PolicyResult{.policy = std::make_unique<RoundRobin>(n, options.panic,
                                                                 options.random_start, options.seed)};
    case Kind::weighted_round_robin:
      return PolicyResult{.policy =
                              std::make_unique<SmoothWeightedRoundRobin>(weights, options.panic)};
    case Kind::least_request:
      return PolicyResult{.policy =
                              std::make_unique<LeastRequest>(weights, options.panic, options.seed)};
    case Kind::random:
      return PolicyResult{.policy = std::make_unique<WeightedRandom>(
                              build_alias_table(weights), options.panic, options.seed)};
    case Kind::ring_hash:
      return make_ring_hash(weights, options);
    case Kind::maglev:
      return make_maglev(weights, options);
  }
  return failure("unknown load-balancing kind " + std::to_string(static_cast<int>(kind)));
}

}  // namespace weir::upstream::lb
