// Load-balancing policies: which endpoint of an upstream serves the next
// request. A policy is built once per upstream (make_policy), cloned for each
// worker (clone shares the immutable tables and gives the copy its own
// cursor and random state), and then used only from that worker's loop.
// pick() takes no lock and makes no allocation. docs/load-balancing.md
// describes each policy and when to use it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace weir::upstream::lb {

// The value pick() returns when it may not pick anything (panic = fail).
inline constexpr uint32_t kNone = UINT32_MAX;

// Bounds that keep every table finite; make_policy refuses larger inputs.
inline constexpr uint32_t kMaxEndpoints = 65536;
inline constexpr uint32_t kMaxWeight = 1000000;
inline constexpr uint32_t kMaxRingSize = 1u << 23;     // 8M points, Envoy's maximum
inline constexpr uint32_t kMaxMaglevTable = 16777259;  // a prime above 2^24

enum class Kind : uint8_t {
  round_robin,           // equal shares in turn; weights ignored
  weighted_round_robin,  // nginx's smooth weighted round robin
  least_request,         // power of two choices on active requests / weight
  random,                // weighted random (alias table)
  ring_hash,             // consistent hashing on a ring (Karger et al. 1997)
  maglev,                // Maglev lookup table (Eisenbud et al., NSDI 2016)
};

// The config names of the kinds (DESIGN.md: the upstream's `lb`).
std::string_view kind_name(Kind kind) noexcept;
std::optional<Kind> parse_kind(std::string_view name) noexcept;

// What pick() does when no endpoint is available.
enum class PanicMode : uint8_t {
  spread,  // pick as if every endpoint were available (Envoy's panic mode):
           // some requests may still succeed, and none is refused here
  fail,    // return kNone; the caller answers 503 itself
};

struct Options {
  PanicMode panic = PanicMode::spread;
  // Seeds the policy's random state (least_request, random) and the start of
  // round_robin's cycle. Give each worker a different seed.
  uint64_t seed = 0;
  // round_robin starts at a seed-derived endpoint, so that workers and
  // gateway instances do not all send their first request to endpoint 0.
  bool random_start = true;
  // ring_hash: points (virtual nodes) per unit of weight, weights taken in
  // lowest terms, and the ring's bound. 160 is nginx's figure (after ketama):
  // an endpoint's share then varies by about 1/sqrt(160) = 8% of itself.
  uint32_t ring_points_per_weight = 160;
  uint32_t max_ring_size = 1u << 20;
  // maglev: the lookup table size; a prime, at least the endpoint count
  // (the paper advises M > 100 N for shares within about 1%).
  uint32_t maglev_table_size = 65537;
  // ring_hash, maglev: each endpoint's identity (normally its address), in
  // endpoint order. A key's endpoint depends on these names, not on list
  // positions, so gateways that list the same endpoints in any order agree,
  // and removing one endpoint moves only its own keys. Empty: the decimal
  // index stands in for the name (stable only while endpoints are appended).
  std::span<const std::string_view> names;
};

// One pick's inputs. The arrays, when given, hold one entry per endpoint in
// the order of the weights given to make_policy.
struct PickInput {
  // ring_hash, maglev: the request's key hashed with hash_key().
  uint64_t hash = 0;
  // least_request: requests in flight per endpoint (owned by the caller);
  // nullptr counts as all zero.
  const uint32_t* active = nullptr;
  // 1 when the endpoint is healthy and not ejected, 0 otherwise (any
  // non-zero byte counts as available); nullptr: all available.
  const uint8_t* available = nullptr;
};

class Policy {
 public:
  virtual ~Policy() = default;
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  // The index of the endpoint for this request, or kNone when none is
  // available and the panic mode is fail.
  virtual uint32_t pick(const PickInput& input) noexcept = 0;
  // A policy over the same endpoints for another worker: immutable tables are
  // shared, the cursor and random state are fresh (seeded with `seed`).
  virtual std::unique_ptr<Policy> clone(uint64_t seed) const = 0;

  Kind kind() const noexcept { return kind_; }
  uint32_t size() const noexcept { return size_; }
  PanicMode panic() const noexcept { return panic_; }

 protected:
  Policy(Kind kind, uint32_t size, PanicMode panic) noexcept
      : size_(size), kind_(kind), panic_(panic) {}

  uint32_t size_;
  Kind kind_;
  PanicMode panic_;
};

// Either a policy or the reason it could not be built.
struct PolicyResult {
  std::unique_ptr<Policy> policy;
  std::string error;
  explicit operator bool() const noexcept { return policy != nullptr; }
};

// Builds a policy over endpoints with these weights (one per endpoint, in
// endpoint order, each 1..kMaxWeight). Errors: no endpoints, too many, a
// zero or too large weight, names that do not match the endpoints or repeat,
// a ring or table size out of bounds. Never throws except std::bad_alloc.
PolicyResult make_policy(Kind kind, const std::vector<uint32_t>& weights, const Options& options);

}  // namespace weir::upstream::lb
