// cors: Cross-Origin Resource Sharing (the Fetch standard's CORS protocol).
// Preflight requests (OPTIONS with Access-Control-Request-Method) are answered
// here with 204 and never reach the upstream; other requests from an allowed
// origin get Access-Control-Allow-Origin and friends on their response. Every
// response carries Vary: Origin, since it depends on the Origin header.
#include <memory>
#include <string>
#include <vector>

#include "config/key_path.hpp"
#include "config/object_reader.hpp"
#include "middleware/builtin/builtins.hpp"
#include "middleware/options.hpp"

namespace weir::mw {

namespace {

struct Spec {
  bool any_origin = false;
  std::vector<std::string> origins;   // exact, lower case
  std::vector<std::string> suffixes;  // "*.example.com" -> ".example.com"
  std::string methods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
  std::vector<std::string> method_list{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  std::string headers;  // empty: the requested headers are allowed
  std::string expose;
  bool credentials = false;
  std::string max_age;  // seconds; empty: not sent

  // An origin is "scheme://host[:port]". Patterns match the host; with a
  // scheme ("https://*.example.com") the scheme must match too.
  bool allowed(std::string_view origin) const {
    if (any_origin) return true;
    for (const auto& o : origins)
      if (iequals(o, origin)) return true;
    size_t sep = origin.find("://");
    if (sep == std::string_view::npos) return false;
    std::string_view host = origin.substr(sep + 3);
    host = host.substr(0, host.find(':'));
    for (const auto& s : suffixes) {
      std::string_view pat = s;
      size_t psep = pat.find("://");
      if (psep != std::string_view::npos) {
        if (!iequals(pat.substr(0, psep), origin.substr(0, sep))) continue;
        pat.remove_prefix(psep + 3);
      }
      // ".example.com": at least one label before it.
      if (host.size() > pat.size() && iequals(host.substr(host.size() - pat.size()), pat))
        return true;
    }
    return false;
  }
};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += ", ";
    s += x;
  }
  return s;
}

// A list of field names, all tokens.
void read_names(config::ObjectReader& r, std::string_view key, std::string& out) {
  std::vector<std::string> v;
  read_strings(r, key, v);
  for (size_t i = 0; i < v.size() && r.ok(); ++i)
    if (!valid_field_name(v[i]))
      r.adopt(config::path_error(config::index_path(r.path_of(key), i), "not a header name"));
  if (r.ok() && r.get(key)) out = joined(v);
}

}  // namespace

MiddlewareResult make_cors(std::string_view json) {
  Options o(json, {"type", "name", "allow_origins", "allow_methods", "allow_headers",
                   "expose_headers", "allow_credentials", "max_age_ms"});
  config::ObjectReader& r = o.reader();
  auto spec = std::make_shared<Spec>();
  require(r, "allow_origins");
  std::vector<std::string> origins;
  read_strings(r, "allow_origins", origins);
  for (size_t i = 0; i < origins.size() && r.ok(); ++i) {
    const std::string& s = origins[i];
    std::string path = config::index_path(r.path_of("allow_origins"), i);
    if (s == "*") {
      spec->any_origin = true;
    } else if (size_t star = s.find("*."); star != std::string::npos) {
      bool after_scheme = star >= 3 && s.compare(star - 3, 3, "://") == 0;
      if (s.find('*', star + 1) != std::string::npos || (star != 0 && !after_scheme) ||
          s.size() < star + 3)
        r.adopt(config::path_error(path, "a pattern is \"*.example.com\" or \"https://*.example.com\""));
      std::string suffix = s.substr(0, star) + s.substr(star + 1);  // keeps the scheme, drops '*'
      spec->suffixes.push_back(std::move(suffix));
    } else if (s.empty() || s.find('*') != std::string::npos) {
      r.adopt(config::path_error(path, "expected \"*\", an origin or a \"*.\" pattern"));
    } else {
      spec->origins.push_back(s);
    }
  }
  if (r.get("allow_methods")) {
    read_strings(r, "allow_methods", spec->method_list);
    for (size_t i = 0; i < spec->method_list.size() && r.ok(); ++i)
      if (!valid_field_name(spec->method_list[i]))
        r.adopt(config::path_error(config::index_path(r.path_of("allow_methods"), i), "not a method"));
    spec->methods = joined(spec->method_list);
  }
  read_names(r, "allow_headers", spec->headers);
  read_names(r, "expose_headers", spec->expose);
  r.read("allow_credentials", spec->credentials);
  uint64_t max_age_ms = 0;
  r.read("max_age_ms", max_age_ms);
  if (r.ok() && r.get("max_age_ms")) spec->max_age = std::to_string(max_age_ms / 1000);
  if (!o.ok()) return failure(o.error());

  MiddlewareResult res;
  res.middleware.on_request = [spec](Context& ctx) {
    std::string_view origin = ctx.request().header("origin");
    std::string_view want = ctx.request().header("access-control-request-method");
    bool preflight = ctx.request().method == "OPTIONS" && !want.empty() && !origin.empty();
    if (origin.empty()) return;
    bool ok = spec->allowed(origin);
    // A credentialed response may not say "*" (Fetch standard, CORS protocol):
    // the origin is echoed instead, which Vary: Origin makes safe for caches.
    std::string allow_origin = spec->any_origin && !spec->credentials ? "*" : std::string(origin);
    if (preflight) {
      bool method_ok = false;
      for (const auto& m : spec->method_list) method_ok = method_ok || m == want;
      std::vector<std::pair<std::string, std::string>> h{{"vary", "Origin"}};
      if (ok && method_ok) {
        h.emplace_back("access-control-allow-origin", allow_origin);
        h.emplace_back("access-control-allow-methods", spec->methods);
        std::string_view asked = ctx.request().header("access-control-request-headers");
        std::string allow = spec->headers.empty() ? std::string(asked) : spec->headers;
        if (!allow.empty()) h.emplace_back("access-control-allow-headers", std::move(allow));
        if (spec->credentials) h.emplace_back("access-control-allow-credentials", "true");
        if (!spec->max_age.empty()) h.emplace_back("access-control-max-age", spec->max_age);
      }
      // Without the allow headers the browser refuses the actual request.
      ctx.respond(204, {}, std::move(h));
      return;
    }
    ctx.add_response_header("vary", "Origin");
    if (!ok) return;
    ctx.set_response_header("access-control-allow-origin", std::move(allow_origin));
    if (spec->credentials) ctx.set_response_header("access-control-allow-credentials", "true");
    if (!spec->expose.empty()) ctx.set_response_header("access-control-expose-headers", spec->expose);
  };
  return res;
}

}  // namespace weir::mw
