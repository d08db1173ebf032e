// jwt: the request must carry a valid JSON Web Token as a Bearer token
// (RFC 6750 section 2.1); weir::jwt::Verifier (jwt/, docs/jwt.md) checks it.
// A verified token's claims stay with the exchange (rate_limit claim:NAME
// keys read them), its `sub` becomes the "consumer" value, and
// forward_claims copies claims into request headers. Those headers are
// always removed from what the client sent first, so a client cannot pass a
// claim of its own making to the upstream.
#include <time.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "config/key_path.hpp"
#include "config/object_reader.hpp"
#include "http/local_response.hpp"
#include "http/token.hpp"
#include "middleware/builtin/builtins.hpp"
#include "middleware/builtin/jwt/verifier.hpp"
#include "middleware/options.hpp"

namespace weir::mw {

namespace {

// Forwarded claim values are bounded like other values of the exchange.
constexpr size_t kMaxForwardedValue = Context::kMaxValueBytes;

struct Spec {
  std::shared_ptr<const jwt::Verifier> verifier;
  StringPairs forward;  // claim -> header (lower case)
};

// b64token characters (RFC 6750 section 2.1), for tokens the cache does
// not hold.
constexpr std::array<bool, 256> kB64Token = http::alnum_and("-._~+/=");

// The credentials of "Bearer <credentials>": the scheme in any case, then
// one or more spaces; "" when there are none. Whether they form a b64token
// is is_b64token()'s question, asked only of tokens not found in the cache.
std::string_view bearer_credentials(std::string_view auth) {
  if (auth.size() < 8 || !iequals(auth.substr(0, 6), "bearer") || auth[6] != ' ') return {};
  std::string_view t = auth.substr(7);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  return t;
}

bool is_b64token(std::string_view t) {
  for (char c : t)
    if (!kB64Token[static_cast<unsigned char>(c)]) return false;
  return !t.empty();
}

// Wall-clock ms from the coarse clock (a few ms of resolution, a fraction of
// the cost of the precise one): exp, nbf and iat are whole seconds.
int64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

MiddlewareResult make_jwt(std::string_view json) {
  Options o(json, {"type", "name", "algorithms", "secret", "public_key_file", "jwks_file", "issuer",
                   "audience", "leeway_ms", "cache_entries", "forward_claims"});
  config::ObjectReader& r = o.reader();
  jwt::VerifierOptions vo;
  require(r, "algorithms");
  read_strings(r, "algorithms", vo.algorithms);
  r.read("secret", vo.secret);
  r.read("public_key_file", vo.public_key_file);
  r.read("jwks_file", vo.jwks_file);
  r.read("issuer", vo.issuer);
  if (const picojson::value* a = r.get("audience"); a && a->is<std::string>())
    vo.audience.push_back(a->get<std::string>());
  else
    read_strings(r, "audience", vo.audience);
  r.read("leeway_ms", vo.leeway_ms);
  uint64_t cache = vo.cache_entries;
  r.read("cache_entries", cache);
  vo.cache_entries = static_cast<size_t>(cache);
  auto spec = std::make_shared<Spec>();
  read_string_map(r, "forward_claims", spec->forward);
  for (auto& [claim, header] : spec->forward) {
    if (!r.ok()) break;
    if (!valid_field_name(header))
      r.adopt(config::path_error(config::member_path(r.path_of("forward_claims"), claim),
                                 "not a header name"));
    header = config::ascii_lowered(std::move(header));
  }
  if (!o.ok()) return failure(o.error());
  auto v = jwt::Verifier::create(vo);
  if (!v.ok()) return failure(v.error);  // already "option: message"
  spec->verifier = std::move(v.value);

  MiddlewareResult res;
  res.middleware.on_request = [spec](Context& ctx) {
    for (const auto& [claim, header] : spec->forward) ctx.remove_request_header(header);
    std::string_view token = bearer_credentials(ctx.request().header("authorization"));
    const int64_t now = now_ms();
    // A token this thread's front holds needs no lock and no atomic count;
    // others are verified (or found in the shared cache) and held by the
    // shared_ptr.
    jwt::TokenFronts::Ref held = spec->verifier->cached_here(token, now);
    jwt::VerifyResult vr;
    if (!held) {
      if (!is_b64token(token)) {
        // No credentials: no error code (RFC 6750 section 3.1).
        ctx.respond_error(401, "missing bearer token", {{"www-authenticate", "Bearer realm=\"weir\""}});
        return;
      }
      vr = spec->verifier->verify(token, now);
      if (!vr.ok()) {
        std::string challenge = "Bearer realm=\"weir\", error=\"invalid_token\", error_description=\"";
        challenge += vr.message;  // fixed text without quotes, never from the token
        challenge += '"';
        ctx.respond_error(401, "invalid token", {{"www-authenticate", std::move(challenge)}});
        return;
      }
    }
    const jwt::Claims& claims = held ? *held->claims : *vr.claims;
    if (const std::string* sub = claims.text("sub")) ctx.set_value("consumer", *sub);
    for (const auto& [claim, header] : spec->forward) {
      const std::string* value = claims.text(claim);
      // A claim that would split or re-frame the request is not forwarded.
      if (value && value->size() <= kMaxForwardedValue && http::is_safe_field(header, *value))
        ctx.set_request_header(header, *value);
    }
    Context::Edits& e = *ctx.edits();
    if (held) {
      e.hold_claims(&claims, held.detach());
    } else {
      // Moved, not copied: each reference count change is a locked instruction.
      e.own_claims(std::shared_ptr<const void>(std::move(vr.claims), &claims));
    }
  };
  return res;
}

}  // namespace weir::mw
