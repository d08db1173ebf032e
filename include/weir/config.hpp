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
  uint16_t port = 8080;
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

struct UpstreamConfig {
  std::vector<EndpointConfig> endpoints;
  std::string lb = "round_robin";
  uint32_t connect_timeout_ms = 1000;  // connect failure: 503
  uint32_t idle_timeout_ms = 60000;    // pooled idle upstream connection
  uint32_t max_connections = 1024;     // per worker, per endpoint
  uint32_t max_idle = 64;              // pooled idle connections per worker, per endpoint
};

struct RouteMatch {
  std::string host;                             // empty: any host
  std::string prefix;                           // path prefix (default "/")
  std::string path;                             // exact path; set instead of prefix
  std::vector<std::string> methods;             // empty: any method
  std::map<std::string, std::string> headers;   // lower-case name -> exact value
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

struct RouteRespond {
  uint32_t status = 200;  // 200..599
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct RouteMirror {
  std::string upstream;  // empty: no mirroring
  uint32_t percent = 100;
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
};

struct GatewayConfig {
  uint32_t workers = 0;  // 0: one per core
  std::vector<ListenerConfig> listeners;
  Limits limits;
  AdminConfig admin;
  bool via = false;      // add a Via header both ways (RFC 9110 7.6.3)
  std::map<std::string, UpstreamConfig> upstreams;
  std::vector<RouteConfig> routes;
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
