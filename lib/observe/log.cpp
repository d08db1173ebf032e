#include "observe/log.hpp"

#include <unistd.h>

#include <atomic>
#include <string>

namespace weir {

namespace {
// Set before gateways start (documented), read by workers afterwards.
LogHandler g_handler;
std::atomic<uint8_t> g_level{static_cast<uint8_t>(LogLevel::info)};

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

void set_log_handler(LogHandler handler) { g_handler = std::move(handler); }
void set_log_level(LogLevel level) { g_level.store(static_cast<uint8_t>(level)); }

namespace observe {

bool log_enabled(LogLevel level) noexcept {
  return static_cast<uint8_t>(level) >= g_level.load(std::memory_order_relaxed);
}

void log_line(LogLevel level, std::string_view line) noexcept {
  if (!log_enabled(level)) return;
  try {
    if (g_handler) {
      g_handler(level, line);
      return;
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
