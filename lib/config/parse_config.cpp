// JSON (docs/config.md) to GatewayConfig. This file checks the shape: keys,
// JSON types and the ranges of the C++ field types. Everything that can be
// checked on the typed config is left to validate_config, so a config built
// in code gets the same checks and the same messages.
#include <cctype>
#include <exception>
#include <new>

#include "config/json_document.hpp"
#include "config/key_path.hpp"
#include "config/object_reader.hpp"
#include "weir/config.hpp"

namespace weir {

namespace {

using config::ObjectReader;

// Returns the array at `key`, recording an error when it is not one.
const picojson::array* read_array(ObjectReader& r, std::string_view key) {
  const picojson::value* v = r.get(key);
  if (v == nullptr) return nullptr;
  if (!v->is<picojson::array>()) {
    r.fail(key, "expected an array");
    return nullptr;
  }
  return &v->get<picojson::array>();
}

// For keys where "" would silently mean "not set": present means non-empty.
void read_non_empty(ObjectReader& r, std::string_view key, std::string& out,
                    std::string_view message) {
  r.read(key, out);
  if (r.ok() && r.get(key) != nullptr && out.empty()) r.fail(key, message);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string read_listener(const picojson::value& v, const std::string& path, size_t index,
                          ListenerConfig& out) {
  ObjectReader r(v, path, {"name", "address", "port"});
  out.name = "listener-" + std::to_string(index);
  r.read("name", out.name);
  r.read("address", out.address);
  r.read_port("port", out.port, 1);
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
                 {"endpoints", "lb", "connect_timeout_ms", "idle_timeout_ms", "max_connections",
                  "max_idle"});
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
  r.read("connect_timeout_ms", out.connect_timeout_ms);
  r.read("idle_timeout_ms", out.idle_timeout_ms);
  r.read("max_connections", out.max_connections);
  r.read("max_idle", out.max_idle);
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

void read_match(ObjectReader& route, RouteMatch& out) {
  const picojson::value* v = route.get("match");
  if (v == nullptr) return;
  ObjectReader r(*v, route.path_of("match"), {"host", "prefix", "path", "methods", "headers"});
  read_non_empty(r, "host", out.host, "must not be empty (leave it out to match any host)");
  // Host names compare case-insensitively (RFC 3986 section 3.2.2).
  out.host = lower(std::move(out.host));
  read_non_empty(r, "prefix", out.prefix, "must begin with '/'");
  read_non_empty(r, "path", out.path, "must begin with '/'");
  if (const picojson::array* a = read_array(r, "methods")) {
    std::string base = r.path_of("methods");
    for (size_t i = 0; i < a->size() && r.ok(); ++i) {
      const picojson::value& m = (*a)[i];
      if (!m.is<std::string>()) {
        r.adopt(config::path_error(config::index_path(base, i), "expected string"));
      } else {
        out.methods.push_back(m.get<std::string>());
      }
    }
  }
  if (const picojson::value* h = r.get("headers")) {
    std::string base = r.path_of("headers");
    if (!h->is<picojson::object>()) {
      r.fail("headers", "expected an object");
    } else {
      for (const auto& [name, value] : h->get<picojson::object>()) {
        std::string path = config::member_path(base, name);
        if (!value.is<std::string>()) {
          r.adopt(config::path_error(path, "expected string"));
          break;
        }
        // Field names are case-insensitive (RFC 9110 section 5.1).
        auto [it, added] = out.headers.emplace(lower(name), value.get<std::string>());
        if (!added) {
          r.adopt(config::path_error(path, "duplicate header name " + config::quoted(it->first)));
          break;
        }
      }
    }
  }
  route.adopt(r.error());
}

void read_rewrite(ObjectReader& route, RouteRewrite& out) {
  const picojson::value* v = route.get("rewrite");
  if (v == nullptr) return;
  ObjectReader r(*v, route.path_of("rewrite"), {"strip_prefix", "host"});
  read_non_empty(r, "strip_prefix", out.strip_prefix, "must begin with '/'");
  read_non_empty(r, "host", out.host, "must not be empty");
  route.adopt(r.error());
}

std::string read_route(const picojson::value& v, const std::string& path, size_t index,
                       RouteConfig& out) {
  ObjectReader r(v, path, {"name", "match", "upstream", "timeout_ms", "rewrite"});
  out.name = "route-" + std::to_string(index);
  r.read("name", out.name);
  read_match(r, out.match);
  if (r.ok() && r.get("upstream") == nullptr) r.fail("upstream", "required");
  r.read("upstream", out.upstream);
  r.read("timeout_ms", out.timeout_ms);
  read_rewrite(r, out.rewrite);
  return r.error();
}

void read_routes(ObjectReader& root, GatewayConfig& cfg) {
  const picojson::array* a = read_array(root, "routes");
  if (a == nullptr) return;
  std::string base = root.path_of("routes");
  for (size_t i = 0; i < a->size() && root.ok(); ++i) {
    cfg.routes.emplace_back();
    root.adopt(read_route((*a)[i], config::index_path(base, i), i, cfg.routes.back()));
  }
}

ConfigResult parse_document(std::string_view json) {
  ConfigResult result;
  picojson::value doc;
  result.error = config::parse_json_document(json, doc);
  if (!result.error.empty()) return result;

  GatewayConfig cfg;
  ObjectReader root(doc, "",
                    {"workers", "listeners", "limits", "admin", "via", "upstreams", "routes"});
  root.read("workers", cfg.workers);
  read_listeners(root, cfg);
  read_limits(root, cfg.limits);
  read_admin(root, cfg.admin);
  root.read("via", cfg.via);
  read_upstreams(root, cfg);
  read_routes(root, cfg);
  if (!root.ok()) {
    result.error = root.error();
    return result;
  }
  result.error = validate_config(cfg);
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
