// api_key: a request passes when it carries one of the configured keys, in a
// header or a query parameter; the key's consumer name is then set as the
// "consumer" value (rate_limit keys, access log). Keys are compared by their
// SHA-256 digests, in constant time, and every key is compared each time, so
// neither timing nor the order of keys tells which part of a guess was right.
#include <memory>
#include <string>
#include <vector>

#include "config/key_path.hpp"
#include "config/object_reader.hpp"
#include "middleware/builtin/builtins.hpp"
#include "middleware/builtin/rate_limit/key_spec.hpp"
#include "middleware/options.hpp"
#include "middleware/secret.hpp"

namespace weir::mw {

namespace {

constexpr size_t kMaxKeyBytes = 4096;

struct Spec {
  std::string header;
  std::string query;
  std::vector<std::pair<Digest, std::string>> keys;  // digest -> consumer
};

}  // namespace

MiddlewareResult make_api_key(std::string_view json) {
  Options o(json, {"type", "name", "header", "query", "keys"});
  config::ObjectReader& r = o.reader();
  auto spec = std::make_shared<Spec>();
  r.read("header", spec->header);
  spec->header = config::ascii_lowered(std::move(spec->header));
  if (r.ok() && r.get("header") && !valid_field_name(spec->header))
    r.fail("header", "expected a header name");
  r.read("query", spec->query);
  if (r.ok() && r.get("query") && spec->query.empty()) r.fail("query", "must not be empty");
  if (r.ok() && spec->header.empty() && spec->query.empty()) spec->header = "x-api-key";
  require(r, "keys");
  if (const picojson::array* a = config::read_array(r, "keys")) {
    std::string base = r.path_of("keys");
    if (a->empty()) r.fail("keys", "needs at least one key");
    for (size_t i = 0; i < a->size() && r.ok(); ++i) {
      config::ObjectReader k((*a)[i], config::index_path(base, i), {"key", "consumer"});
      std::string key, consumer;
      require(k, "key");
      require(k, "consumer");
      k.read("key", key);
      k.read("consumer", consumer);
      // Short keys can be guessed; 16 bytes is the floor of OWASP's advice for
      // session identifiers, which API keys are in effect.
      if (k.ok() && (key.size() < 16 || key.size() > kMaxKeyBytes))
        k.fail("key", "must be 16..4096 bytes");
      if (k.ok() && (consumer.empty() || consumer.size() > Context::kMaxValueBytes))
        k.fail("consumer", "must be 1..1024 bytes");
      r.adopt(k.error());
      spec->keys.emplace_back(sha256(key), std::move(consumer));
    }
  }
  if (!o.ok()) return failure(o.error());

  MiddlewareResult res;
  res.middleware.on_request = [spec](Context& ctx) {
    std::string_view presented;
    if (!spec->header.empty()) presented = ctx.request().header(spec->header);
    if (presented.empty() && !spec->query.empty())
      presented = ratelimit::query_param(ctx.request().query, spec->query);
    if (presented.empty() || presented.size() > kMaxKeyBytes) {
      ctx.respond_error(401, presented.empty() ? "missing API key" : "invalid API key",
                        {{"www-authenticate", "ApiKey realm=\"weir\""}});
      return;
    }
    Digest d = sha256(presented);
    const std::string* consumer = nullptr;
    for (const auto& [digest, name] : spec->keys)
      if (digest_equal(digest, d) && !consumer) consumer = &name;
    if (!consumer) {
      ctx.respond_error(401, "invalid API key", {{"www-authenticate", "ApiKey realm=\"weir\""}});
      return;
    }
    ctx.set_value("consumer", *consumer);
  };
  return res;
}

}  // namespace weir::mw
