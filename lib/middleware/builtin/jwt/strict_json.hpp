// JSON reading for untrusted token parts and key files: bounded nesting,
// duplicate member names refused, no trailing bytes but white space.
#pragma once

#include <cstddef>
#include <string_view>

#include <picojson.h>

namespace weir::jwt {

// Deep enough for real claims (nested role maps), shallow enough that the
// recursive parser stays far from the end of a worker's stack.
inline constexpr size_t kMaxJsonDepth = 32;

// Parses `text` into `out`. Returns false on any syntax error, a nesting
// deeper than kMaxJsonDepth, a repeated member name in any object, or a
// number out of double range. RFC 7515 section 5.2 allows either refusing
// duplicate names or keeping the last; refusing means that weir and an
// upstream that re-reads the token can never disagree on a claim.
bool parse_strict_json(std::string_view text, picojson::value& out);

}  // namespace weir::jwt
