// Emitting log lines through the handler of include/weir/log.hpp.
#pragma once

#include <string_view>

#include "weir/log.hpp"

namespace weir::observe {

bool log_enabled(LogLevel level) noexcept;
void log_line(LogLevel level, std::string_view line) noexcept;
// True on a thread that is running the log handler right now.
bool in_log_handler() noexcept;

}  // namespace weir::observe
