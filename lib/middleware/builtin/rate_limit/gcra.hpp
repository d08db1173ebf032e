// Token bucket as GCRA, the generic cell rate algorithm (ITU-T I.371): the
// whole state of a key is one 64-bit "theoretical arrival time" (TAT), in
// nanoseconds on the caller's clock. A request of cost c at `now` passes when
// max(TAT, now) + c*T - now <= burst*T, with T = 1/rate the emission interval;
// passing moves TAT to max(TAT, now) + c*T. A bucket is full when TAT <= now,
// so the empty state word 0 means "full" and needs no initialisation.
//
// A key's TAT only grows: an allowed request adds c*T > 0 to it, and a slot
// re-used for another key starts at now + c*T > old TAT (local_store.hpp
// relies on this to rule out ABA on the state word).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "middleware/builtin/rate_limit/limit_options.hpp"
#include "middleware/builtin/rate_limit/step_result.hpp"

namespace weir::ratelimit {

struct GcraParams {
  uint64_t interval_ns = 1;  // T: one token every T nanoseconds
  uint64_t depth_ns = 1;     // burst * T: how far TAT may run ahead of now
  uint32_t burst = 1;

  // Options must have passed validate_options().
  static GcraParams from(const LimitOptions& o) noexcept {
    GcraParams p;
    const long long t = std::llround(1e9 / o.rate_per_s);  // validation bounds it
    p.interval_ns = t < 1 ? 1 : static_cast<uint64_t>(t);
    p.burst = o.burst;
    p.depth_ns = p.interval_ns * o.burst;
    return p;
  }
};

class GcraStep {
 public:
  GcraStep(const GcraParams& p, uint64_t now_ns, uint32_t cost) noexcept
      : p_(p), now_(now_ns), cost_(cost) {}

  uint32_t limit() const noexcept { return p_.burst; }

  // At full allowance: the state carries no information, the slot is reusable.
  bool idle(uint64_t tat) const noexcept { return tat <= now_; }

  StepResult apply(uint64_t tat) const noexcept {
    StepResult r;
    Decision& d = r.decision;
    d.limit = p_.burst;
    const uint64_t base = std::max(tat, now_);
    if (cost_ > p_.burst) {  // can never pass; retrying does not help
      d.allowed = false;
      fill(d, base - now_);
      return r;
    }
    const uint64_t next = base + uint64_t{cost_} * p_.interval_ns;
    if (next - now_ > p_.depth_ns) {
      d.allowed = false;
      fill(d, base - now_);
      d.retry_after_ms = ceil_ms(next - p_.depth_ns - now_);
      return r;
    }
    d.allowed = true;
    fill(d, next - now_);
    r.write = cost_ > 0;
    r.next = next;
    return r;
  }

 private:
  // `used`: how far TAT runs ahead of now after the decision.
  // A worker whose clock read is a little older than another's may see TAT
  // beyond now + depth; it then reports an empty bucket, not a wrapped count.
  void fill(Decision& d, uint64_t used) const noexcept {
    used = std::min(used, p_.depth_ns);
    d.remaining = static_cast<uint32_t>((p_.depth_ns - used) / p_.interval_ns);
    d.reset_after_ms = ceil_ms(used);
  }

  GcraParams p_;
  uint64_t now_;
  uint32_t cost_;
};

}  // namespace weir::ratelimit
