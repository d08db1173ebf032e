// The router: routes added in any order, built once into an immutable
// RouteTable, matched per request without allocating. Usable alone, without
// a gateway or a socket.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weir/export.hpp"
#include "weir/http.hpp"

namespace weir {

namespace router {
class RouteIndex;  // lib/router: the compiled trees
}

// An in-process handler of the host: fills `res` from `req` (body buffered).
using Handler = std::function<void(const Request& req, Response& res)>;

// Where a matched request goes.
struct Target {
  enum class Kind : uint8_t { upstream, handler };
  Kind kind = Kind::upstream;
  std::string upstream;  // Kind::upstream: the upstream's name
  Handler handler;       // Kind::handler

  static Target to_upstream(std::string name) {
    Target t;
    t.kind = Kind::upstream;
    t.upstream = std::move(name);
    return t;
  }
  static Target to_handler(Handler h) {
    Target t;
    t.kind = Kind::handler;
    t.handler = std::move(h);
    return t;
  }
};

struct Route {
  std::string name;
  std::string host;                   // "" any; "api.example.com"; "*.example.com"
  std::string path;                   // exact path or pattern: "/users/:id", "/static/*rest"
  std::string prefix;                 // prefix match; used when path is empty ("" and "/" match all)
  std::vector<std::string> methods;   // empty: any
  std::vector<std::pair<std::string, std::string>> headers;  // name -> exact value, all must hold
  Target target;
  uint32_t timeout_ms = 30000;        // upstream response timeout (504)
  std::string strip_prefix;           // removed from the forwarded path when present
  std::string host_rewrite;           // replaces Host upstream when set
};

// What the router needs from a request.
struct MatchInput {
  std::string_view method;
  std::string_view host;   // as received; port and case are ignored
  std::string_view path;   // normalised path
  std::span<const Header> headers;
};

// An immutable, shareable set of routes.
class WEIR_API RouteTable {
 public:
  // The best matching route, or nullptr; captured params land in `params`.
  const Route* match(const MatchInput& in, Params& params) const noexcept;
  size_t size() const noexcept { return routes_.size(); }
  const Route& at(size_t i) const { return routes_[i]; }

 private:
  friend class Router;
  std::vector<Route> routes_;
  std::shared_ptr<const router::RouteIndex> index_;  // refers to routes_ by position only
};

class WEIR_API Router {
 public:
  Router& add(Route route);
  // Builds the table; on a conflict or a malformed pattern returns nullptr and
  // sets `error` naming the route(s).
  std::shared_ptr<const RouteTable> build(std::string* error = nullptr) const;
  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace weir
