// Routes: what a matched route does (upstream, split, redirect, respond),
// its rewrites and its mirror. The templates and ranges are parsed with the
// router's own code, so a config that passes here builds a route table.
#include <vector>

#include "config/key_path.hpp"
#include "config/lexical.hpp"
#include "config/validate_parts.hpp"
#include "http/header_kind.hpp"
#include "router/ip_cidr.hpp"
#include "router/route_actions.hpp"
#include "router/route_pattern.hpp"
#include "router/uri_template.hpp"

namespace weir::config {

namespace {

constexpr size_t kMaxQuery = 32;
constexpr size_t kMaxCidrs = 256;
constexpr size_t kMaxSplitSides = 64;
constexpr size_t kMaxRespondBody = 1 << 20;
// A kept retry body is memory per exchange in flight: 16 MiB is already a
// lot per request.
constexpr uint32_t kMaxRetryBufferBytes = 16u << 20;
constexpr uint32_t kMaxWeight = 10000;

bool known_upstream(const GatewayConfig& cfg, const std::string& name) {
  return cfg.upstreams.find(name) != cfg.upstreams.end();
}

// The names the route's path captures, in order (template variables).
std::vector<std::string_view> param_names(const RouteConfig& r, router::ParsedPattern& pattern) {
  std::vector<std::string_view> names;
  if (!r.match.path.empty() && router::parse_pattern(r.match.path, &pattern).empty()) {
    for (const router::PatternPiece& p : pattern.pieces) {
      if (p.kind != router::PieceKind::literal) names.push_back(p.text);
    }
  }
  return names;
}

std::string validate_action_choice(const RouteConfig& r, const std::string& path) {
  std::vector<const char*> set;
  if (!r.upstream.empty()) set.push_back("upstream");
  if (!r.split.empty()) set.push_back("split");
  if (r.redirect) set.push_back("redirect");
  if (r.respond) set.push_back("respond");
  if (set.empty()) return path_error(path, "one of \"upstream\", \"split\", \"redirect\" or \"respond\" is required");
  if (set.size() > 1)
    return path_error(path, std::string("\"") + set[0] + "\" and \"" + set[1] + "\" are exclusive");
  return "";
}

std::string validate_split(const GatewayConfig& cfg, const RouteConfig& r, const std::string& path) {
  std::string split = member_path(path, "split");
  std::string sticky = member_path(path, "sticky");
  std::string over = member_path(path, "override");
  if (r.split.empty()) {
    if (!r.sticky.key.empty()) return path_error(sticky, "only with \"split\"");
    if (!r.split_override.header.empty()) return path_error(over, "only with \"split\"");
    return "";
  }
  if (r.split.size() > kMaxSplitSides)
    return path_error(split, "at most " + std::to_string(kMaxSplitSides) + " sides");
  uint64_t total = 0;
  for (size_t i = 0; i < r.split.size(); ++i) {
    const RouteSplitSide& s = r.split[i];
    std::string at = index_path(split, i);
    if (s.upstream.empty()) return path_error(member_path(at, "upstream"), "required");
    if (!known_upstream(cfg, s.upstream))
      return path_error(member_path(at, "upstream"), "unknown upstream " + quoted(s.upstream));
    for (size_t j = 0; j < i; ++j) {
      if (r.split[j].upstream == s.upstream)
        return path_error(member_path(at, "upstream"), "duplicate side " + quoted(s.upstream) + " (also " +
                                                           index_path("split", j) + ")");
    }
    if (s.weight > kMaxWeight) return path_error(member_path(at, "weight"), "expected an integer 0..10000");
    total += s.weight;
  }
  if (total == 0) return path_error(split, "at least one weight must be positive");
  const std::string& key = r.sticky.key;
  if (!key.empty()) {
    bool named = key.rfind("header:", 0) == 0 || key.rfind("cookie:", 0) == 0;
    std::string_view name = named ? std::string_view(key).substr(7) : std::string_view();
    bool claim = key.rfind("claim:", 0) == 0 && key.size() > 6 && key.size() <= 6 + 128;
    if (!(key == "ip" || claim || (named && is_http_token(name))))
      return path_error(member_path(sticky, "key"),
                        "expected \"header:NAME\", \"cookie:NAME\", \"claim:NAME\" or \"ip\"");
  }
  const RouteSplitOverride& o = r.split_override;
  if (!o.header.empty()) {
    if (!is_http_token(o.header)) return path_error(member_path(over, "header"), "expected a header name");
    std::string values = member_path(over, "values");
    if (o.values.empty()) return path_error(values, "required");
    for (const auto& [value, upstream] : o.values) {
      std::string at = member_path(values, value);
      if (!is_field_value(value)) return path_error(at, "control characters are not allowed");
      bool side = false;
      for (const RouteSplitSide& s : r.split) side = side || s.upstream == upstream;
      if (!side) return path_error(at, quoted(upstream) + " is not a side of the split");
    }
  }
  return "";
}

std::string validate_local(const RouteConfig& r, const std::string& path,
                           std::span<const std::string_view> params) {
  if (r.redirect) {
    std::string at = member_path(path, "redirect");
    router::UriTemplate t;
    std::string e = t.compile(r.redirect->location, params, router::UriTemplate::Use::location);
    if (!e.empty()) return path_error(member_path(at, "location"), e);
    if (!router::is_redirect_status(r.redirect->status))
      return path_error(member_path(at, "status"), "expected 301, 302, 303, 307 or 308");
  }
  if (r.respond) return validate_static_response(member_path(path, "respond"), *r.respond);
  return "";
}

std::string validate_rewrite(const RouteConfig& r, const std::string& path, bool forwards,
                             std::span<const std::string_view> params) {
  const RouteRewrite& w = r.rewrite;
  std::string at = member_path(path, "rewrite");
  int set = (w.strip_prefix.empty() ? 0 : 1) + (w.replace_prefix.from.empty() ? 0 : 1) + (w.path.empty() ? 0 : 1);
  bool any = set > 0 || !w.host.empty();
  if (any && !forwards) return path_error(at, "only for routes with \"upstream\" or \"split\"");
  if (set > 1) return path_error(at, "set one of \"strip_prefix\", \"replace_prefix\" and \"path\"");
  if (!w.strip_prefix.empty() && !is_path(w.strip_prefix))
    return path_error(member_path(at, "strip_prefix"), "must begin with '/' and hold no spaces, '?' or '#'");
  std::string rp = member_path(at, "replace_prefix");
  if (!w.replace_prefix.from.empty() || !w.replace_prefix.to.empty()) {
    if (!is_path(w.replace_prefix.from))
      return path_error(member_path(rp, "from"), "must begin with '/' and hold no spaces, '?' or '#'");
    if (!is_path(w.replace_prefix.to))
      return path_error(member_path(rp, "to"), "must begin with '/' and hold no spaces, '?' or '#'");
  }
  if (!w.path.empty()) {
    router::UriTemplate t;
    if (std::string e = t.compile(w.path, params, router::UriTemplate::Use::path); !e.empty())
      return path_error(member_path(at, "path"), e);
  }
  // The rewritten host is sent as the Host header: no wildcards.
  if (!w.host.empty() && (!is_host_pattern(w.host) || w.host.find('*') != std::string::npos))
    return path_error(member_path(at, "host"), "expected a host name");
  return "";
}

std::string validate_retry(const RouteConfig& r, const std::string& path, bool forwards) {
  const RouteRetry& t = r.retry;
  std::string at = member_path(path, "retry");
  if (t.attempts == 0 && t.on.empty()) return "";
  if (!forwards) return path_error(at, "only a route that forwards upstream can retry");
  if (t.attempts > 10) return path_error(member_path(at, "attempts"), "must be 0..10");
  if (t.backoff_ms > 10000) return path_error(member_path(at, "backoff_ms"), "must be 0..10000");
  if (t.budget_percent == 0 || t.budget_percent > 100)
    return path_error(member_path(at, "budget_percent"), "must be 1..100");
  if (t.buffer_bytes > kMaxRetryBufferBytes)
    return path_error(member_path(at, "buffer_bytes"),
                      "must be 0.." + std::to_string(kMaxRetryBufferBytes));
  if (t.per_try_timeout_ms > r.timeout_ms)
    return path_error(member_path(at, "per_try_timeout_ms"), "must not exceed the route's timeout_ms");
  if (t.on.empty()) return path_error(member_path(at, "on"), "at least one condition is required");
  for (size_t i = 0; i < t.on.size(); ++i) {
    const std::string& c = t.on[i];
    if (c == "connect_failure" || c == "reset" || c == "timeout" || c == "gateway_error" || c == "5xx")
      continue;
    bool digits = c.size() == 3 && c.find_first_not_of("0123456789") == std::string::npos;
    if (digits && c >= "100" && c <= "599") continue;
    return path_error(index_path(member_path(at, "on"), i),
                      "expected connect_failure, reset, timeout, gateway_error, 5xx or a status code");
  }
  return "";
}

std::string validate_mirror(const GatewayConfig& cfg, const RouteConfig& r, const std::string& path,
                            bool forwards) {
  if (r.mirror.upstream.empty()) return "";
  std::string at = member_path(path, "mirror");
  if (!forwards) return path_error(at, "only for routes with \"upstream\" or \"split\"");
  if (!known_upstream(cfg, r.mirror.upstream))
    return path_error(member_path(at, "upstream"), "unknown upstream " + quoted(r.mirror.upstream));
  if (r.mirror.percent > 100) return path_error(member_path(at, "percent"), "must be 0..100");
  return "";
}

}  // namespace

std::string validate_static_response(const std::string& at, const RouteRespond& res) {
  if (std::string e = check_range(res.status, 200, 599); !e.empty())
    return path_error(member_path(at, "status"), e);
  std::string headers = member_path(at, "headers");
  for (const auto& [name, value] : res.headers) {
    std::string h = member_path(headers, name);
    if (!is_http_token(name)) return path_error(h, "header names are tokens (RFC 9110 5.6.2)");
    if (!is_field_value(value)) return path_error(h, "control characters are not allowed");
    if (http::is_hop_or_framing(http::classify_header(name)))
      return path_error(h, "set by the gateway, not configurable");
  }
  if (res.body.size() > kMaxRespondBody)
    return path_error(member_path(at, "body"), "at most " + std::to_string(kMaxRespondBody) + " bytes");
  return "";
}

std::string validate_route_predicates(const std::string& path, const RouteMatch& m) {
  std::string query = member_path(path, "query");
  if (m.query.size() > kMaxQuery) return path_error(query, "at most " + std::to_string(kMaxQuery) + " parameters");
  for (const auto& [name, value] : m.query) {
    std::string at = member_path(query, name);
    if (name.empty() || name.find_first_of("&=") != std::string::npos)
      return path_error(at, "a parameter name is non-empty and holds no '&' or '='");
    if (value && !is_field_value(*value)) return path_error(at, "control characters are not allowed");
  }
  std::string cidrs = member_path(path, "client_cidrs");
  if (m.client_cidrs.size() > kMaxCidrs)
    return path_error(cidrs, "at most " + std::to_string(kMaxCidrs) + " ranges");
  for (size_t i = 0; i < m.client_cidrs.size(); ++i) {
    router::Cidr c;
    if (std::string e = router::parse_cidr(m.client_cidrs[i], &c); !e.empty())
      return path_error(index_path(cidrs, i), e);
  }
  return "";
}

std::string validate_route_actions(const GatewayConfig& cfg, size_t index) {
  const RouteConfig& r = cfg.routes[index];
  std::string path = index_path("routes", index);
  if (std::string e = validate_action_choice(r, path); !e.empty()) return e;
  if (!r.upstream.empty() && !known_upstream(cfg, r.upstream))
    return path_error(member_path(path, "upstream"), "unknown upstream " + quoted(r.upstream));
  router::ParsedPattern pattern;
  std::vector<std::string_view> params = param_names(r, pattern);
  bool forwards = !r.upstream.empty() || !r.split.empty();
  if (std::string e = validate_split(cfg, r, path); !e.empty()) return e;
  if (std::string e = validate_local(r, path, params); !e.empty()) return e;
  if (r.timeout_ms == 0) return path_error(member_path(path, "timeout_ms"), "must be at least 1");
  if (std::string e = validate_retry(r, path, forwards); !e.empty()) return e;
  if (std::string e = validate_rewrite(r, path, forwards, params); !e.empty()) return e;
  return validate_mirror(cfg, r, path, forwards);
}

}  // namespace weir::config
