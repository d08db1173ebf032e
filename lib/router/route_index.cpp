#include "router/route_index.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <unordered_map>

#include "router/host_name.hpp"
#include "router/path_normalize.hpp"
#include "router/route_actions.hpp"
#include "router/route_pattern.hpp"
#include "router/route_predicates.hpp"
#include "router/text.hpp"

namespace weir::router {

namespace {

std::string describe(const std::vector<Route>& routes, size_t i) {
  if (routes[i].name.empty()) return "route #" + std::to_string(i);
  return "route \"" + routes[i].name + "\"";
}

// What the checks learn about one route, kept for the tree build.
struct CheckedRoute {
  HostPattern host;
  bool is_prefix = false;
  std::string prefix;  // canonical: "/" is spelled ""
  ParsedPattern pattern;
  uint32_t predicates = 0;
  std::vector<Cidr> cidrs;
};

// Requests are matched in normal form (path_normalize.hpp), so a route
// written otherwise could never match; say so at build time.
std::string check_normal_form(const char* what, const std::string& text) {
  std::string normal(text.size() * 3 + 1, '\0');  // escaping at most triples a byte
  size_t len = 0;
  PathError e = normalize_path(text, normal.data(), normal.size(), &len);
  if (e != PathError::none) {
    return std::string(what) + " \"" + text + "\" is not a valid path (" + path_error_name(e) + ")";
  }
  normal.resize(len);
  if (normal != text) {
    return std::string(what) + " \"" + text + "\" is not in normal form; requests arrive as \"" + normal + "\"";
  }
  return {};
}

std::string check_route(const Route& r, CheckedRoute* out) {
  if (std::string e = parse_host_pattern(r.host, &out->host); !e.empty()) return e;
  if (!r.path.empty() && !r.prefix.empty()) return "set path or prefix, not both";
  if (!r.path.empty()) {
    if (std::string e = parse_pattern(r.path, &out->pattern); !e.empty()) {
      return "path \"" + r.path + "\" " + e;
    }
    if (std::string e = check_normal_form("path", r.path); !e.empty()) return e;
    if (out->pattern.param_count > Params::kMax) {
      return "path \"" + r.path + "\" captures more than " + std::to_string(Params::kMax) + " parameters";
    }
  } else {
    out->is_prefix = true;
    if (!r.prefix.empty() && r.prefix[0] != '/') return "prefix \"" + r.prefix + "\" must start with '/'";
    if (!r.prefix.empty()) {
      if (std::string e = check_normal_form("prefix", r.prefix); !e.empty()) return e;
    }
    // Every path starts with '/', so "/" and "" select the same requests.
    out->prefix = r.prefix == "/" ? std::string() : r.prefix;
  }
  if (std::string e = check_predicates(r, &out->cidrs); !e.empty()) return e;
  out->predicates = predicate_count(r);
  RouteActions actions;
  if (std::string e = compile_route_actions(r, &actions); !e.empty()) return e;
  return {};
}

// Host table order: by length first, which settles most comparisons of a
// binary search without reading the names; then by folded bytes.
bool host_before(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return a.size() < b.size();
  return compare_folded(b, a) > 0;
}

std::string host_key(const HostPattern& h) {
  return std::string(1, static_cast<char>('0' + static_cast<int>(h.kind))) + h.text;
}

}  // namespace

std::unique_ptr<RouteIndex> RouteIndex::compile(const std::vector<Route>& routes, std::string* error) {
  auto fail = [&](std::string message) -> std::unique_ptr<RouteIndex> {
    if (error != nullptr) *error = std::move(message);
    return nullptr;
  };
  if (routes.size() >= kNone) return fail("too many routes");

  std::vector<CheckedRoute> checked(routes.size());
  std::unordered_map<std::string, size_t> seen;  // selection key -> first route
  seen.reserve(routes.size());
  for (size_t i = 0; i < routes.size(); ++i) {
    CheckedRoute& c = checked[i];
    if (std::string e = check_route(routes[i], &c); !e.empty()) return fail(describe(routes, i) + ": " + e);
    // Two routes that select exactly the same requests leave the second
    // unreachable: that is a mistake in the list, not a precedence rule.
    std::string key = host_key(c.host);
    key.push_back('\0');
    key.append(c.is_prefix ? "prefix " + c.prefix : "path " + c.pattern.shape);
    key.push_back('\0');
    key.append(predicate_key(routes[i]));
    auto [it, inserted] = seen.emplace(std::move(key), i);
    if (!inserted) {
      const Route& r = routes[i];
      std::string what = c.is_prefix ? "same prefix \"" + r.prefix + "\"" : "same path \"" + r.path + "\"";
      return fail(describe(routes, i) + " conflicts with " + describe(routes, it->second) + ": " + what);
    }
  }

  auto index = std::make_unique<RouteIndex>();

  index->route_params_.resize(routes.size());
  index->checks_.reserve(routes.size());
  for (size_t i = 0; i < routes.size(); ++i) {
    PredicateCheck c = compile_predicates(routes[i]);
    c.cidrs_begin = static_cast<uint32_t>(index->cidrs_.size());
    c.cidrs_count = static_cast<uint32_t>(checked[i].cidrs.size());
    index->cidrs_.insert(index->cidrs_.end(), checked[i].cidrs.begin(), checked[i].cidrs.end());
    index->checks_.push_back(c);
  }
  for (size_t i = 0; i < routes.size(); ++i) {
    index->route_params_[i].names_begin = static_cast<uint32_t>(index->param_names_.size());
    for (const PatternPiece& p : checked[i].pattern.pieces) {
      if (p.kind != PieceKind::literal) index->param_names_.emplace_back(p.text);
    }
    index->route_params_[i].count =
        static_cast<uint32_t>(index->param_names_.size()) - index->route_params_[i].names_begin;
  }

  // Within one node, routes are tried in insertion order: most predicates
  // first, then declaration order.
  std::vector<uint32_t> order(routes.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return checked[a].predicates > checked[b].predicates; });

