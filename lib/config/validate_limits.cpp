// Per-connection limits of the HTTP server (RFC 9110 section 15.5 names the
// statuses sent when they are exceeded: 408, 413, 414, 431).
#include "config/validate_parts.hpp"

namespace weir::config {

namespace {

// A request head must hold at least a request line and a few headers; above
// 1 MiB per connection the memory bound of a worker is no longer meaningful.
constexpr uint32_t kMinHeaderBytes = 1024;
constexpr uint32_t kMaxHeaderBytes = 1024 * 1024;
constexpr uint32_t kMinUrlBytes = 64;
constexpr uint32_t kMaxHeaders = 10000;

}  // namespace

std::string validate_limits(const GatewayConfig& cfg) {
  const Limits& l = cfg.limits;
  if (std::string e = check_range(l.max_header_bytes, kMinHeaderBytes, kMaxHeaderBytes); !e.empty()) {
    return "limits.max_header_bytes: " + e;
  }
  // The request target is part of the head, so it cannot be larger.
  if (std::string e = check_range(l.max_url_bytes, kMinUrlBytes, l.max_header_bytes); !e.empty()) {
    return "limits.max_url_bytes: " + e + " (max_header_bytes)";
  }
  if (std::string e = check_range(l.max_headers, 1, kMaxHeaders); !e.empty()) {
    return "limits.max_headers: " + e;
  }
  if (l.header_timeout_ms == 0) return "limits.header_timeout_ms: must be at least 1";
  if (l.idle_timeout_ms == 0) return "limits.idle_timeout_ms: must be at least 1";
  if (l.max_connections == 0) return "limits.max_connections: must be at least 1";
  return "";
}

}  // namespace weir::config
