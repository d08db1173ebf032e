// Lexical rules for the strings of a config: names of listeners, upstreams
// and routes; HTTP tokens and field values; request paths; host patterns.
#pragma once

#include <cstddef>
#include <string_view>

namespace weir::config {

// Names appear in metrics, logs and the admin API, so they keep to a set of
// characters that needs no escaping there.
inline constexpr size_t kMaxNameBytes = 128;

// 1..128 bytes of letters, digits, '-', '_' and '.'.
bool is_config_name(std::string_view text);
// RFC 9110 section 5.6.2: 1*tchar.
bool is_http_token(std::string_view text);
// A token without lower-case letters; methods are case-sensitive
// (RFC 9110 section 9.1) and the registered ones are upper-case.
bool is_method(std::string_view text);
// RFC 9110 section 5.5: no CR, LF, NUL or other control bytes but HTAB.
bool is_field_value(std::string_view text);
// An origin-form path (RFC 9112 section 3.2.1) without query: starts with
// '/', then visible ASCII other than '?' and '#'.
bool is_path(std::string_view text);
// A host to match or to send: visible ASCII without '/', '?', '#', '@' and
// '\'; "*.example.com" wildcards are the router's business.
bool is_host_pattern(std::string_view text);

}  // namespace weir::config