  struct HostTree {
    RadixTreeBuilder builder;
    bool has_prefixes = false;
  };
  std::map<std::string, HostTree> trees;  // host key -> tree
  for (uint32_t i : order) {
    HostTree& t = trees[host_key(checked[i].host)];
    if (checked[i].is_prefix) {
      t.builder.insert_prefix(checked[i].prefix, i);
      t.has_prefixes = true;
    } else {
      t.builder.insert_pattern(checked[i].pattern, i);
    }
  }
  for (const auto& [key, tree] : trees) {
    VirtualHost v{key.substr(1), index->forest_.add_tree(tree.builder.root()), tree.has_prefixes};
    switch (static_cast<HostPattern::Kind>(key[0] - '0')) {
      case HostPattern::Kind::any:
        index->any_host_ = std::move(v);
        break;
      case HostPattern::Kind::exact:
        index->exact_hosts_.push_back(std::move(v));
        break;
      case HostPattern::Kind::wildcard:
        index->wildcard_hosts_.push_back(std::move(v));
        break;
    }
  }
  std::sort(index->exact_hosts_.begin(), index->exact_hosts_.end(),
            [](const VirtualHost& a, const VirtualHost& b) { return host_before(a.name, b.name); });
  std::stable_sort(index->wildcard_hosts_.begin(), index->wildcard_hosts_.end(),
                   [](const VirtualHost& a, const VirtualHost& b) { return a.name.size() > b.name.size(); });
  return index;
}

uint32_t RouteIndex::match_host(const VirtualHost& host, const std::vector<Route>& routes, const MatchInput& in,
                                uint32_t method, Params& params) const noexcept {
  auto accept = [&](uint32_t route, uint8_t captured) noexcept {
    if (!predicates_hold(checks_[route], method, routes[route], in, cidrs_)) return false;
    const RouteParams& rp = route_params_[route];
    for (uint32_t k = 0; k < rp.count && k < captured; ++k) params.items[k].name = param_names_[rp.names_begin + k];
    params.size = captured;
    return true;
  };
  uint32_t hit = forest_.match_path(host.root, in.path, params, accept);
  if (hit == kNone && host.has_prefixes) hit = forest_.match_prefix(host.root, in.path, accept);
  return hit;
}

uint32_t RouteIndex::match(const std::vector<Route>& routes, const MatchInput& in, Params& params) const noexcept {
  // A host's own routes come first, then the wildcards that cover it (the
  // longest suffix first), then the routes for any host.
  std::string_view name = host_name_of(in.host);
  uint32_t method = method_bit(in.method);
  uint32_t hit = kNone;
  if (!exact_hosts_.empty() && !name.empty()) {
    auto it = std::lower_bound(exact_hosts_.begin(), exact_hosts_.end(), name,
                               [](const VirtualHost& v, std::string_view n) { return host_before(v.name, n); });
    if (it != exact_hosts_.end() && it->name.size() == name.size() && compare_folded(name, it->name) == 0) {
      hit = match_host(*it, routes, in, method, params);
      if (hit != kNone) return hit;
    }
  }
  for (const VirtualHost& v : wildcard_hosts_) {
    if (!wildcard_covers(v.name, name)) continue;
    hit = match_host(v, routes, in, method, params);
    if (hit != kNone) return hit;
  }
  if (any_host_.root != kNone) hit = match_host(any_host_, routes, in, method, params);
  return hit;
}

}  // namespace weir::router
