// The factories of the built-in middleware, one file each in this folder
// (docs/middleware.md). The registry (registry.cpp) knows them by type name.
#pragma once

#include <string_view>

#include "weir/middleware.hpp"

namespace weir::mw {

MiddlewareResult make_request_id(std::string_view options_json);
MiddlewareResult make_headers(std::string_view options_json);
MiddlewareResult make_cors(std::string_view options_json);
MiddlewareResult make_api_key(std::string_view options_json);
MiddlewareResult make_basic_auth(std::string_view options_json);
MiddlewareResult make_ip_filter(std::string_view options_json);
MiddlewareResult make_body_limit(std::string_view options_json);
MiddlewareResult make_fault(std::string_view options_json);
MiddlewareResult make_jwt(std::string_view options_json);
MiddlewareResult make_rate_limit(std::string_view options_json);
MiddlewareResult make_access_log(std::string_view options_json);
MiddlewareResult make_trace(std::string_view options_json);

// A failed build: the error of an option reader (already "key: message").
inline MiddlewareResult failure(std::string error) {
  MiddlewareResult r;
  r.error = std::move(error);
  if (r.error.empty()) r.error = "(entry): invalid";
  return r;
}

}  // namespace weir::mw
