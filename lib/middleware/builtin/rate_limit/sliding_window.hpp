// Sliding window as the two-counter approximation (the one Cloudflare and
// nginx-plus describe): count requests in fixed windows of W and weigh the
// previous window by the part of it that the sliding window still covers.
// At `elapsed` into the current window a request of cost c passes when
//   prev * (W - elapsed) / W + curr + c <= limit,
// evaluated exactly in integers as prev*(W-elapsed) + (curr+c)*W <= limit*W.
//
// One key's state is one 64-bit word, so one CAS updates it:
//   bits 63..32  window number (now / W), modulo 2^32
//   bits 31..16  prev: requests counted in the window before it
//   bits 15..0   curr: requests counted in that window
// The counters are 16 bits, hence limit <= 65535 (limit_options.hpp). They
// never both reach 65535 (while prev weighs anything, curr <= limit - 1), so
// the all-ones word is free for the store's "slot in transition" marker.
// The word 0 reads as "nothing counted", so a new slot needs no set-up.
//
// The window number wraps after 2^32 windows (49.7 days at window_ms = 1,
// 136 years at 1000): a key left untouched for within 4 windows of a multiple
// of 2^32 windows reads its old counts as current once. Documented in
// docs/rate-limiting.md.
#pragma once

#include <cstdint>

#include "middleware/builtin/rate_limit/limit_options.hpp"
#include "middleware/builtin/rate_limit/step_result.hpp"

namespace weir::ratelimit {

struct WindowParams {
  uint64_t window_ns = 1;
  uint32_t limit = 1;

  static WindowParams from(const LimitOptions& o) noexcept {
    return {uint64_t{o.window_ms} * 1'000'000, o.limit};
  }
};
// prev*W + (curr+cost)*W <= 3 * 65535 * W fits in 64 bits for every valid W.
static_assert(3.0 * kMaxWindowLimit * kMaxWindowMs * 1e6 < 1.8e19);

struct WindowState {
  uint32_t window = 0;
  uint32_t prev = 0;
  uint32_t curr = 0;

  static WindowState unpack(uint64_t w) noexcept {
    return {static_cast<uint32_t>(w >> 32), static_cast<uint32_t>((w >> 16) & 0xffff),
            static_cast<uint32_t>(w & 0xffff)};
  }
  uint64_t pack() const noexcept {
    return (uint64_t{window} << 32) | (uint64_t{prev} << 16) | curr;
  }
};

class WindowStep {
 public:
  // A state up to this many windows ahead of the caller's clock was written
  // by a worker that read the clock a little later; it is used as is.
  static constexpr uint32_t kMaxAhead = 4;

  WindowStep(const WindowParams& p, uint64_t now_ns, uint32_t cost) noexcept
      : p_(p), cost_(cost),
        window_(static_cast<uint32_t>(now_ns / p.window_ns)),
        elapsed_(now_ns % p.window_ns) {}

  uint32_t limit() const noexcept { return p_.limit; }

  bool idle(uint64_t word) const noexcept {
    const View v = view(word);
    return v.prev == 0 && v.curr == 0;
  }

  StepResult apply(uint64_t word) const noexcept {
    const View v = view(word);
    const uint64_t w = p_.window_ns;
    const uint64_t left = w - v.elapsed;  // of the current window, > 0
    StepResult r;
    Decision& d = r.decision;
    d.limit = p_.limit;
    const uint64_t weighed = uint64_t{v.prev} * left + (uint64_t{v.curr} + cost_) * w;
    if (cost_ <= p_.limit && weighed <= uint64_t{p_.limit} * w) {
      d.allowed = true;
      fill(d, v, v.curr + cost_, left);
      r.write = cost_ > 0;
      r.next = WindowState{v.window, v.prev, v.curr + cost_}.pack();
      return r;
    }
    d.allowed = false;
    fill(d, v, v.curr, left);
    if (cost_ <= p_.limit) d.retry_after_ms = ceil_ms(wait_ns(v, left));
    return r;
  }

 private:
  // The state seen from the caller's window: counts moved or dropped.
  struct View {
    uint32_t window;
    uint32_t prev;
    uint32_t curr;
    uint64_t elapsed;
  };

  View view(uint64_t word) const noexcept {
    const WindowState s = WindowState::unpack(word);
    if (s.prev == 0 && s.curr == 0) return {window_, 0, 0, elapsed_};
    const uint32_t behind = window_ - s.window;  // modulo 2^32
    if (behind == 0) return {window_, s.prev, s.curr, elapsed_};
    if (behind == 1) return {window_, s.curr, 0, elapsed_};
    const uint32_t ahead = s.window - window_;
    if (ahead <= kMaxAhead) return {s.window, s.prev, s.curr, 0};
    return {window_, 0, 0, elapsed_};
  }

  void fill(Decision& d, const View& v, uint32_t curr, uint64_t left) const noexcept {
    const uint64_t w = p_.window_ns;
    const uint64_t prev_weight = (uint64_t{v.prev} * left + w - 1) / w;  // rounded up
    const uint64_t used = prev_weight + curr;
    d.remaining = used >= p_.limit ? 0 : static_cast<uint32_t>(p_.limit - used);
    // Full allowance once nothing counted still weighs: the end of the next
    // window when the current one counts, else the end of this one.
    if (curr > 0)
      d.reset_after_ms = ceil_ms(left + w);
    else if (v.prev > 0)
      d.reset_after_ms = ceil_ms(left);
    else
      d.reset_after_ms = 0;
  }

  // Smallest wait after which a request of cost_ (<= limit) passes.
  uint64_t wait_ns(const View& v, uint64_t left) const noexcept {
    const uint64_t w = p_.window_ns;
    if (uint64_t{v.curr} + cost_ <= p_.limit) {
      // Only the previous window's weight is in the way; it falls as time
      // passes: need prev * (left - t) <= (limit - curr - cost) * W.
      const uint64_t room = uint64_t{p_.limit - v.curr - cost_} * w / v.prev;
      return left - room;  // room < left, or the request would have passed
    }
    // Wait for the next window, where this window's count becomes `prev`:
    // need curr * (W - e) <= (limit - cost) * W at e into that window.
    if (v.curr == 0) return left;
    const uint64_t room = uint64_t{p_.limit - cost_} * w / v.curr;
    return left + (room >= w ? 0 : w - room);
  }

  WindowParams p_;
  uint32_t cost_;
  uint32_t window_;
  uint64_t elapsed_;
};

}  // namespace weir::ratelimit
