#include "observe/log.hpp"

#include <unistd.h>

#include <atomic>
#include <memory>
#include <shared_mutex>
#include <string>

#include "observe/access_log.hpp"

namespace weir {

namespace {
// Readers (every thread that logs) hold the lock shared while they call the
// handler, so replacing it waits for calls in progress: a host can free what
// its old handler used as soon as set_log_handler returns. Log lines are not
// the per-request path (gateway-made errors, reloads, ejections).
std::shared_mutex g_handler_mu;
LogHandler g_handler;
std::atomic<uint8_t> g_level{static_cast<uint8_t>(LogLevel::info)};
thread_local bool t_in_handler = false;

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "?";
}
}  // namespace

void set_log_handler(LogHandler handler) {
  if (t_in_handler) return;  // would wait for itself
  LogHandler old;
  {
    std::unique_lock<std::shared_mutex> lock(g_handler_mu);
    old.swap(g_handler);
    g_handler = std::move(handler);
  }
  // `old` is destroyed here, outside the lock: its captures may log.
}

void set_log_level(LogLevel level) { g_level.store(static_cast<uint8_t>(level)); }

void reopen_logs() { observe::reopen_all_access_logs(); }

namespace observe {

bool log_enabled(LogLevel level) noexcept {
  return static_cast<uint8_t>(level) >= g_level.load(std::memory_order_relaxed);
}

bool in_log_handler() noexcept { return t_in_handler; }

void log_line(LogLevel level, std::string_view line) noexcept {
  if (!log_enabled(level) || t_in_handler) return;  // a handler's own weir calls do not recurse
  try {
    {
      std::shared_lock<std::shared_mutex> lock(g_handler_mu);
      if (g_handler) {
        t_in_handler = true;
        try {
          g_handler(level, line);
        } catch (...) {
        }
        t_in_handler = false;
        return;
      }
    }
    // One write per line keeps lines from different workers whole.
    std::string out = "weir ";
    out += level_name(level);
    out += ": ";
    out.append(line.data(), line.size());
    out += '\n';
    ssize_t r = ::write(2, out.data(), out.size());
    (void)r;
  } catch (...) {
    // Logging never takes the request path down.
  }
}

}  // namespace observe
}  // namespace weir
