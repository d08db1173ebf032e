// Each class of mistake gives one exact message that names the key path.
#include <gtest/gtest.h>

#include <string>

#include "weir/config.hpp"

namespace {

struct Case {
  const char* json;
  const char* error;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.json; }

class ConfigError : public testing::TestWithParam<Case> {};

TEST_P(ConfigError, NamesTheKeyPath) {
  weir::ConfigResult r = weir::parse_config(GetParam().json);
  EXPECT_FALSE(r);
  EXPECT_FALSE(r.config.has_value());
  EXPECT_EQ(r.error, GetParam().error);
}

// A valid upstream the route cases refer to.
#define UP R"("upstreams": {"users": {"endpoints": [{"address": "127.0.0.1:9001"}]}})"

const Case kJson[] = {
    {"", "(json): empty document"},
    {"{\"workers\": 1,}", "(json): line 1 column 15: syntax error near \"}\""},
    {"{\n  \"via\": tru\n}", "(json): line 2 column 10: syntax error near \"tru\""},
    {"{\"routes\": [", "(json): line 1 column 13: unexpected end of document"},
    {"{} {}", "(json): line 1 column 4: unexpected text after the document"},
    {"{\"workers\": 1, \"workers\": 2}", "(json): line 1 column 16: duplicate key \"workers\""},
    {"{\"workers\": 1e999}", "(json): a number is beyond the range of a double"},
    {"{\"a\": \"x\ty\"}", "(json): line 1 column 9: syntax error near \"\\x09y\\\"}\""},
    {"{\"a\": \"x\ny\"}", "(json): line 1 column 9: syntax error near \"\\x0a\""},
};
INSTANTIATE_TEST_SUITE_P(Json, ConfigError, testing::ValuesIn(kJson));

const Case kShape[] = {
    {"[]", "(root): expected an object"},
    {"null", "(root): expected an object"},
    {R"({"frobnicate": 1})", "frobnicate: unknown key"},
    {R"({"a b": 1})", "[\"a b\"]: unknown key"},
    {R"({"workers": "2"})", "workers: expected a non-negative integer"},
    {R"({"workers": 1.5})", "workers: expected a non-negative integer"},
    {R"({"workers": -1})", "workers: expected a non-negative integer"},
    {R"({"workers": 4294967296})", "workers: must be at most 4294967295"},
    {R"({"workers": 257})", "workers: must be 0..256"},
    {R"({"via": "yes"})", "via: expected true or false"},
    {R"({"listeners": {}})", "listeners: expected an array"},
    {R"({"listeners": [1]})", "listeners[0]: expected an object"},
    {R"({"listeners": [{"port": 80, "tls": {}}]})", "listeners[0].tls: unknown key"},
    {R"({"limits": []})", "limits: expected an object"},
    {R"({"limits": {"max_body_bytes": -5}})",
     "limits.max_body_bytes: expected a non-negative integer"},
    {R"({"limits": {"max_body_bytes": 9007199254740992}})",
     "limits.max_body_bytes: must be at most 9007199254740991"},
    {R"({"admin": {"port": 70000}})", "admin.port: must be 0..65535"},
    {R"({"admin": {"token": 5}})", "admin.token: expected string"},
    {R"({"upstreams": []})", "upstreams: expected an object"},
    {R"({"upstreams": {"u": {"endpoints": {}}}})", "upstreams.u.endpoints: expected an array"},
    {R"({"upstreams": {"u": {"endpoints": [{}]}}})",
     "upstreams.u.endpoints[0].address: required"},
    {R"({"upstreams": {"u": {"endpoints": [{"address": "h:1", "weight": 0.5}]}}})",
     "upstreams.u.endpoints[0].weight: expected a non-negative integer"},
    {R"({"upstreams": {"u": {"endpoints": [{"address": "h:1"}], "hash_by": "ip"}}})",
     "upstreams.u.hash_by: unknown key"},
    {R"({"routes": {}})", "routes: expected an array"},
    {R"({"routes": [{"upstream": "users", "frobnicate": 1}, {}]})",
     "routes[0].frobnicate: unknown key"},
    {R"({"routes": [{"upstream": "users"}, {"upstream": "users", "frobnicate": 1}]})",
     "routes[1].frobnicate: unknown key"},
    {R"({"routes": [{}]})",
     "routes[0]: one of \"upstream\", \"split\", \"redirect\" or \"respond\" is required"},
    {R"({"routes": [{"upstream": 1}]})", "routes[0].upstream: expected string"},
    {R"({"routes": [{"upstream": "u"}, {"upstream": "u"}, {"upstream": "u", "match": {"path": 5}}]})",
     "routes[2].match.path: expected string"},
    {R"({"routes": [{"upstream": "u", "match": {"methods": "GET"}}]})",
     "routes[0].match.methods: expected an array"},
    {R"({"routes": [{"upstream": "u", "match": {"methods": ["GET", 1]}}]})",
     "routes[0].match.methods[1]: expected string"},
    {R"({"routes": [{"upstream": "u", "match": {"headers": {"x-a": 1}}}]})",
     "routes[0].match.headers.x-a: expected a string or an object"},
    {R"({"routes": [{"upstream": "u", "match": {"headers": {"x-a": {}}}}]})",
     "routes[0].match.headers.x-a: expected one of \"equals\", \"present\", \"prefix\" or \"glob\""},
    {R"({"routes": [{"upstream": "u", "match": {"headers": {"x-a": {"present": true, "prefix": "a"}}}}]})",
     "routes[0].match.headers.x-a.prefix: \"present\" and \"prefix\" are exclusive"},
    {R"({"routes": [{"upstream": "u", "match": {"headers": {"x-a": {"regex": "a.*"}}}}]})",
     "routes[0].match.headers.x-a.regex: unknown key"},
    {R"({"routes": [{"upstream": "u", "match": {"headers": {"x-a": {"present": false}}}}]})",
     "routes[0].match.headers.x-a.present: expected true (leave the header out to match any request)"},
    {R"({"routes": [{"upstream": "u", "match": {"headers": {"x-a": {"prefix": 1}}}}]})",
     "routes[0].match.headers.x-a.prefix: expected string"},
    {R"({"routes": [{"upstream": "u", "match": {"headers": {"X-A": {"present": true}, "x-a": "2"}}}]})",
     "routes[0].match.headers.x-a: duplicate header name \"x-a\""},
    {R"({"trailing_slash": true})", "trailing_slash: expected string"},
    {R"({"routes": [{"upstream": "u", "match": {"headers": {"X-A": "1", "x-a": "2"}}}]})",
     "routes[0].match.headers.x-a: duplicate header name \"x-a\""},
    {R"({"routes": [{"upstream": "u", "match": {"host": ""}}]})",
     "routes[0].match.host: must not be empty (leave it out to match any host)"},
    {R"({"routes": [{"upstream": "u", "match": {"prefix": ""}}]})",
     "routes[0].match.prefix: must begin with '/'"},
    {R"({"routes": [{"upstream": "u", "rewrite": {"replace_prefix": {}}}]})",
     "routes[0].rewrite.replace_prefix.from: required"},
    {R"({"routes": [{"upstream": "u", "rewrite": {"replace_prefix": {"from": "/a", "to": "/b", "x": 1}}}]})",
     "routes[0].rewrite.replace_prefix.x: unknown key"},
    {R"({"routes": [{"upstream": "u", "timeout_ms": true}]})",
     "routes[0].timeout_ms: expected a non-negative integer"},
};
INSTANTIATE_TEST_SUITE_P(Shape, ConfigError, testing::ValuesIn(kShape));

const Case kListeners[] = {
    {R"({"listeners": []})", "listeners: at least one listener is required"},
    {R"({"listeners": [{"port": 65536}]})", "listeners[0].port: must be 0..65535"},
    {R"({"listeners": [{"port": -80}]})", "listeners[0].port: must be 0..65535"},
    {R"({"listeners": [{"port": 80.5}]})", "listeners[0].port: expected a non-negative integer"},
    {R"({"listeners": [{"port": 80, "address": "localhost"}]})",
     "listeners[0].address: expected an IPv4 or IPv6 address"},
    {R"({"listeners": [{"name": "a", "port": 80}, {"name": "a", "port": 81}]})",
     "listeners[1].name: duplicate listener name \"a\""},
    {R"({"listeners": [{"name": "", "port": 80}]})",
     "listeners[0].name: expected 1..128 characters of A-Z a-z 0-9 - _ ."},
    {R"({"listeners": [{"port": 80}, {"port": 80}]})",
     "listeners[1]: same address and port as listeners[0]"},
    {R"({"listeners": [{"address": "::", "port": 80}, {"address": "0::0", "port": 80}]})",
     "listeners[1]: same address and port as listeners[0]"},
    {R"({"admin": {"port": 8080, "address": "0.0.0.0", "token": "t"}})",
     "admin.port: same address and port as listeners[0]"},
    {R"({"admin": {"port": 9901, "address": "0.0.0.0"}})",
     "admin.token: required when admin.address is not a loopback address"},
    {R"({"admin": {"port": 9901, "address": "admin.local"}})",
     "admin.address: expected an IPv4 or IPv6 address"},
};
INSTANTIATE_TEST_SUITE_P(Listeners, ConfigError, testing::ValuesIn(kListeners));

const Case kLimits[] = {
    {R"({"limits": {"max_header_bytes": 1023}})", "limits.max_header_bytes: must be 1024..1048576"},
    {R"({"limits": {"max_header_bytes": 1048577}})",
     "limits.max_header_bytes: must be 1024..1048576"},
    {R"({"limits": {"max_header_bytes": 4096, "max_url_bytes": 8192}})",
     "limits.max_url_bytes: must be 64..4096 (max_header_bytes)"},
    {R"({"limits": {"max_url_bytes": 63}})",
     "limits.max_url_bytes: must be 64..65536 (max_header_bytes)"},
    {R"({"limits": {"max_headers": 0}})", "limits.max_headers: must be 1..10000"},
    {R"({"limits": {"header_timeout_ms": 0}})", "limits.header_timeout_ms: must be at least 1"},
    {R"({"limits": {"idle_timeout_ms": 0}})", "limits.idle_timeout_ms: must be at least 1"},
    {R"({"limits": {"max_connections": 0}})", "limits.max_connections: must be at least 1"},
};
INSTANTIATE_TEST_SUITE_P(Limits, ConfigError, testing::ValuesIn(kLimits));

const Case kUpstreams[] = {
    {R"({"upstreams": {"users": {}}})", "upstreams.users.endpoints: at least one endpoint is required"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "127.0.0.1"}]}}})",
     "upstreams.users.endpoints[0].address: expected \"host:port\""},
    {R"({"upstreams": {"users": {"endpoints": [{"address": ":80"}]}}})",
     "upstreams.users.endpoints[0].address: expected \"host:port\""},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:"}]}}})",
     "upstreams.users.endpoints[0].address: expected \"host:port\""},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:8o"}]}}})",
     "upstreams.users.endpoints[0].address: expected \"host:port\""},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "::1:80"}]}}})",
     "upstreams.users.endpoints[0].address: expected \"host:port\" (IPv6 needs [ ])"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "[zz]:80"}]}}})",
     "upstreams.users.endpoints[0].address: expected an IPv6 address inside [ ]"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:0"}]}}})",
     "upstreams.users.endpoints[0].address: port must be 1..65535"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:123456"}]}}})",
     "upstreams.users.endpoints[0].address: port must be 1..65535"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1", "weight": 0}]}}})",
     "upstreams.users.endpoints[0].weight: must be 1..10000"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1", "weight": 10001}]}}})",
     "upstreams.users.endpoints[0].weight: must be 1..10000"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1"}, {"address": "h:1"}]}}})",
     "upstreams.users.endpoints[1].address: duplicate endpoint \"h:1\" (use weight)"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1"}], "lb": "fastest"}}})",
     "upstreams.users.lb: unknown policy \"fastest\" (expected round_robin, "
     "weighted_round_robin, least_request, random, ring_hash or maglev)"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1"}], "hash_key": "header:"}}})",
     "upstreams.users.hash_key: expected \"ip\", \"path\", \"header:NAME\", \"cookie:NAME\" or "
     "\"query:NAME\""},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1"}], "hash_key": "body:x"}}})",
     "upstreams.users.hash_key: expected \"ip\", \"path\", \"header:NAME\", \"cookie:NAME\" or "
     "\"query:NAME\""},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1"}], "connect_timeout_ms": 0}}})",
     "upstreams.users.connect_timeout_ms: must be at least 1"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1"}], "idle_timeout_ms": 0}}})",
     "upstreams.users.idle_timeout_ms: must be at least 1"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1"}], "resolve_interval_ms": 0}}})",
     "upstreams.users.resolve_interval_ms: must be 10..86400000"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1"}], "resolve_interval_ms": 86400001}}})",
     "upstreams.users.resolve_interval_ms: must be 10..86400000"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1"}], "resolve_interval_ms": "1s"}}})",
     "upstreams.users.resolve_interval_ms: expected a non-negative integer"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1"}], "max_connections": 0}}})",
     "upstreams.users.max_connections: must be at least 1"},
    {R"({"upstreams": {"users": {"endpoints": [{"address": "h:1"}], "max_connections": 8, "max_idle": 9}}})",
     "upstreams.users.max_idle: must be at most max_connections (8)"},
    {R"({"upstreams": {"a b": {"endpoints": [{"address": "h:1"}]}}})",
     "upstreams[\"a b\"]: upstream names are 1..128 characters of A-Z a-z 0-9 - _ ."},
};
INSTANTIATE_TEST_SUITE_P(Upstreams, ConfigError, testing::ValuesIn(kUpstreams));

