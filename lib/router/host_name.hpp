// Virtual host names: the host filter of a route and the Host of a request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace weir::router {

struct HostPattern {
  enum class Kind : uint8_t { any, exact, wildcard };
  Kind kind = Kind::any;
  // exact: the lower-case name; wildcard: the lower-case suffix with its
  // leading dot (".example.com" for "*.example.com").
  std::string text;
};

// Parses a route's host ("", "*", "api.example.com", "*.example.com",
// "[::1]"); returns "" on success, else why it is malformed.
std::string parse_host_pattern(std::string_view host, HostPattern* out);

// The name part of a request's Host (RFC 9110 section 7.2: uri-host [":"
// port]): the port and one trailing dot of a fully qualified name dropped.
// Case is left alone; lookups fold it.
std::string_view host_name_of(std::string_view host) noexcept;

// Whether a request host name falls under a wildcard suffix: "*.example.com"
// covers "a.example.com" and "a.b.example.com", not "example.com".
bool wildcard_covers(std::string_view lower_suffix, std::string_view name) noexcept;

}  // namespace weir::router
