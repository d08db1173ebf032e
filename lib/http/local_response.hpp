// Serialising responses the gateway makes itself: its JSON errors and the
// responses of in-process handlers.
#pragma once

#include <string>
#include <string_view>

#include "weir/http.hpp"

namespace weir::http {

// Appends a complete HTTP/1.1 response with the body
// {"error":"<message>","request_id":"<id>"} (RFC 8259 escaping).
// `breaker`, when not empty, is sent as `x-weir-breaker: <breaker>` (why a
// circuit breaker refused the request).
void append_error_response(std::string& out, int status, std::string_view message,
                           std::string_view request_id, bool close, bool head_only,
                           std::string_view breaker = {});

// Appends `res` with Content-Length framing; `close` adds Connection: close.
void append_response(std::string& out, const Response& res, bool close, bool head_only);

// True when a header set by host code can be written as is: a token name and
// a value without CR, LF or NUL (which would split the message, RFC 9110 5.5).
bool is_safe_field(std::string_view name, std::string_view value) noexcept;

// Appends `s` as a JSON string body (without quotes), escaping as RFC 8259 7.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace weir::http
