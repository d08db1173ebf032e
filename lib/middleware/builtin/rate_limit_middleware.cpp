// rate_limit: wraps weir::ratelimit::Limiter (rate_limit/, docs/rate-limiting.md).
// Each request's key is built from the parts of the `key` option; a request
// whose key lacks a part (no such header, no consumer) is not limited by this
// entry. A denied request gets 429 with RateLimit-* and Retry-After; a passed
// one gets RateLimit-* on its response. Several entries on one route all
// apply, and the response tells about the one with the fewest requests left.
#include <uv.h>

#include <array>
#include <charconv>
#include <memory>
#include <string>

#include "config/object_reader.hpp"
#include "middleware/builtin/builtins.hpp"
#include "middleware/builtin/jwt/claims.hpp"
#include "middleware/builtin/rate_limit/key_spec.hpp"
#include "middleware/builtin/rate_limit/limiter.hpp"
#include "middleware/builtin/rate_limit/rate_limit_headers.hpp"
#include "middleware/options.hpp"

namespace weir::mw {

namespace {

struct Spec {
  ratelimit::KeySpec key;
  std::unique_ptr<ratelimit::Limiter> limiter;
  std::string limit_text;  // RateLimit-Limit, the same for every decision
};

std::string_view claim_of(const void* user, std::string_view name) {
  const auto* claims = static_cast<const jwt::Claims*>(user);
  const std::string* s = claims->text(name);
  return s ? std::string_view(*s) : std::string_view();
}

// Keeps the headers of the limit with the fewest requests left: the one a
// client meets first. An earlier entry's count is in the RateLimit-Remaining
// it set on this exchange's response.
constexpr std::string_view kRemaining = "ratelimit-remaining";

bool tightest_so_far(const Context& ctx, uint32_t remaining) {
  const FieldList& set = ctx.edits()->response_set;
  if (!set.may_hold(kRemaining)) return true;
  for (const auto& [name, value] : set) {
    if (name != kRemaining) continue;
    uint32_t p = 0;
    auto r = std::from_chars(value.data(), value.data() + value.size(), p);
    return r.ec != std::errc() || p >= remaining;
  }
  return true;
}

}  // namespace

MiddlewareResult make_rate_limit(std::string_view json) {
  Options o(json, {"type", "name", "key", "rate_per_s", "burst", "algorithm", "window_ms", "limit",
                   "max_keys"});
  config::ObjectReader& r = o.reader();
  auto spec = std::make_shared<Spec>();
  std::string key = "ip", algorithm = "token_bucket";
  r.read("key", key);
  r.read("algorithm", algorithm);
  ratelimit::LimitOptions lo;
  if (r.ok() && !ratelimit::parse_algorithm(algorithm, &lo.algorithm))
    r.fail("algorithm", "expected \"token_bucket\" or \"sliding_window\"");
  if (lo.algorithm == ratelimit::Algorithm::token_bucket) {
    require(r, "rate_per_s");
    read_number(r, "rate_per_s", lo.rate_per_s, ratelimit::kMaxRatePerS);
    // Without a burst, one second's worth of requests may come at once.
    lo.burst = lo.rate_per_s >= 1 ? static_cast<uint32_t>(lo.rate_per_s) : 1;
    r.read("burst", lo.burst);
  } else {
    require(r, "window_ms");
    require(r, "limit");
    r.read("window_ms", lo.window_ms);
    r.read("limit", lo.limit);
  }
  uint64_t max_keys = lo.max_keys;
  r.read("max_keys", max_keys);
  lo.max_keys = static_cast<size_t>(max_keys);
  if (!o.ok()) return failure(o.error());
  ratelimit::KeySpecResult ks = ratelimit::parse_key_spec(key);
  if (!ks.ok()) return failure(ks.error);
  spec->key = ks.spec;
  auto lr = ratelimit::Limiter::create(lo);
  if (!lr.ok()) return failure(lr.error);
  spec->limiter = std::move(lr.limiter);
  spec->limit_text = std::to_string(spec->limiter->limit());

  MiddlewareResult res;
  res.middleware.on_request = [spec](Context& ctx) {
    const Request& req = ctx.request();
    // Every member in one initialiser, with no call or condition inside it:
    // otherwise the compiler clears the whole source first (`rep stos`),
    // which cost more than the rest of the set-up.
    const void* claims = ctx.edits()->claims.get();
    const std::string_view client_ip = ctx.client_ip(), consumer = ctx.value("consumer");
    const auto claim = claims ? claim_of : nullptr;
    const ratelimit::KeySource src{.client_ip = client_ip,
                                   .route = req.route,
                                   .consumer = consumer,
                                   .headers = req.headers,
                                   .query = req.query,
                                   .claim = claim,
                                   .claim_user = claims};
    std::array<char, ratelimit::kMaxKeyBytes> buf;
    ratelimit::BuiltKey k = ratelimit::build_key(spec->key, src, buf);
    if (k.status != ratelimit::KeyStatus::ok) return;
    // The exchange's start stands for now: close enough for a limit, and a
    // clock read less per request.
    uint64_t now = ctx.edits()->start_ns ? ctx.edits()->start_ns : uv_hrtime();
    ratelimit::Decision d = spec->limiter->check(k.bytes, now);
    if (d.untracked) return;
    ratelimit::RateLimitHeaders h(d, spec->limit_text);
    if (!d.allowed) {
      std::vector<std::pair<std::string, std::string>> fields{
          {"ratelimit-limit", std::string(h.limit())},
          {"ratelimit-remaining", std::string(h.remaining())},
          {"ratelimit-reset", std::string(h.reset())}};
      if (!h.retry_after().empty()) fields.emplace_back("retry-after", std::string(h.retry_after()));
      ctx.remove_response_header("ratelimit-limit");
      ctx.remove_response_header("ratelimit-remaining");
      ctx.remove_response_header("ratelimit-reset");
      ctx.respond_error(429, "rate limit exceeded", std::move(fields));
      return;
    }
    if (!tightest_so_far(ctx, d.remaining)) return;
    ctx.set_response_header("ratelimit-limit", h.limit());
    ctx.set_response_header(kRemaining, h.remaining());
    ctx.set_response_header("ratelimit-reset", h.reset());
  };
  return res;
}

}  // namespace weir::mw
