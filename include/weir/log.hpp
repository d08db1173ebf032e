// Where weir's own log lines go: gateway-made errors, reloads, listener
// failures. By default one line each on stderr.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "weir/export.hpp"

namespace weir {

enum class LogLevel : uint8_t { debug, info, warn, error };

// Receives each line (without a newline) on the thread that logs it: a
// worker thread (the host's loop thread when attached), the access log's
// writer thread, or the host thread calling into weir (reload errors). So it
// must be thread-safe. It may be set or replaced at any time from any
// thread; once set_log_handler returns, the previous handler is not running
// and will not be called again. A handler must not call set_log_handler
// itself (that call is ignored). nullptr restores the default: one line on
// stderr. Exceptions it throws are swallowed.
using LogHandler = std::function<void(LogLevel level, std::string_view line)>;
WEIR_API void set_log_handler(LogHandler handler);
// Lines below this level are dropped (default: info).
WEIR_API void set_log_level(LogLevel level);

// Reopens the files of every access log in the process at their next flush
// (within access_log's flush interval, 20 ms): for log rotation, rename the
// file, then call this, and new lines go to a new file at the old path.
// weir-gateway calls it on SIGUSR1. Safe from any thread, even from a signal
// waiter; not async-signal-safe (do not call it in a signal handler).
WEIR_API void reopen_logs();

}  // namespace weir
