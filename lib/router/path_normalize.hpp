// Normalisation of a request path before routing. The gateway matches the
// normalised path and forwards it upstream, so the router and the upstream
// see the same resource (RFC 3986 section 6.2.2). docs/routing.md lists the
// rules and the reasons for them.
#pragma once

#include <cstddef>
#include <string_view>

namespace weir {

enum class PathError { none, bad_encoding, traversal, too_long, bad_char };

// Writes the normal form of `raw_path` (the path of the request target,
// without '?' and the query) to out[0, *out_len). `out` must not overlap
// `raw_path`; it is the working buffer, so a result that exceeds `cap` at any
// step is too_long. On an error *out_len is 0 and `out` holds garbage.
PathError normalize_path(std::string_view raw_path, char* out, size_t cap, size_t* out_len) noexcept;

// A short lower-case name for logs and error bodies ("traversal").
const char* path_error_name(PathError e) noexcept;

}  // namespace weir
