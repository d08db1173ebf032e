// Reading a key file into memory, bounded: key files are small, and a wrong
// path (a log, a device) must not cost unbounded memory at startup.
#pragma once

#include <cstddef>
#include <string>

#include "middleware/builtin/jwt/result.hpp"

namespace weir::jwt {

inline constexpr size_t kMaxKeyFileBytes = 1024 * 1024;

Result<std::string> read_key_file(const std::string& path);

}  // namespace weir::jwt
