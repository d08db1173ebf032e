#include "router/route_actions.hpp"

#include <vector>

#include "http/header_kind.hpp"
#include "http/local_response.hpp"
#include "router/route_pattern.hpp"

namespace weir::router {

namespace {

bool forwards(Target::Kind k) noexcept { return k == Target::Kind::upstream || k == Target::Kind::split; }

std::string check_response(const Response& res) {
  if (res.status < 200 || res.status > 599) return "respond status " + std::to_string(res.status) + " must be 200..599";
  for (const auto& [name, value] : res.headers) {
    if (!http::is_safe_field(name, value)) return "respond header \"" + name + "\" is not a token with a safe value";
    // The gateway frames the body itself (RFC 9112 section 6).
    if (http::is_hop_or_framing(http::classify_header(name)))
      return "respond header \"" + name + "\" is set by the gateway";
  }
  return {};
}

std::string check_rewrites(const Route& r, std::span<const std::string_view> params, UriTemplate* path) {
  int set = (r.strip_prefix.empty() ? 0 : 1) + (r.replace_prefix.from.empty() ? 0 : 1) +
            (r.path_rewrite.empty() ? 0 : 1);
  if (set > 1) return "set one of strip_prefix, replace_prefix and path_rewrite";
  if (!r.replace_prefix.from.empty() || !r.replace_prefix.to.empty()) {
    if (r.replace_prefix.from.empty() || r.replace_prefix.from[0] != '/')
      return "replace_prefix.from \"" + r.replace_prefix.from + "\" must start with '/'";
    if (r.replace_prefix.to.empty() || r.replace_prefix.to[0] != '/')
      return "replace_prefix.to \"" + r.replace_prefix.to + "\" must start with '/'";
  }
  if (!r.path_rewrite.empty()) {
    if (std::string e = path->compile(r.path_rewrite, params, UriTemplate::Use::path); !e.empty())
      return "path_rewrite \"" + r.path_rewrite + "\": " + e;
  }
  return {};
}

}  // namespace

bool is_redirect_status(uint32_t status) noexcept {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string compile_route_actions(const Route& r, RouteActions* out) {
  std::vector<std::string_view> params;
  ParsedPattern pattern;
  if (!r.path.empty() && parse_pattern(r.path, &pattern).empty()) {
    for (const PatternPiece& p : pattern.pieces) {
      if (p.kind != PieceKind::literal) params.push_back(p.text);
    }
  }
  const Target& t = r.target;
  switch (t.kind) {
    case Target::Kind::upstream:  // a table alone need not name upstreams; the gateway binds them
    case Target::Kind::handler:
      break;
    case Target::Kind::split:
      if (std::string e = out->split.compile(t); !e.empty()) return e;
      break;
    case Target::Kind::redirect:
      if (!is_redirect_status(t.redirect.status))
        return "redirect status " + std::to_string(t.redirect.status) + " is not 301, 302, 303, 307 or 308";
      if (std::string e = out->location.compile(t.redirect.location, params, UriTemplate::Use::location);
          !e.empty())
        return "redirect location \"" + t.redirect.location + "\": " + e;
      break;
    case Target::Kind::respond:
      if (std::string e = check_response(t.response); !e.empty()) return e;
      break;
  }
  bool rewrites = !r.strip_prefix.empty() || !r.replace_prefix.from.empty() || !r.replace_prefix.to.empty() ||
                  !r.path_rewrite.empty() || !r.host_rewrite.empty();
  if (rewrites && !forwards(t.kind)) return "rewrites apply only to routes that forward (upstream or split)";
  if (std::string e = check_rewrites(r, params, &out->path); !e.empty()) return e;
  if (r.mirror.percent > 100) return "mirror percent " + std::to_string(r.mirror.percent) + " must be 0..100";
  if (!r.mirror.upstream.empty() && !forwards(t.kind))
    return "mirror applies only to routes that forward (upstream or split)";
  return {};
}

}  // namespace weir::router
