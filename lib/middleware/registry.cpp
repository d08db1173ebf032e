// Middleware types by name: the built-ins, and those a host registers.
// Looked up when a snapshot is built, never on the request path.
#include <map>
#include <mutex>
#include <string>

#include "middleware/builtin/builtins.hpp"
#include "weir/middleware.hpp"

namespace weir {

namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, MiddlewareFactory, std::less<>> factories;

  Registry() {
    factories.emplace("request_id", mw::make_request_id);
    factories.emplace("headers", mw::make_headers);
    factories.emplace("cors", mw::make_cors);
    factories.emplace("api_key", mw::make_api_key);
    factories.emplace("basic_auth", mw::make_basic_auth);
    factories.emplace("ip_filter", mw::make_ip_filter);
    factories.emplace("body_limit", mw::make_body_limit);
    factories.emplace("fault", mw::make_fault);
    factories.emplace("trace", mw::make_trace);
    factories.emplace("jwt", mw::make_jwt);
    factories.emplace("rate_limit", mw::make_rate_limit);
    factories.emplace("access_log", mw::make_access_log);
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void register_middleware(std::string type, MiddlewareFactory factory) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.factories.insert_or_assign(std::move(type), std::move(factory));
}

MiddlewareResult make_middleware(std::string_view type, std::string_view options_json) {
  MiddlewareFactory f;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mu);
    auto it = r.factories.find(type);
    if (it != r.factories.end()) f = it->second;
  }
  MiddlewareResult res;
  if (!f) {
    res.error = "type: unknown middleware type \"" + std::string(type.substr(0, 64)) + "\"";
    return res;
  }
  // Host factories must not take the snapshot build down: a throw is an error.
  try {
    res = f(options_json);
  } catch (const std::exception& e) {
    res = MiddlewareResult{};
    res.error = std::string("(entry): ") + e.what();
  } catch (...) {
    res = MiddlewareResult{};
    res.error = "(entry): the factory failed";
  }
  if (res && res.middleware.name.empty()) res.middleware.name = std::string(type);
  return res;
}

}  // namespace weir
