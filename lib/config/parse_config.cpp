// JSON (docs/config.md) to GatewayConfig. This file checks the shape: keys,
// JSON types and the ranges of the C++ field types. Everything that can be
// checked on the typed config is left to validate_config, so a config built
// in code gets the same checks and the same messages.
#include <exception>
#include <new>

#include "config/json_document.hpp"
#include "config/key_path.hpp"
#include "config/object_reader.hpp"
#include "config/parse_parts.hpp"
#include "config/parse_middleware.hpp"
#include "config/parse_upstream_health.hpp"
#include "weir/config.hpp"

namespace weir {

namespace {

using config::ObjectReader;
using config::read_array;

std::string read_listener(const picojson::value& v, const std::string& path, size_t index,
                          ListenerConfig& out) {
  ObjectReader r(v, path, {"name", "address", "port"});
  out.name = "listener-" + std::to_string(index);
  r.read("name", out.name);
  r.read("address", out.address);
  r.read_port("port", out.port, 0);
  return r.error();
}

void read_listeners(ObjectReader& root, GatewayConfig& cfg) {
  if (root.get("listeners") == nullptr) {
    // No listeners key: one listener with the defaults of ListenerConfig.
    if (root.ok()) cfg.listeners.emplace_back();
    return;
  }
  const picojson::array* a = read_array(root, "listeners");
  if (a == nullptr) return;
  std::string base = root.path_of("listeners");
  for (size_t i = 0; i < a->size() && root.ok(); ++i) {
    cfg.listeners.emplace_back();
    root.adopt(read_listener((*a)[i], config::index_path(base, i), i, cfg.listeners.back()));
  }
}

void read_limits(ObjectReader& root, Limits& out) {
  const picojson::value* v = root.get("limits");
  if (v == nullptr) return;
  ObjectReader r(*v, root.path_of("limits"),
                 {"max_header_bytes", "max_url_bytes", "max_headers", "max_body_bytes",
                  "header_timeout_ms", "idle_timeout_ms", "max_connections"});
  r.read("max_header_bytes", out.max_header_bytes);
  r.read("max_url_bytes", out.max_url_bytes);
  r.read("max_headers", out.max_headers);
  r.read("max_body_bytes", out.max_body_bytes);
  r.read("header_timeout_ms", out.header_timeout_ms);
  r.read("idle_timeout_ms", out.idle_timeout_ms);
  r.read("max_connections", out.max_connections);
  root.adopt(r.error());
}

void read_admin(ObjectReader& root, AdminConfig& out) {
  const picojson::value* v = root.get("admin");
  if (v == nullptr) return;
  ObjectReader r(*v, root.path_of("admin"), {"address", "port", "token"});
  r.read("address", out.address);
  r.read_port("port", out.port, 0);
  r.read("token", out.token);
  root.adopt(r.error());
}

std::string read_upstream(const picojson::value& v, const std::string& path, UpstreamConfig& out) {
  ObjectReader r(v, path,
                 {"endpoints", "lb", "hash_key", "connect_timeout_ms", "idle_timeout_ms",
                  "max_connections", "max_idle", "max_pending", "pending_timeout_ms",
                  "max_requests_per_connection", "panic", "resolve_interval_ms", "health_check",
                  "outlier",
                  "circuit_breaker"});
  if (const picojson::array* a = read_array(r, "endpoints")) {
    std::string base = r.path_of("endpoints");
    for (size_t i = 0; i < a->size() && r.ok(); ++i) {
      ObjectReader e((*a)[i], config::index_path(base, i), {"address", "weight"});
      EndpointConfig ep;
      if (e.ok() && e.get("address") == nullptr) e.fail("address", "required");
      e.read("address", ep.address);
      e.read("weight", ep.weight);
      r.adopt(e.error());
      out.endpoints.push_back(std::move(ep));
    }
  }
  r.read("lb", out.lb);
  r.read("hash_key", out.hash_key);
  r.read("connect_timeout_ms", out.connect_timeout_ms);
  r.read("idle_timeout_ms", out.idle_timeout_ms);
  r.read("max_connections", out.max_connections);
  r.read("max_idle", out.max_idle);
  r.read("max_pending", out.max_pending);
  r.read("pending_timeout_ms", out.pending_timeout_ms);
  r.read("max_requests_per_connection", out.max_requests_per_connection);
  r.read("panic", out.panic);
  r.read("resolve_interval_ms", out.resolve_interval_ms);
  config::read_upstream_health(r, out);
  return r.error();
}

void read_upstreams(ObjectReader& root, GatewayConfig& cfg) {
  const picojson::value* v = root.get("upstreams");
  if (v == nullptr) return;
  std::string base = root.path_of("upstreams");
  if (!v->is<picojson::object>()) return root.fail("upstreams", "expected an object");
  for (const auto& [name, value] : v->get<picojson::object>()) {
    if (!root.ok()) return;
    root.adopt(read_upstream(value, config::member_path(base, name), cfg.upstreams[name]));
  }
}

ConfigResult parse_document(std::string_view json) {
  ConfigResult result;
  picojson::value doc;
  result.error = config::parse_json_document(json, doc);
  if (!result.error.empty()) return result;

  GatewayConfig cfg;
  ObjectReader root(doc, "",
                    {"workers", "listeners", "limits", "admin", "via", "upstreams", "routes",
                     "middleware", "trailing_slash"});
  root.read("workers", cfg.workers);
  read_listeners(root, cfg);
  read_limits(root, cfg.limits);
  read_admin(root, cfg.admin);
  root.read("via", cfg.via);
  root.read("trailing_slash", cfg.trailing_slash);
  read_upstreams(root, cfg);
  config::read_routes(root, cfg);
  config::read_middleware(root, "middleware", cfg.middleware);
  if (!root.ok()) {
    result.error = root.error();
    return result;
  }
  result.error = validate_config(cfg);
  if (result.error.empty()) result.error = config::validate_middleware(cfg);
  if (result.error.empty()) result.config = std::move(cfg);
  return result;
}

}  // namespace

ConfigResult parse_config(std::string_view json) {
  try {
    return parse_document(json);
  } catch (const std::bad_alloc&) {
    ConfigResult result;
    result.error = "out of memory";  // short enough not to allocate
    return result;
  } catch (const std::exception& e) {
    ConfigResult result;
    result.error = std::string("(config): cannot parse: ") + e.what();
    return result;
  } catch (...) {
    ConfigResult result;
    result.error = "(config): cannot parse";
    return result;
  }
}

}  // namespace weir
