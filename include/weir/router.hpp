// The router: routes added in any order, built once into an immutable
// RouteTable, matched per request without allocating. Usable alone, without
// a gateway or a socket.
#pragma once

#include <array>
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

// One side of a weighted split: an upstream and its share of the requests.
struct SplitSide {
  std::string upstream;
  uint32_t weight = 0;  // 0 drains the side (only an override reaches it)
};

// What keeps a user on one side of a split: the bytes of this key are hashed
// (XXH3), so every worker and every gateway instance picks the same side.
struct StickyKey {
  // claim: a verified JWT's claim (the jwt middleware must run on the route)
  enum class Kind : uint8_t { none, header, cookie, ip, claim };
  Kind kind = Kind::none;
  std::string name;  // header, cookie or claim name
};

// A header that forces a side of a split, for testers (A/B, canaries): when
// the request's `header` has one of the listed values, that side is taken.
struct SplitOverride {
  std::string header;  // "" : no override
  std::vector<std::pair<std::string, std::string>> values;  // header value -> upstream of the split
};

// A redirect made by the gateway. `location` is a template: {host}, {path},
// {query} and the route's parameters ({id}) are filled in (docs/routing.md).
struct Redirect {
  std::string location;
  uint16_t status = 302;  // 301, 302, 303, 307 or 308
};

// Where a matched request goes.
struct Target {
  enum class Kind : uint8_t { upstream, handler, split, redirect, respond };
  Kind kind = Kind::upstream;
  std::string upstream;  // Kind::upstream: the upstream's name
  Handler handler;       // Kind::handler
  std::vector<SplitSide> split;  // Kind::split
  StickyKey sticky;              // Kind::split
  SplitOverride split_override;  // Kind::split
  Redirect redirect;             // Kind::redirect
  Response response;             // Kind::respond: sent as is (Content-Length framing)

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
  static Target to_split(std::vector<SplitSide> sides, StickyKey sticky = {}, SplitOverride over = {}) {
    Target t;
    t.kind = Kind::split;
    t.split = std::move(sides);
    t.sticky = std::move(sticky);
    t.split_override = std::move(over);
    return t;
  }
  static Target to_redirect(std::string location, uint16_t status = 302) {
    Target t;
    t.kind = Kind::redirect;
    t.redirect = {std::move(location), status};
    return t;
  }
  static Target to_response(Response response) {
    Target t;
    t.kind = Kind::respond;
    t.response = std::move(response);
    return t;
  }
};

// A query parameter predicate: the parameter `name` is present with exactly
// `value` (both compared percent-decoded), or only present when `present`.
struct QueryMatch {
  std::string name;
  std::string value;
  bool present = false;
};

// A header predicate (Route::header_matches). Names compare
// case-insensitively; values compare as bytes. A glob's `*` matches any run
// of bytes, `?` one byte, nothing else is special; a glob is at most 128
// bytes and backtracks only to its last `*`, so a match costs at most
// value length x glob length steps: no request can make it slow.
struct HeaderMatch {
  enum class Kind : uint8_t { equals, present, prefix, glob };
  std::string name;
  Kind kind = Kind::equals;
  std::string value;  // equals: the value; prefix: the prefix; glob: the pattern; present: ""
};

// How a path with a trailing '/' relates to the same path without it.
enum class TrailingSlash : uint8_t {
  strict,    // "/a/" and "/a" are different paths
  ignore,    // when the path as sent has no route, its other spelling is tried
  redirect,  // ... and when that has one, the client is sent there (RouteTable::slash_redirect)
};

// A copy of some of a route's requests sent to a shadow upstream; its
// response is discarded.
struct Mirror {
  std::string upstream;  // "" : no mirroring
  uint32_t percent = 0;  // 0..100
};

// The forwarded path with its prefix `from` replaced by `to`.
struct PrefixReplace {
  std::string from;  // "" : no replacement
  std::string to;
};

// A client address in binary form, as client_cidrs predicates compare it.
// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is stored as IPv4.
struct IpAddress {
  uint8_t family = 0;               // 0: unknown, 4 or 6
  std::array<uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
};

// Parses an IPv4 or IPv6 literal (no brackets, no zone) into `out`.
WEIR_API bool parse_ip_address(std::string_view text, IpAddress* out) noexcept;