const Case kRoutes[] = {
    {"{" UP R"(, "routes": [{"upstream": "x"}]})", "routes[0].upstream: unknown upstream \"x\""},
    {"{" UP R"(, "routes": [{"upstream": ""}]})", "routes[0].upstream: must not be empty"},
    {"{" UP R"(, "routes": [{"name": "a", "upstream": "users"}, {"name": "a", "upstream": "users"}]})",
     "routes[1].name: duplicate route name \"a\" (also routes[0])"},
    {"{" UP R"(, "routes": [{"upstream": "users"}, {"name": "route-0", "upstream": "users"}]})",
     "routes[1].name: duplicate route name \"route-0\" (also routes[0])"},
    {"{" UP R"(, "routes": [{"name": "a/b", "upstream": "users"}]})",
     "routes[0].name: expected 1..128 characters of A-Z a-z 0-9 - _ ."},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"prefix": "/a", "path": "/a/b"}}]})",
     "routes[0].match: set \"prefix\" or \"path\", not both"},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"prefix": "api"}}]})",
     "routes[0].match.prefix: must begin with '/' and hold no spaces, '?' or '#'"},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"path": "/a b"}}]})",
     "routes[0].match.path: must begin with '/' and hold no spaces, '?' or '#'"},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"path": "/a?b=1"}}]})",
     "routes[0].match.path: must begin with '/' and hold no spaces, '?' or '#'"},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"methods": ["get"]}}]})",
     "routes[0].match.methods[0]: expected an upper-case method token, got \"get\""},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"methods": ["GET", "GE T"]}}]})",
     "routes[0].match.methods[1]: expected an upper-case method token, got \"GE T\""},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"methods": ["GET", "GET"]}}]})",
     "routes[0].match.methods[1]: duplicate method \"GET\""},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"headers": {"x a": "1"}}}]})",
     "routes[0].match.headers[\"x a\"]: header names are tokens (RFC 9110 5.6.2)"},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"headers": {"x-a": "1\r\n"}}}]})",
     "routes[0].match.headers.x-a: control characters are not allowed"},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"headers": {"x a": {"present": true}}}}]})",
     "routes[0].match.headers[\"x a\"]: header names are tokens (RFC 9110 5.6.2)"},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"headers": {"x-a": {"prefix": ""}}}}]})",
     "routes[0].match.headers.x-a.prefix: must not be empty (use \"present\")"},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"headers": {"x-a": {"glob": "a\u0000*"}}}}]})",
     "routes[0].match.headers.x-a.glob: control characters are not allowed"},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"headers": {"x-a": {"glob": ")"
     "*********************************************************************************************************"
     "********************************"
     R"("}}}}]})",
     "routes[0].match.headers.x-a.glob: at most 128 bytes"},
    {"{" UP R"(, "trailing_slash": "loose"})",
     "trailing_slash: expected \"strict\", \"ignore\" or \"redirect\", got \"loose\""},
    {"{" UP R"(, "routes": [{"upstream": "users", "match": {"host": "a b"}}]})",
     "routes[0].match.host: expected a host name"},
    {"{" UP R"(, "routes": [{"upstream": "users", "timeout_ms": 0}]})",
     "routes[0].timeout_ms: must be at least 1"},
    {"{" UP R"(, "routes": [{"upstream": "users", "rewrite": {"strip_prefix": "api"}}]})",
     "routes[0].rewrite.strip_prefix: must begin with '/' and hold no spaces, '?' or '#'"},
    {"{" UP R"(, "routes": [{"upstream": "users", "rewrite": {"host": "*.example.com"}}]})",
     "routes[0].rewrite.host: expected a host name"},
};
INSTANTIATE_TEST_SUITE_P(Routes, ConfigError, testing::ValuesIn(kRoutes));

