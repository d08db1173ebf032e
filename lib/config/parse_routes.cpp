// The "routes" section of the JSON config: match rules, the action (upstream,
// split, redirect or respond), rewrites and mirroring. Shape and JSON types
// only; validate_routes.cpp checks the values.
#include "config/key_path.hpp"
#include "config/object_reader.hpp"
#include "config/parse_middleware.hpp"
#include "config/parse_parts.hpp"

namespace weir::config {

namespace {

// An object of string values, in key order; false after recording an error.
bool read_string_map(ObjectReader& r, std::string_view key, bool lower_keys,
                     std::vector<std::pair<std::string, std::string>>& out) {
  const picojson::value* v = r.get(key);
  if (v == nullptr) return true;
  if (!v->is<picojson::object>()) {
    r.fail(key, "expected an object");
    return false;
  }
  std::string base = r.path_of(key);
  for (const auto& [name, value] : v->get<picojson::object>()) {
    std::string path = member_path(base, name);
    if (!value.is<std::string>()) {
      r.adopt(path_error(path, "expected string"));
      return false;
    }
    std::string k = lower_keys ? ascii_lowered(name) : name;
    for (const auto& [seen, unused] : out) {
      if (seen == k) {
        // Field names are case-insensitive (RFC 9110 section 5.1).
        r.adopt(path_error(path, "duplicate header name " + quoted(k)));
        return false;
      }
    }
    out.emplace_back(std::move(k), value.get<std::string>());
  }
  return true;
}

void read_string_array(ObjectReader& r, std::string_view key, std::vector<std::string>& out) {
  const picojson::array* a = read_array(r, key);
  if (a == nullptr) return;
  std::string base = r.path_of(key);
  for (size_t i = 0; i < a->size() && r.ok(); ++i) {
    const picojson::value& v = (*a)[i];
    if (!v.is<std::string>()) {
      r.adopt(path_error(index_path(base, i), "expected string"));
    } else {
      out.push_back(v.get<std::string>());
    }
  }
}

void read_query(ObjectReader& r, RouteMatch& out) {
  const picojson::value* v = r.get("query");
  if (v == nullptr) return;
  if (!v->is<picojson::object>()) return r.fail("query", "expected an object");
  std::string base = r.path_of("query");
  for (const auto& [name, value] : v->get<picojson::object>()) {
    if (value.is<std::string>()) {
      out.query.emplace(name, value.get<std::string>());
    } else if (value.is<bool>() && value.get<bool>()) {
      out.query.emplace(name, std::nullopt);  // present, any value
    } else {
      return r.adopt(path_error(member_path(base, name), "expected string or true"));
    }
  }
}

// match.headers: a string value is an equality; an object names one other
// kind of predicate ({"present": true}, {"prefix": ...}, {"glob": ...}).
void read_match_headers(ObjectReader& r, RouteMatch& out) {
  const picojson::value* v = r.get("headers");
  if (v == nullptr) return;
  if (!v->is<picojson::object>()) return r.fail("headers", "expected an object");
  std::string base = r.path_of("headers");
  for (const auto& [name, value] : v->get<picojson::object>()) {
    std::string path = member_path(base, name);
    std::string k = ascii_lowered(name);
    // Field names are case-insensitive (RFC 9110 section 5.1).
    if (out.headers.count(k) != 0 || out.header_matches.count(k) != 0) {
      return r.adopt(path_error(path, "duplicate header name " + quoted(k)));
    }
    if (value.is<std::string>()) {
      out.headers.emplace(std::move(k), value.get<std::string>());
      continue;
    }
    if (!value.is<picojson::object>()) {
      return r.adopt(path_error(path, "expected a string or an object"));
    }
    ObjectReader m(value, path, {"equals", "present", "prefix", "glob"});
    RouteHeaderMatch hm;
    for (const char* kind : {"equals", "present", "prefix", "glob"}) {
      if (!m.ok() || m.get(kind) == nullptr) continue;
      if (!hm.kind.empty()) {
        m.fail(kind, "\"" + hm.kind + "\" and \"" + kind + "\" are exclusive");
        break;
      }
      hm.kind = kind;
    }
    if (m.ok() && hm.kind.empty()) {
      m.adopt(path_error(path, "expected one of \"equals\", \"present\", \"prefix\" or \"glob\""));
    }
    if (m.ok() && hm.kind == "present") {
      bool present = false;
      m.read("present", present);
      if (m.ok() && !present) m.fail("present", "expected true (leave the header out to match any request)");
    } else if (m.ok()) {
      m.read(hm.kind, hm.value);
    }
    if (!m.ok()) return r.adopt(m.error());
    out.header_matches.emplace(std::move(k), std::move(hm));
  }
}

void read_match(ObjectReader& route, RouteMatch& out) {
  const picojson::value* v = route.get("match");
  if (v == nullptr) return;
  ObjectReader r(*v, route.path_of("match"),
                 {"host", "prefix", "path", "methods", "headers", "query", "client_cidrs"});
  read_non_empty(r, "host", out.host, "must not be empty (leave it out to match any host)");
  // Host names compare case-insensitively (RFC 3986 section 3.2.2).
  out.host = ascii_lowered(std::move(out.host));
  read_non_empty(r, "prefix", out.prefix, "must begin with '/'");
  read_non_empty(r, "path", out.path, "must begin with '/'");
  read_string_array(r, "methods", out.methods);
  read_match_headers(r, out);
  read_query(r, out);
  read_string_array(r, "client_cidrs", out.client_cidrs);
  route.adopt(r.error());
}

void read_rewrite(ObjectReader& route, RouteRewrite& out) {
  const picojson::value* v = route.get("rewrite");
  if (v == nullptr) return;
  ObjectReader r(*v, route.path_of("rewrite"), {"strip_prefix", "replace_prefix", "path", "host"});
  read_non_empty(r, "strip_prefix", out.strip_prefix, "must begin with '/'");
  if (const picojson::value* rp = r.get("replace_prefix")) {
    ObjectReader p(*rp, r.path_of("replace_prefix"), {"from", "to"});
    if (p.ok() && p.get("from") == nullptr) p.fail("from", "required");
    if (p.ok() && p.get("to") == nullptr) p.fail("to", "required");
    read_non_empty(p, "from", out.replace_prefix.from, "must begin with '/'");
    read_non_empty(p, "to", out.replace_prefix.to, "must begin with '/'");
    r.adopt(p.error());
  }
  read_non_empty(r, "path", out.path, "must begin with '/'");
  read_non_empty(r, "host", out.host, "must not be empty");
  route.adopt(r.error());
}

void read_split(ObjectReader& route, RouteConfig& out) {
  const picojson::array* a = read_array(route, "split");
  if (a == nullptr) return;
  std::string base = route.path_of("split");
  if (a->empty()) return route.fail("split", "needs at least one side");
  for (size_t i = 0; i < a->size() && route.ok(); ++i) {
    ObjectReader s((*a)[i], index_path(base, i), {"upstream", "weight"});
    RouteSplitSide side;
    if (s.ok() && s.get("upstream") == nullptr) s.fail("upstream", "required");
    if (s.ok() && s.get("weight") == nullptr) s.fail("weight", "required");
    s.read("upstream", side.upstream);
    if (const picojson::value* w = s.get("weight")) {
      uint64_t n = 0;
      if (!read_integer(*w, 10000, n).empty()) s.fail("weight", "expected an integer 0..10000");
      side.weight = static_cast<uint32_t>(n);
    }
    route.adopt(s.error());
    out.split.push_back(std::move(side));
  }
}

void read_split_options(ObjectReader& route, RouteConfig& out) {
  if (const picojson::value* v = route.get("sticky")) {
    ObjectReader r(*v, route.path_of("sticky"), {"key"});
    if (r.ok() && r.get("key") == nullptr) r.fail("key", "required");
    r.read("key", out.sticky.key);
    route.adopt(r.error());
  }
  if (const picojson::value* v = route.get("override")) {
    ObjectReader r(*v, route.path_of("override"), {"header", "values"});
    if (r.ok() && r.get("header") == nullptr) r.fail("header", "required");
    read_non_empty(r, "header", out.split_override.header, "must not be empty");
    out.split_override.header = ascii_lowered(std::move(out.split_override.header));
    std::vector<std::pair<std::string, std::string>> values;
    if (read_string_map(r, "values", false, values)) {
      for (auto& [value, upstream] : values) out.split_override.values.emplace(std::move(value), std::move(upstream));
    }
    route.adopt(r.error());
  }
}

void read_redirect(ObjectReader& route, RouteConfig& out) {
  const picojson::value* v = route.get("redirect");
  if (v == nullptr) return;
  ObjectReader r(*v, route.path_of("redirect"), {"location", "status"});
  RouteRedirect red;
  if (r.ok() && r.get("location") == nullptr) r.fail("location", "required");
  read_non_empty(r, "location", red.location, "must not be empty");
  r.read("status", red.status);
  route.adopt(r.error());
  out.redirect = std::move(red);
}


void read_mirror(ObjectReader& route, RouteMirror& out) {
  const picojson::value* v = route.get("mirror");
  if (v == nullptr) return;
  ObjectReader r(*v, route.path_of("mirror"), {"upstream", "percent"});
  if (r.ok() && r.get("upstream") == nullptr) r.fail("upstream", "required");
  read_non_empty(r, "upstream", out.upstream, "must not be empty");
  r.read("percent", out.percent);
  route.adopt(r.error());
}

void read_retry(ObjectReader& route, RouteRetry& out) {
  const picojson::value* v = route.get("retry");
  if (v == nullptr) return;
  ObjectReader r(*v, route.path_of("retry"),
                 {"attempts", "per_try_timeout_ms", "backoff_ms", "on", "non_idempotent",
                  "budget_percent", "min_retries", "buffer_bytes"});
  r.read("attempts", out.attempts);
  r.read("per_try_timeout_ms", out.per_try_timeout_ms);
  r.read("backoff_ms", out.backoff_ms);
  read_string_array(r, "on", out.on);
  r.read("non_idempotent", out.non_idempotent);
  r.read("budget_percent", out.budget_percent);
  r.read("min_retries", out.min_retries);
  r.read("buffer_bytes", out.buffer_bytes);
  route.adopt(r.error());
}

std::string read_route(const picojson::value& v, const std::string& path, size_t index, RouteConfig& out) {
  ObjectReader r(v, path,
                 {"name", "match", "upstream", "split", "sticky", "override", "redirect", "respond",
                  "timeout_ms", "rewrite", "mirror", "retry", "middleware"});
  out.name = "route-" + std::to_string(index);
  r.read("name", out.name);
  read_match(r, out.match);
  r.read("upstream", out.upstream);
  if (r.ok() && r.get("upstream") != nullptr && out.upstream.empty()) r.fail("upstream", "must not be empty");
  read_split(r, out);
  read_split_options(r, out);
  read_redirect(r, out);
  read_static_response(r, "respond", out.respond);
  r.read("timeout_ms", out.timeout_ms);
  read_rewrite(r, out.rewrite);
  read_mirror(r, out.mirror);
  read_retry(r, out.retry);
  read_middleware(r, "middleware", out.middleware);
  return r.error();
}

}  // namespace

void read_static_response(ObjectReader& parent, std::string_view key,
                          std::optional<RouteRespond>& out) {
  const picojson::value* v = parent.get(key);
  if (v == nullptr) return;
  ObjectReader r(*v, parent.path_of(key), {"status", "headers", "body"});
  RouteRespond res;
  r.read("status", res.status);
  read_string_map(r, "headers", true, res.headers);
  r.read("body", res.body);
  parent.adopt(r.error());
  out = std::move(res);
}

void read_routes(ObjectReader& root, GatewayConfig& cfg) {
  const picojson::array* a = read_array(root, "routes");
  if (a == nullptr) return;
  std::string base = root.path_of("routes");
  for (size_t i = 0; i < a->size() && root.ok(); ++i) {
    cfg.routes.emplace_back();
    root.adopt(read_route((*a)[i], index_path(base, i), i, cfg.routes.back()));
  }
}

}  // namespace weir::config