// When and how a route retries (docs/config.md "retry").
struct RetryPolicy {
  uint32_t attempts = 0;            // retries after the first try; 0: none
  uint32_t per_try_timeout_ms = 0;  // 0: the route's timeout_ms
  uint32_t backoff_ms = 25;         // exponential from this base, full jitter
  bool on_connect_failure = false;  // refused or timed-out connect
  bool on_reset = false;            // connection closed before a response
  bool on_timeout = false;          // no response head within the try's timeout
  bool on_gateway_error = false;    // 502, 503, 504, or any of the three above
  bool on_5xx = false;              // any 5xx response, or any of the above
  std::vector<uint16_t> statuses;   // these response statuses too
  bool non_idempotent = false;      // also methods that are not idempotent
  uint32_t budget_percent = 20;     // retries in flight <= this share of requests in flight
  uint32_t min_retries = 3;         // ... but at least this many
  // The request body is kept up to this many bytes while it streams, so a
  // retry can send it again; a longer body is not retried once any of it was
  // sent. 0: keep nothing.
  uint32_t buffer_bytes = 65536;
};

struct Route {
  std::string name;
  std::string host;                   // "" any; "api.example.com"; "*.example.com"
  std::string path;                   // exact path or pattern: "/users/:id", "/static/*rest"
  std::string prefix;                 // prefix match; used when path is empty ("" and "/" match all)
  std::vector<std::string> methods;   // empty: any
  std::vector<std::pair<std::string, std::string>> headers;  // name -> exact value, all must hold
  std::vector<HeaderMatch> header_matches;  // present, prefix, glob (or equals); all must hold
  Target target;
  uint32_t timeout_ms = 30000;        // upstream response timeout (504)
  std::string strip_prefix;           // removed from the forwarded path when present
  std::string host_rewrite;           // replaces Host upstream when set
  std::vector<QueryMatch> query;      // all must hold
  std::vector<std::string> client_cidrs;  // "10.0.0.0/8", "::1/128"; empty: any client
  PrefixReplace replace_prefix;       // forwarded path: prefix `from` becomes `to`
  std::string path_rewrite;           // forwarded path template: "/v2/u/{id}"
  Mirror mirror;
  RetryPolicy retry;
};

// What the router needs from a request.
struct MatchInput {
  std::string_view method;
  std::string_view host;   // as received; port and case are ignored
  std::string_view path;   // normalised path
  std::span<const Header> headers;
  std::string_view query;  // after '?', without it; as received
  IpAddress client;        // for client_cidrs; family 0 matches no CIDR
};

// An immutable, shareable set of routes.
class WEIR_API RouteTable {
 public:
  // The best matching route, or nullptr; captured params land in `params`.
  // With TrailingSlash::ignore, a path without a route is tried once more
  // with its trailing '/' removed or added; params still point into in.path.
  const Route* match(const MatchInput& in, Params& params) const noexcept;
  // With TrailingSlash::redirect: whether a request that match() left without
  // a route has one under the other spelling of its path, so the caller
  // answers with a redirect there. Always false in the other modes.
  bool slash_redirect(const MatchInput& in) const noexcept;
  TrailingSlash trailing_slash() const noexcept { return trailing_slash_; }
  size_t size() const noexcept { return routes_.size(); }
  const Route& at(size_t i) const { return routes_[i]; }

 private:
  friend class Router;
  std::vector<Route> routes_;
  TrailingSlash trailing_slash_ = TrailingSlash::strict;
  std::shared_ptr<const router::RouteIndex> index_;  // refers to routes_ by position only
};

class WEIR_API Router {
 public:
  Router& add(Route route);
  // How the built table treats a trailing '/' (default strict).
  Router& trailing_slash(TrailingSlash mode) noexcept {
    trailing_slash_ = mode;
    return *this;
  }
  // Builds the table; on a conflict or a malformed pattern returns nullptr and
  // sets `error` naming the route(s).
  std::shared_ptr<const RouteTable> build(std::string* error = nullptr) const;
  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  std::vector<Route> routes_;
  TrailingSlash trailing_slash_ = TrailingSlash::strict;
};

}  // namespace weir