// Two upstreams for splits and mirrors.
#define UP2 R"("upstreams": {"a": {"endpoints": [{"address": "h:1"}]}, "b": {"endpoints": [{"address": "h:2"}]}})"

const Case kRouteActions[] = {
    {"{" UP2 R"(, "routes": [{"upstream": "a", "split": [{"upstream": "b", "weight": 1}]}]})",
     "routes[0]: \"upstream\" and \"split\" are exclusive"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "respond": {}}]})",
     "routes[0]: \"upstream\" and \"respond\" are exclusive"},
    {"{" UP2 R"(, "routes": [{"redirect": {"location": "/x"}, "respond": {}}]})",
     "routes[0]: \"redirect\" and \"respond\" are exclusive"},
    {"{" UP2 R"(, "routes": [{"split": []}]})", "routes[0].split: needs at least one side"},
    {"{" UP2 R"(, "routes": [{"split": {}}]})", "routes[0].split: expected an array"},
    {"{" UP2 R"(, "routes": [{}, {"split": [{"upstream": "a", "weight": 1}, {"upstream": "b", "weight": -1}]}]})",
     "routes[1].split[1].weight: expected an integer 0..10000"},
    {"{" UP2 R"(, "routes": [{"upstream": "a"}, {"split": [{"upstream": "a", "weight": 10001}]}]})",
     "routes[1].split[0].weight: expected an integer 0..10000"},
    {"{" UP2 R"(, "routes": [{"upstream": "a"}, {"split": [{"upstream": "a", "weight": 1}, {"upstream": "b", "weight": 0.5}]}]})",
     "routes[1].split[1].weight: expected an integer 0..10000"},
    {"{" UP2 R"(, "routes": [{"split": [{"upstream": "a"}]}]})", "routes[0].split[0].weight: required"},
    {"{" UP2 R"(, "routes": [{"split": [{"weight": 1}]}]})", "routes[0].split[0].upstream: required"},
    {"{" UP2 R"(, "routes": [{"split": [{"upstream": "a", "weight": 1, "w": 1}]}]})",
     "routes[0].split[0].w: unknown key"},
    {"{" UP2 R"(, "routes": [{"split": [{"upstream": "c", "weight": 1}]}]})",
     "routes[0].split[0].upstream: unknown upstream \"c\""},
    {"{" UP2 R"(, "routes": [{"split": [{"upstream": "a", "weight": 1}, {"upstream": "a", "weight": 2}]}]})",
     "routes[0].split[1].upstream: duplicate side \"a\" (also split[0])"},
    {"{" UP2 R"(, "routes": [{"split": [{"upstream": "a", "weight": 0}, {"upstream": "b", "weight": 0}]}]})",
     "routes[0].split: at least one weight must be positive"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "sticky": {"key": "ip"}}]})", "routes[0].sticky: only with \"split\""},
    {"{" UP2 R"(, "routes": [{"split": [{"upstream": "a", "weight": 1}], "sticky": {"key": "query:x"}}]})",
     "routes[0].sticky.key: expected \"header:NAME\", \"cookie:NAME\", \"claim:NAME\" or \"ip\""},
    {"{" UP2 R"(, "routes": [{"split": [{"upstream": "a", "weight": 1}], "sticky": {"key": "header:"}}]})",
     "routes[0].sticky.key: expected \"header:NAME\", \"cookie:NAME\", \"claim:NAME\" or \"ip\""},
    {"{" UP2 R"(, "routes": [{"split": [{"upstream": "a", "weight": 1}], "sticky": {}}]})",
     "routes[0].sticky.key: required"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "override": {"header": "x-c", "values": {"1": "a"}}}]})",
     "routes[0].override: only with \"split\""},
    {"{" UP2 R"(, "routes": [{"split": [{"upstream": "a", "weight": 1}], "override": {"header": "x-c", "values": {"1": "b"}}}]})",
     "routes[0].override.values.1: \"b\" is not a side of the split"},
    {"{" UP2 R"(, "routes": [{"split": [{"upstream": "a", "weight": 1}], "override": {"header": "x-c"}}]})",
     "routes[0].override.values: required"},
    {"{" UP2 R"(, "routes": [{"split": [{"upstream": "a", "weight": 1}], "override": {"header": "x c", "values": {"1": "a"}}}]})",
     "routes[0].override.header: expected a header name"},
    {"{" UP2 R"(, "routes": [{"redirect": {}}]})", "routes[0].redirect.location: required"},
    {"{" UP2 R"(, "routes": [{"redirect": {"location": "/x", "status": 200}}]})",
     "routes[0].redirect.status: expected 301, 302, 303, 307 or 308"},
    {"{" UP2 R"(, "routes": [{"match": {"path": "/u/:id"}, "redirect": {"location": "/users/{uid}"}}]})",
     "routes[0].redirect.location: {uid} is neither a parameter of the route's path nor one of {host}, {path}, {query}"},
    {"{" UP2 R"(, "routes": [{"redirect": {"location": "/a\r\nSet-Cookie: x"}}]})",
     "routes[0].redirect.location: byte 2 is not allowed in a URI (percent-encode it)"},
    {"{" UP2 R"(, "routes": [{"respond": {"status": 99}}]})", "routes[0].respond.status: must be 200..599"},
    {"{" UP2 R"(, "routes": [{"respond": {"headers": {"Content-Length": "1"}}}]})",
     "routes[0].respond.headers.content-length: set by the gateway, not configurable"},
    {"{" UP2 R"(, "routes": [{"respond": {"headers": {"x-a": "1\n2"}}}]})",
     "routes[0].respond.headers.x-a: control characters are not allowed"},
    {"{" UP2 R"(, "routes": [{"respond": {"headers": {"x-a": 1}}}]})", "routes[0].respond.headers.x-a: expected string"},
    {"{" UP2 R"(, "routes": [{"respond": {"body": 1}}]})", "routes[0].respond.body: expected string"},
    {"{" UP2 R"(, "routes": [{"respond": {}, "rewrite": {"strip_prefix": "/a"}}]})",
     "routes[0].rewrite: only for routes with \"upstream\" or \"split\""},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "rewrite": {"strip_prefix": "/a", "path": "/b"}}]})",
     "routes[0].rewrite: set one of \"strip_prefix\", \"replace_prefix\" and \"path\""},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "rewrite": {"replace_prefix": {"from": "/a", "to": "b"}}}]})",
     "routes[0].rewrite.replace_prefix.to: must begin with '/' and hold no spaces, '?' or '#'"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "rewrite": {"replace_prefix": {"from": "/a"}}}]})",
     "routes[0].rewrite.replace_prefix.to: required"},
    {"{" UP2 R"(, "routes": [{"match": {"path": "/u/:id"}, "upstream": "a", "rewrite": {"path": "/v2/{name}"}}]})",
     "routes[0].rewrite.path: {name} is neither a parameter of the route's path nor one of {path}"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "rewrite": {"path": "/v2{query}"}}]})",
     "routes[0].rewrite.path: {query} cannot be used in a path (the query is kept as it is)"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "match": {"query": {"a": 1}}}]})",
     "routes[0].match.query.a: expected string or true"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "match": {"query": {"a": false}}}]})",
     "routes[0].match.query.a: expected string or true"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "match": {"query": {"": "1"}}}]})",
     "routes[0].match.query[\"\"]: a parameter name is non-empty and holds no '&' or '='"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "match": {"client_cidrs": ["10.0.0.0/8", "10.1.0.0/8"]}}]})",
     "routes[0].match.client_cidrs[1]: \"10.1.0.0/8\" has host bits set"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "match": {"client_cidrs": ["10.0.0.0/40"]}}]})",
     "routes[0].match.client_cidrs[0]: prefix length \"40\" must be 0..32"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "match": {"client_cidrs": "10.0.0.0/8"}}]})",
     "routes[0].match.client_cidrs: expected an array"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "mirror": {"upstream": "c"}}]})",
     "routes[0].mirror.upstream: unknown upstream \"c\""},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "mirror": {"upstream": "b", "percent": 101}}]})",
     "routes[0].mirror.percent: must be 0..100"},
    {"{" UP2 R"(, "routes": [{"upstream": "a", "mirror": {"percent": 10}}]})", "routes[0].mirror.upstream: required"},
    {"{" UP2 R"(, "routes": [{"respond": {}, "mirror": {"upstream": "b"}}]})",
     "routes[0].mirror: only for routes with \"upstream\" or \"split\""},
};
INSTANTIATE_TEST_SUITE_P(RouteActions, ConfigError, testing::ValuesIn(kRouteActions));

TEST(ConfigErrorText, QuotesUntrustedTextOnOneBoundedLine) {
  std::string name(500, 'x');
  name += "\\n";  // an escaped line feed: a control byte in the key
  weir::ConfigResult r = weir::parse_config("{\"" + name + "\": 1}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.find('\n'), std::string::npos);
  EXPECT_LT(r.error.size(), 120u);
  EXPECT_NE(r.error.find("...\"]: unknown key"), std::string::npos) << r.error;
}

TEST(ConfigErrorText, RefusesOversizedAndDeepDocuments) {
  std::string big(16 * 1024 * 1024 + 1, ' ');
  EXPECT_EQ(weir::parse_config(big).error, "(json): document larger than 16777216 bytes");
  std::string deep(100000, '[');
  EXPECT_EQ(weir::parse_config(deep).error,
            "(json): line 1 column 65: nesting deeper than 64 levels");
  std::string deep_objects;
  for (int i = 0; i < 100000; ++i) deep_objects += "{\"a\":";
  EXPECT_EQ(weir::parse_config(deep_objects).error,
            "(json): line 1 column 321: nesting deeper than 64 levels");
}

}  // namespace
