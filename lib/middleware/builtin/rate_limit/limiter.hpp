// One rate limit over many keys: the algorithm of its options applied to a
// store of per-key state. One limiter serves every worker thread of the
// process; check() takes no lock and allocates nothing.
#pragma once

#include <cstdint>
#include <concepts>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include <xxhash.h>

#include "middleware/builtin/rate_limit/decision.hpp"
#include "middleware/builtin/rate_limit/limit_options.hpp"
#include "middleware/builtin/rate_limit/local_store.hpp"
#include "middleware/builtin/rate_limit/store.hpp"

namespace weir::ratelimit {

template <Store S>
class BasicLimiter;

template <Store S>
struct LimiterResult {
  std::unique_ptr<BasicLimiter<S>> limiter;  // null when `error` is set
  std::string error;                         // names the option: "burst: ..."
  bool ok() const noexcept { return limiter != nullptr; }
};

template <Store S>
class BasicLimiter final {
 public:
  // Validates the options and takes the store (null: an allocation failed).
  static LimiterResult<S> create(const LimitOptions& o, std::unique_ptr<S> store) {
    LimiterResult<S> r;
    r.error = validate_options(o);
    if (!r.error.empty()) return r;
    if (!store) {
      r.error = "max_keys: cannot allocate the key table";
      return r;
    }
    r.limiter.reset(new (std::nothrow) BasicLimiter(o, std::move(store)));
    if (!r.limiter) r.error = "max_keys: cannot allocate the limiter";
    return r;
  }

  // Validates the options, then sizes the store from max_keys.
  static LimiterResult<S> create(const LimitOptions& o)
    requires requires(size_t n) { { S::create(n) } -> std::same_as<std::unique_ptr<S>>; }
  {
    LimiterResult<S> r;
    r.error = validate_options(o);
    if (!r.error.empty()) return r;
    return create(o, S::create(o.max_keys));
  }

  // Decides for `key` at `now_ns` (a monotonic clock, read just before the
  // call) and records the request when it passes. cost 0 asks without
  // consuming. A request whose key has no slot passes untracked.
  Decision check(std::string_view key, uint64_t now_ns, uint32_t cost = 1) noexcept {
    return check_hash(XXH3_64bits(key.data(), key.size()), now_ns, cost);
  }

  // The same, for a key already hashed with XXH3_64bits.
  Decision check_hash(uint64_t key_hash, uint64_t now_ns, uint32_t cost = 1) noexcept {
    const StoreOutcome out =
        options_.algorithm == Algorithm::token_bucket
            ? store_->apply(key_hash, GcraStep(gcra_, now_ns, cost))
            : store_->apply(key_hash, WindowStep(window_, now_ns, cost));
    Decision d = out.step.decision;
    if (out.status != StoreStatus::applied) {
      d.allowed = true;  // fail open: a full table must not lock clients out
      d.untracked = true;
      d.retry_after_ms = 0;
    }
    return d;
  }

  const LimitOptions& options() const noexcept { return options_; }
  // The requests a key may make at once: every Decision's `limit`.
  uint32_t limit() const noexcept {
    return options_.algorithm == Algorithm::token_bucket ? gcra_.burst : window_.limit;
  }
  StoreStats stats() const noexcept { return store_->stats(); }

 private:
  BasicLimiter(const LimitOptions& o, std::unique_ptr<S> store) noexcept
      : options_(o), gcra_(), window_(), store_(std::move(store)) {
    if (o.algorithm == Algorithm::token_bucket)
      gcra_ = GcraParams::from(o);
    else
      window_ = WindowParams::from(o);
  }

  LimitOptions options_;
  GcraParams gcra_;
  WindowParams window_;
  std::unique_ptr<S> store_;
};

// The limiter over the in-process table.
using Limiter = BasicLimiter<LocalStore>;

}  // namespace weir::ratelimit
