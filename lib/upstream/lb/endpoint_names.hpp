// The identities that consistent-hashing policies place on their ring or
// table: the names given in Options, or decimal indexes when none are.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace weir::upstream::lb {

std::vector<std::string> endpoint_names(std::span<const std::string_view> names, size_t count);

}  // namespace weir::upstream::lb
