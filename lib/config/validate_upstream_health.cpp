#include "config/validate_upstream_health.hpp"

#include "config/key_path.hpp"
#include "config/validate_parts.hpp"

namespace weir::config {

namespace {

// Bounds that keep probes, windows and timers sane; larger values are
// mistakes (an hour between probes is no health check).
constexpr uint32_t kMinIntervalMs = 100;
constexpr uint32_t kMaxIntervalMs = 3600000;
constexpr uint32_t kMaxThreshold = 100;
constexpr size_t kMaxPathBytes = 1024;
constexpr size_t kMaxHostBytes = 255;
constexpr size_t kMaxStatusRanges = 16;
constexpr uint32_t kMinWindowMs = 100;  // 10 buckets of at least 10 ms
constexpr uint32_t kMaxWindowMs = 3600000;
constexpr uint32_t kMaxHalfOpen = 1000;

// The probe's path and Host go into a request line and a header field as
// they are: no space, control characters or DEL (RFC 9112 3.2, 5.5).
bool is_request_safe(const std::string& s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string at_least(const std::string& path, std::string_view key, uint64_t v, uint64_t min) {
  if (v >= min) return "";
  return path_error(member_path(path, key), "must be at least " + std::to_string(min));
}

std::string ranged(const std::string& path, std::string_view key, uint64_t v, uint64_t lo,
                   uint64_t hi) {
  std::string e = check_range(v, lo, hi);
  return e.empty() ? e : path_error(member_path(path, key), e);
}

std::string validate_health_check(const std::string& path, const HealthCheckConfig& h) {
  if (!h.path.empty() &&
      (h.path[0] != '/' || h.path.size() > kMaxPathBytes || !is_request_safe(h.path))) {
    return path_error(member_path(path, "path"),
                      "expected an origin-form path (\"/healthz\") of at most 1024 bytes "
                      "without spaces or control characters");
  }
  if (h.host.size() > kMaxHostBytes || !is_request_safe(h.host)) {
    return path_error(member_path(path, "host"),
                      "expected a host of at most 255 bytes without spaces or control characters");
  }
  if (!h.host.empty() && h.path.empty()) {
    return path_error(member_path(path, "host"), "only used with path (an HTTP check)");
  }
  if (std::string e = ranged(path, "interval_ms", h.interval_ms, kMinIntervalMs, kMaxIntervalMs);
      !e.empty()) {
    return h.interval_ms < kMinIntervalMs ? at_least(path, "interval_ms", h.interval_ms, kMinIntervalMs)
                                          : e;
  }
  if (h.timeout_ms == 0) return at_least(path, "timeout_ms", 0, 1);
  if (h.timeout_ms > h.interval_ms) {
    return path_error(member_path(path, "timeout_ms"),
                      "must be at most interval_ms (" + std::to_string(h.interval_ms) + ")");
  }
  if (std::string e = ranged(path, "healthy", h.healthy, 1, kMaxThreshold); !e.empty()) return e;
  if (std::string e = ranged(path, "unhealthy", h.unhealthy, 1, kMaxThreshold); !e.empty()) return e;
  std::string statuses = member_path(path, "expect_status");
  if (!h.expect_status.empty() && h.path.empty()) {
    return path_error(statuses, "only used with path (an HTTP check)");
  }
  if (h.expect_status.size() > kMaxStatusRanges) {
    return path_error(statuses, "at most " + std::to_string(kMaxStatusRanges) + " entries");
  }
  for (size_t i = 0; i < h.expect_status.size(); ++i) {
    const StatusRange& r = h.expect_status[i];
    if (r.lo < 100 || r.hi > 599 || r.lo > r.hi) {
      return path_error(index_path(statuses, i), "expected statuses within 100..599, low to high");
    }
  }
  return "";
}

std::string validate_outlier(const std::string& path, const OutlierConfig& o) {
  if (std::string e = ranged(path, "consecutive_5xx", o.consecutive_5xx, 0, 1000); !e.empty()) return e;
  if (std::string e = ranged(path, "consecutive_gateway_errors", o.consecutive_gateway_errors, 0, 1000);
      !e.empty()) {
    return e;
  }
  if (std::string e = ranged(path, "base_ejection_ms", o.base_ejection_ms, 1, 3600000); !e.empty()) {
    return e;
  }
  return ranged(path, "max_ejection_percent", o.max_ejection_percent, 0, 100);
}

std::string validate_breaker(const std::string& path, const CircuitBreakerConfig& b) {
  if (std::string e = ranged(path, "error_percent", b.error_percent, 1, 100); !e.empty()) return e;
  if (std::string e = at_least(path, "min_requests", b.min_requests, 1); !e.empty()) return e;
  if (std::string e = ranged(path, "window_ms", b.window_ms, kMinWindowMs, kMaxWindowMs); !e.empty()) {
    return b.window_ms < kMinWindowMs ? at_least(path, "window_ms", b.window_ms, kMinWindowMs) : e;
  }
  if (std::string e = ranged(path, "open_ms", b.open_ms, 1, 3600000); !e.empty()) return e;
  if (std::string e = ranged(path, "half_open_requests", b.half_open_requests, 1, kMaxHalfOpen);
      !e.empty()) {
    return e;
  }
  if (b.fallback) return validate_static_response(member_path(path, "fallback"), *b.fallback);
  return "";
}

}  // namespace

std::string validate_upstream_health(const std::string& path, const UpstreamConfig& u) {
  if (u.health_check) {
    if (std::string e = validate_health_check(member_path(path, "health_check"), *u.health_check);
        !e.empty()) {
      return e;
    }
  }
  if (u.outlier) {
    if (std::string e = validate_outlier(member_path(path, "outlier"), *u.outlier); !e.empty()) return e;
  }
  if (u.circuit_breaker) {
    return validate_breaker(member_path(path, "circuit_breaker"), *u.circuit_breaker);
  }
  return "";
}

}  // namespace weir::config
