// What an algorithm step returns for one key's state word: the decision, and
// the word to store when the request consumed allowance.
#pragma once

#include <cstdint>

#include "middleware/builtin/rate_limit/decision.hpp"

namespace weir::ratelimit {

struct StepResult {
  bool write = false;  // store `next`; false when denied or when cost is 0
  uint64_t next = 0;
  Decision decision;
};

// Nanoseconds to whole milliseconds, rounded up: a client that waits the
// advertised time must find the allowance there.
constexpr uint64_t ceil_ms(uint64_t ns) noexcept { return ns / 1'000'000 + (ns % 1'000'000 != 0); }

}  // namespace weir::ratelimit
