// Routes: names and match rules; validate_route_actions.cpp checks the rest.
#include "config/key_path.hpp"
#include "config/lexical.hpp"
#include "config/validate_parts.hpp"
#include "router/header_match.hpp"

namespace weir::config {

namespace {

constexpr size_t kMaxMethods = 32;
constexpr size_t kMaxMatchHeaders = 32;
constexpr size_t kMaxHeaderGlob = router::kMaxGlobBytes;  // the router's bound on a match's cost

bool has_upper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

std::string validate_match(const std::string& path, const RouteMatch& m) {
  if (!m.host.empty() && !is_host_pattern(m.host)) {
    return path_error(member_path(path, "host"), "expected a host name");
  }
  if (!m.prefix.empty() && !m.path.empty()) {
    return path_error(path, "set \"prefix\" or \"path\", not both");
  }
  if (!m.prefix.empty() && !is_path(m.prefix)) {
    return path_error(member_path(path, "prefix"),
                      "must begin with '/' and hold no spaces, '?' or '#'");
  }
  if (!m.path.empty() && !is_path(m.path)) {
    return path_error(member_path(path, "path"),
                      "must begin with '/' and hold no spaces, '?' or '#'");
  }
  std::string methods = member_path(path, "methods");
  if (m.methods.size() > kMaxMethods) {
    return path_error(methods, "at most " + std::to_string(kMaxMethods) + " methods");
  }
  for (size_t i = 0; i < m.methods.size(); ++i) {
    std::string at = index_path(methods, i);
    if (!is_method(m.methods[i])) {
      return path_error(at, "expected an upper-case method token, got " + quoted(m.methods[i]));
    }
    for (size_t j = 0; j < i; ++j) {
      if (m.methods[j] == m.methods[i]) {
        return path_error(at, "duplicate method " + quoted(m.methods[i]));
      }
    }
  }
  std::string headers = member_path(path, "headers");
  if (m.headers.size() + m.header_matches.size() > kMaxMatchHeaders) {
    return path_error(headers, "at most " + std::to_string(kMaxMatchHeaders) + " headers");
  }
  for (const auto& [name, value] : m.headers) {
    std::string at = member_path(headers, name);
    if (!is_http_token(name)) return path_error(at, "header names are tokens (RFC 9110 5.6.2)");
    if (has_upper(name)) return path_error(at, "header names must be lower-case");
    if (!is_field_value(value)) return path_error(at, "control characters are not allowed");
    if (m.header_matches.count(name) != 0) return path_error(at, "duplicate header name " + quoted(name));
  }
  for (const auto& [name, hm] : m.header_matches) {
    std::string at = member_path(headers, name);
    if (!is_http_token(name)) return path_error(at, "header names are tokens (RFC 9110 5.6.2)");
    if (has_upper(name)) return path_error(at, "header names must be lower-case");
    std::string kind = member_path(at, hm.kind);
    if (hm.kind == "present") {
      if (!hm.value.empty()) return path_error(kind, "takes no value");
    } else if (hm.kind == "equals" || hm.kind == "prefix" || hm.kind == "glob") {
      if (!is_field_value(hm.value)) return path_error(kind, "control characters are not allowed");
      if (hm.kind == "prefix" && hm.value.empty()) return path_error(kind, "must not be empty (use \"present\")");
      if (hm.kind == "glob" && hm.value.size() > kMaxHeaderGlob) {
        return path_error(kind, "at most " + std::to_string(kMaxHeaderGlob) + " bytes");
      }
    } else {
      return path_error(at, "unknown predicate " + quoted(hm.kind) + "; expected equals, present, prefix or glob");
    }
  }
  return validate_route_predicates(path, m);
}

std::string validate_route(const GatewayConfig& cfg, size_t index) {
  const RouteConfig& r = cfg.routes[index];
  std::string path = index_path("routes", index);
  if (!is_config_name(r.name)) {
    return path_error(member_path(path, "name"),
                      "expected 1..128 characters of A-Z a-z 0-9 - _ .");
  }
  for (size_t j = 0; j < index; ++j) {
    if (cfg.routes[j].name == r.name) {
      return path_error(member_path(path, "name"), "duplicate route name " + quoted(r.name) +
                                                        " (also routes[" + std::to_string(j) + "])");
    }
  }
  if (std::string e = validate_match(member_path(path, "match"), r.match); !e.empty()) return e;
  return validate_route_actions(cfg, index);
}

}  // namespace

std::string validate_routes(const GatewayConfig& cfg) {
  const std::string& slash = cfg.trailing_slash;
  if (slash != "strict" && slash != "ignore" && slash != "redirect") {
    return path_error("trailing_slash", "expected \"strict\", \"ignore\" or \"redirect\", got " + quoted(slash));
  }
  for (size_t i = 0; i < cfg.routes.size(); ++i) {
    if (std::string e = validate_route(cfg, i); !e.empty()) return e;
  }
  return "";
}

}  // namespace weir::config
