// Where weir's own log lines go: gateway-made errors, reloads, listener
// failures. By default one line each on stderr.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "weir/export.hpp"

namespace weir {

enum class LogLevel : uint8_t { debug, info, warn, error };

// Receives each line (without a newline). Called from worker threads, so it
// must be thread-safe. Set it before starting a gateway; nullptr restores
// stderr.
using LogHandler = std::function<void(LogLevel level, std::string_view line)>;
WEIR_API void set_log_handler(LogHandler handler);
// Lines below this level are dropped (default: info).
WEIR_API void set_log_level(LogLevel level);

}  // namespace weir
