// Typed gateway configuration. JSON (see docs/config.md) is one way to build
// it; a host may also fill these structs in code. Durations are milliseconds,
// sizes bytes, as in the JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/export.hpp"

namespace weir {

struct Limits {
  uint32_t max_header_bytes = 65536;   // request line + headers; over it: 431
  uint32_t max_url_bytes = 8192;       // request target; over it: 414
  uint32_t max_headers = 100;          // header count; over it: 431
  uint64_t max_body_bytes = 10485760;  // request body; over it: 413 (0 = unlimited)
  uint32_t header_timeout_ms = 10000;  // until the request head is complete; then 408
  uint32_t idle_timeout_ms = 60000;    // idle keep-alive client connection
  uint32_t max_connections = 100000;   // per worker; over it new connections are closed
};

struct ListenerConfig {
  std::string name = "default";
  std::string address = "0.0.0.0";
  uint16_t port = 8080;  // 0: a free port chosen by the kernel (Gateway::ports())
};

struct AdminConfig {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: no admin listener
  std::string token;
};

struct EndpointConfig {
  std::string address;  // "host:port", "[v6]:port"
  uint32_t weight = 1;
};

// An inclusive range of HTTP status codes.
struct StatusRange {
  uint32_t lo = 200;
  uint32_t hi = 399;
};

// Active health checks (docs/health.md). One gateway probes each endpoint
// every interval_ms (with +-10% jitter) and marks it down after `unhealthy`
// consecutive failures, up again after `healthy` consecutive successes.
struct HealthCheckConfig {
  std::string path;          // HTTP GET of this path; empty: a TCP connect is the check
  std::string host;          // Host header of the GET; empty: the endpoint's address
  uint32_t interval_ms = 5000;
  uint32_t timeout_ms = 1000;  // connect plus status line; at most interval_ms
  uint32_t healthy = 2;        // consecutive successes that mark a down endpoint up
  uint32_t unhealthy = 3;      // consecutive failures that mark an up endpoint down
  std::vector<StatusRange> expect_status;  // empty: 200..399
};

// Passive outlier detection: endpoints that fail in a row are ejected for a
// while, longer each time (docs/health.md).
struct OutlierConfig {
  uint32_t consecutive_5xx = 5;             // 5xx answers or errors in a row; 0: off
  uint32_t consecutive_gateway_errors = 5;  // 502/503/504 or connect/reset/timeout; 0: off
  uint32_t base_ejection_ms = 30000;        // ejection time = base x times ejected (at most 10x)
  uint32_t max_ejection_percent = 50;       // never more of the endpoints ejected at once
};

// A static response: a route's `respond`, a circuit breaker's `fallback`.
struct RouteRespond {
  uint32_t status = 200;  // 200..599
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Per-upstream circuit breaker shared by all workers: an error-rate breaker
// and, when non-zero, limits on what is in flight at once (docs/health.md).
struct CircuitBreakerConfig {
  uint32_t error_percent = 50;    // failures in the window at which it opens
  uint32_t min_requests = 20;     // no decision below this many outcomes in the window
  uint32_t window_ms = 10000;     // rolling window, kept in 10 buckets
  uint32_t open_ms = 30000;       // refusing everything, then half-open
  uint32_t half_open_requests = 1;  // probe requests let through when half-open
  uint32_t max_connections = 0;   // gateway-wide limits for the upstream; 0: no limit
  uint32_t max_pending = 0;
  uint32_t max_requests = 0;
  uint32_t max_retries = 0;
  // Served instead of the 503 while the error-rate breaker is open (with
  // x-weir-breaker: open); none: the 503.
  std::optional<RouteRespond> fallback;
};

struct UpstreamConfig {
  std::vector<EndpointConfig> endpoints;
  std::string lb = "round_robin";
  // ring_hash / maglev key: "ip", "path", "header:NAME", "cookie:NAME" or
  // "query:NAME" (default "ip").
  std::string hash_key;
  uint32_t connect_timeout_ms = 1000;  // connect failure: 503
  uint32_t idle_timeout_ms = 60000;    // pooled idle upstream connection
  uint32_t max_connections = 1024;     // per worker, per endpoint
  uint32_t max_idle = 64;              // pooled idle connections per worker, per endpoint
  // Requests waiting for a connection when max_connections (or the breaker's)
  // is reached, per worker, per endpoint; over it: 503 at once (docs/upstreams.md).
  uint32_t max_pending = 1024;
  uint32_t pending_timeout_ms = 0;     // longest wait in that queue; 0: connect_timeout_ms
  uint32_t max_requests_per_connection = 0;  // then the connection closes; 0: no limit
  std::string panic = "spread";        // no endpoint available: "spread" over all, or "fail"
  uint32_t resolve_interval_ms = 30000;  // endpoints given by name: re-resolved this often
  // Absent from the JSON: no active checks, no ejection, no breaker.
  std::optional<HealthCheckConfig> health_check;
  std::optional<OutlierConfig> outlier;
  std::optional<CircuitBreakerConfig> circuit_breaker;
};

// A header predicate written as an object in match.headers:
// {"present": true}, {"prefix": "abc"}, {"glob": "v?-*"} or {"equals": "1"}.
struct RouteHeaderMatch {
  std::string kind;   // "equals", "present", "prefix" or "glob"
  std::string value;  // "" for "present"
};

struct RouteMatch {
  std::string host;                             // empty: any host
  std::string prefix;                           // path prefix (default "/")
  std::string path;                             // exact path; set instead of prefix
  std::vector<std::string> methods;             // empty: any method
  std::map<std::string, std::string> headers;   // lower-case name -> exact value
  // lower-case name -> the object form; a name is here or in `headers`, not both
  std::map<std::string, RouteHeaderMatch> header_matches;
  // name -> exact value (percent-decoded); nullopt: present with any value
  std::map<std::string, std::optional<std::string>> query;
  std::vector<std::string> client_cidrs;        // "10.0.0.0/8", "::1/128"; empty: any client
};

struct RoutePrefixReplace {
  std::string from;  // empty: no replacement
  std::string to;
};

struct RouteRewrite {
  std::string strip_prefix;
  RoutePrefixReplace replace_prefix;
  std::string path;  // template: "/v2/u/{id}"
  std::string host;
};

struct RouteSplitSide {
  std::string upstream;
  uint32_t weight = 0;  // 0..10000; 0 drains the side
};

struct RouteSticky {
  std::string key;  // "header:NAME", "cookie:NAME" or "ip"; empty: not sticky
};

struct RouteSplitOverride {
  std::string header;                         // lower-case; empty: no override
  std::map<std::string, std::string> values;  // header value -> upstream of the split
};

struct RouteRedirect {
  std::string location;  // template: {host}, {path}, {query}, route params
  uint32_t status = 302; // 301, 302, 303, 307, 308
};

// Route retry policy (docs/config.md "retry").
struct RouteRetry {
  uint32_t attempts = 0;            // retries after the first try (0..10)
  uint32_t per_try_timeout_ms = 0;  // 0: timeout_ms; timeout_ms bounds all tries together
  uint32_t backoff_ms = 25;         // base of the exponential backoff, full jitter
  std::vector<std::string> on;      // connect_failure, reset, timeout, gateway_error, 5xx, "503"
  bool non_idempotent = false;      // also retry POST, PATCH, ... (RFC 9110 9.2.2)
  uint32_t budget_percent = 20;     // retries in flight at most this share of requests
  uint32_t min_retries = 3;         // ... but this many are always allowed
  uint32_t buffer_bytes = 65536;    // request body kept for a replay; 0: bodies are never replayed
};

struct RouteMirror {
  std::string upstream;  // empty: no mirroring
  uint32_t percent = 100;
};

// One entry of a `middleware` list (docs/middleware.md): a built-in or
// registered type with its options, kept as the entry's JSON text so that
// the type's factory (register_middleware) reads and checks them when the
// gateway builds its snapshot. An entry of a route's list may instead name
// global middleware the route does without: {"disable": ["name", ...]}.
struct MiddlewareConfig {
  std::string type;
  std::string name;                  // default: the type
  std::string options_json;          // the whole entry, "type" and "name" included
  std::vector<std::string> disable;  // a disable entry: no type, no options
};

// A route has exactly one action: upstream, split, redirect or respond.
struct RouteConfig {
  std::string name;
  RouteMatch match;
  std::string upstream;        // name of an upstream in GatewayConfig::upstreams
  std::vector<RouteSplitSide> split;
  RouteSticky sticky;          // split only
  RouteSplitOverride split_override;  // split only; the JSON key is "override"
  std::optional<RouteRedirect> redirect;
  std::optional<RouteRespond> respond;
  uint32_t timeout_ms = 30000; // upstream response timeout: 504
  RouteRewrite rewrite;
  RouteMirror mirror;
  RouteRetry retry;
  std::vector<MiddlewareConfig> middleware;  // after the global ones, in order
};

struct GatewayConfig {
  uint32_t workers = 0;  // 0: one per core
  std::vector<ListenerConfig> listeners;
  Limits limits;
  AdminConfig admin;
  bool via = false;      // add a Via header both ways (RFC 9110 7.6.3)
  std::string trailing_slash = "strict";  // "strict", "ignore" or "redirect" (docs/routing.md)
  std::map<std::string, UpstreamConfig> upstreams;
  std::vector<RouteConfig> routes;
  std::vector<MiddlewareConfig> middleware;  // global: before every route's own
};

// The result of parsing: either a config or an error naming the key path,
// e.g. "routes[2].match.path: expected string".
struct ConfigResult {
  std::optional<GatewayConfig> config;
  std::string error;
  explicit operator bool() const { return config.has_value(); }
};

// Parses and validates a JSON document. Never throws.
WEIR_API ConfigResult parse_config(std::string_view json);
// Reads a file and parses it; a read failure is reported as an error.
WEIR_API ConfigResult load_config_file(const std::string& path);
// Validates cross references (routes name existing upstreams, addresses parse,
// ...). parse_config already calls it; a host that builds a config in code calls it.
WEIR_API std::string validate_config(const GatewayConfig& config);

}  // namespace weir
