// The in-process store: a fixed table of slots {key hash, state word} shared
// by every worker thread of the process. No lock and no allocation per
// decision; memory is 16 bytes per slot, allocated once.
//
// Protocol (each step is one atomic operation, sequentially consistent):
// - A key lives in at most one slot of the kProbe slots after its home slot.
// - Deciding for a key found there: read key, read state, re-read key, apply
//   the step, CAS the state from what was read to the step's result.
// - Taking a slot for a new key (an empty slot or one whose key is idle, i.e.
//   back to full allowance): CAS its state to kBusy, write the key, scan the
//   probe window again, and if another slot holds the same key, put the old
//   key and state back and start over (two threads adding one key at once:
//   at least one of them sees the other); else store the step's result.
// - The key word changes only while the state is kBusy, so a state CAS that
//   succeeds proves the key did not change since it was read; and a slot's
//   state word never returns to an earlier value (gcra.hpp, sliding_window.hpp),
//   so such a CAS cannot succeed across a re-keying (no ABA).
// - Evicting an idle key is exact: its state says "full allowance", which is
//   also what a new key starts from.
// - When every slot in the window is live, the decision is let through
//   untracked (fail open) and counted; the table never grows and never waits
//   beyond a fixed number of attempts.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "middleware/builtin/rate_limit/store.hpp"

namespace weir::ratelimit {

class LocalStore final {
 public:
  static constexpr size_t kProbe = 32;        // slots a key may sit in
  static constexpr uint32_t kAttempts = 8;    // lookups before giving up
  static constexpr uint32_t kSpins = 1024;    // waits on one busy slot / lost CAS
  static constexpr uint64_t kBusy = ~uint64_t{0};

  // nullptr when the table cannot be allocated. The table has twice
  // max_keys slots, rounded up to a power of two and at least kProbe: linear
  // probing over kProbe slots then seats max_keys live keys before the first
  // overflow (docs/rate-limiting.md has the measurements).
  static std::unique_ptr<LocalStore> create(size_t max_keys) noexcept;

  template <typename Step>
  StoreOutcome apply(uint64_t hash, const Step& step) noexcept;

  StoreStats stats() const noexcept;

 private:
  struct alignas(16) Slot {
    std::atomic<uint64_t> key{0};  // 0: never used
    std::atomic<uint64_t> state{0};
  };
  struct alignas(64) Counters {  // rare events only, off the common path
    std::atomic<uint64_t> evictions{0};
    std::atomic<uint64_t> overflow{0};
    std::atomic<uint64_t> contended{0};
  };
  enum class Found : uint8_t { done, retry };

  LocalStore(std::unique_ptr<Slot[]> slots, size_t capacity) noexcept
      : slots_(std::move(slots)), mask_(capacity - 1) {}

  Slot& at(uint64_t home, size_t i) const noexcept { return slots_[(home + i) & mask_]; }

  template <typename Step>
  Found decide_existing(Slot& s, uint64_t key, const Step& step, StoreOutcome* out) noexcept;
  template <typename Step>
  Found claim(uint64_t home, uint64_t key, const Step& step, StoreOutcome* out) noexcept;
  bool held_elsewhere(uint64_t home, uint64_t key, const Slot* mine) const noexcept;

  std::unique_ptr<Slot[]> slots_;
  uint64_t mask_;
  mutable Counters counters_;
};

namespace detail {
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}
}  // namespace detail

template <typename Step>
StoreOutcome LocalStore::apply(uint64_t hash, const Step& step) noexcept {
  const uint64_t key = hash == 0 ? 1 : hash;  // 0 marks a never-used slot
  const uint64_t home = key & mask_;
  StoreOutcome out;
  for (uint32_t attempt = 0; attempt < kAttempts; ++attempt) {
    bool found = false;
    for (size_t i = 0; i < kProbe && !found; ++i) {
      Slot& s = at(home, i);
      if (s.key.load() != key) continue;
      found = true;
      if (decide_existing(s, key, step, &out) == Found::done) return out;
    }
    if (found) continue;
    // Absent: a request that would not pass from a full allowance, or that
    // costs nothing, leaves no trace, so it takes no slot.
    out.step = step.apply(0);
    if (!out.step.write) return out;
    if (claim(home, key, step, &out) == Found::done) return out;
  }
  counters_.contended.fetch_add(1, std::memory_order_relaxed);
  out.status = StoreStatus::contended;
  out.step = step.apply(0);
  out.step.write = false;
  return out;
}

template <typename Step>
LocalStore::Found LocalStore::decide_existing(Slot& s, uint64_t key, const Step& step,
                                              StoreOutcome* out) noexcept {
  for (uint32_t spin = 0; spin < kSpins; ++spin) {
    const uint64_t state = s.state.load();
    if (state == kBusy) {  // being taken over or added; wait a moment
      detail::cpu_relax();
      continue;
    }
    if (s.key.load() != key) return Found::retry;
    StepResult r = step.apply(state);
    if (!r.write) {
      out->step = r;
      return Found::done;
    }
    uint64_t expected = state;
    if (s.state.compare_exchange_strong(expected, r.next)) {
      out->step = r;
      return Found::done;
    }
  }
  return Found::retry;
}

template <typename Step>
LocalStore::Found LocalStore::claim(uint64_t home, uint64_t key, const Step& step,
                                    StoreOutcome* out) noexcept {
  for (size_t i = 0; i < kProbe; ++i) {
    Slot& s = at(home, i);
    uint64_t state = s.state.load();
    if (state == kBusy || !step.idle(state)) continue;
    if (!s.state.compare_exchange_strong(state, kBusy)) continue;
    const uint64_t old_key = s.key.load();
    s.key.store(key);
    if (held_elsewhere(home, key, &s)) {
      s.key.store(old_key);
      s.state.store(state);
      // Both adders may see each other and back off; the one further down
      // the window waits a little so the other usually wins the next round.
      for (size_t w = 0; w < i * 16; ++w) detail::cpu_relax();
      return Found::retry;
    }
    // From a full allowance; the caller checked that this request passes.
    out->step = step.apply(0);
    s.state.store(out->step.next);
    if (old_key != 0 && old_key != key)
      counters_.evictions.fetch_add(1, std::memory_order_relaxed);
    return Found::done;
  }
  counters_.overflow.fetch_add(1, std::memory_order_relaxed);
  out->status = StoreStatus::overflow;
  out->step.write = false;
  return Found::done;
}

}  // namespace weir::ratelimit
