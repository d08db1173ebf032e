// Where per-key state lives, as the limiter sees it. A store applies one
// algorithm step (gcra.hpp, sliding_window.hpp) to the state word of a key
// hash, atomically with respect to every other caller of the same store.
//
// The limiter takes its store as a template parameter, so the local table's
// calls inline and no virtual call sits on the per-request path. A store that
// keeps state elsewhere (Redis, running the same step as a script) provides
// the same operations; docs/rate-limiting.md says what it must guarantee.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "middleware/builtin/rate_limit/gcra.hpp"
#include "middleware/builtin/rate_limit/sliding_window.hpp"

namespace weir::ratelimit {

enum class StoreStatus : uint8_t {
  applied,    // the decision reflects the key's state and was recorded
  overflow,   // no slot for a new key within the probe bound; not counted
  contended,  // the retry bound ran out under contention; not counted
};

struct StoreOutcome {
  StoreStatus status = StoreStatus::applied;
  StepResult step;  // applied: the decision; otherwise that of a full allowance
};

struct StoreStats {
  size_t capacity = 0;     // slots, each tracks one key
  uint64_t evictions = 0;  // slots taken over from an idle key
  uint64_t overflow = 0;   // decisions let through untracked: no slot
  uint64_t contended = 0;  // decisions let through untracked: retry bound hit
};

template <typename S>
concept Store = requires(S& s, const S& cs, uint64_t hash, const GcraStep& g,
                         const WindowStep& w) {
  { s.apply(hash, g) } noexcept -> std::same_as<StoreOutcome>;
  { s.apply(hash, w) } noexcept -> std::same_as<StoreOutcome>;
  { cs.stats() } noexcept -> std::same_as<StoreStats>;
};

}  // namespace weir::ratelimit
