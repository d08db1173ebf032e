// Strict JSON reading on top of picojson: a bounded size and nesting depth,
// duplicate object keys rejected, nothing but white space after the value,
// and syntax errors reported with line and column.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <picojson.h>

namespace weir::config {

// Larger documents are refused before parsing: configs are small, and the
// bound keeps a hostile input from costing unbounded memory.
inline constexpr size_t kMaxDocumentBytes = 16 * 1024 * 1024;
// Arrays plus objects open at one time; picojson recurses once per level.
inline constexpr size_t kMaxNestingDepth = 64;

// Parses `text` into `out`. Returns "" on success, else an error of the form
// `(json): line L column C: <what>`. Never throws.
// `max_depth` bounds nesting for callers with smaller budgets (token parts).
std::string parse_json_document(std::string_view text, picojson::value& out,
                                size_t max_depth = kMaxNestingDepth);

}  // namespace weir::config
