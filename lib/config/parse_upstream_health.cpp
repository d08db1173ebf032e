#include "config/parse_upstream_health.hpp"

#include <charconv>

#include "config/key_path.hpp"
#include "config/parse_parts.hpp"

namespace weir::config {

namespace {

// One entry of expect_status: a code (503) or an inclusive range ("200-399").
std::string read_status_range(const picojson::value& v, StatusRange& out) {
  if (v.is<double>()) {
    uint64_t n = 0;
    if (std::string e = read_integer(v, 999, n); !e.empty()) return e;
    out.lo = out.hi = static_cast<uint32_t>(n);
    return "";
  }
  if (!v.is<std::string>()) return "expected a status code or a range \"200-399\"";
  const std::string& s = v.get<std::string>();
  size_t dash = s.find('-');
  auto number = [](std::string_view t, uint32_t& n) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    return ec == std::errc() && end == t.data() + t.size() && !t.empty() && t.size() <= 3;
  };
  if (dash == std::string::npos || !number(std::string_view(s).substr(0, dash), out.lo) ||
      !number(std::string_view(s).substr(dash + 1), out.hi)) {
    return "expected a status code or a range \"200-399\", got " + quoted(s);
  }
  return "";
}

void read_health_check(ObjectReader& up, HealthCheckConfig& out) {
  const picojson::value* v = up.get("health_check");
  if (v == nullptr) return;
  ObjectReader r(*v, up.path_of("health_check"),
                 {"path", "host", "interval_ms", "timeout_ms", "healthy", "unhealthy",
                  "expect_status"});
  r.read("path", out.path);
  r.read("host", out.host);
  r.read("interval_ms", out.interval_ms);
  r.read("timeout_ms", out.timeout_ms);
  r.read("healthy", out.healthy);
  r.read("unhealthy", out.unhealthy);
  if (const picojson::array* a = read_array(r, "expect_status")) {
    std::string base = r.path_of("expect_status");
    for (size_t i = 0; i < a->size() && r.ok(); ++i) {
      StatusRange range;
      if (std::string e = read_status_range((*a)[i], range); !e.empty()) {
        r.adopt(path_error(index_path(base, i), e));
      }
      out.expect_status.push_back(range);
    }
  }
  up.adopt(r.error());
}

void read_outlier(ObjectReader& up, OutlierConfig& out) {
  const picojson::value* v = up.get("outlier");
  if (v == nullptr) return;
  ObjectReader r(*v, up.path_of("outlier"),
                 {"consecutive_5xx", "consecutive_gateway_errors", "base_ejection_ms",
                  "max_ejection_percent"});
  r.read("consecutive_5xx", out.consecutive_5xx);
  r.read("consecutive_gateway_errors", out.consecutive_gateway_errors);
  r.read("base_ejection_ms", out.base_ejection_ms);
  r.read("max_ejection_percent", out.max_ejection_percent);
  up.adopt(r.error());
}

void read_circuit_breaker(ObjectReader& up, CircuitBreakerConfig& out) {
  const picojson::value* v = up.get("circuit_breaker");
  if (v == nullptr) return;
  ObjectReader r(*v, up.path_of("circuit_breaker"),
                 {"error_percent", "min_requests", "window_ms", "open_ms", "half_open_requests",
                  "max_connections", "max_pending", "max_requests", "max_retries", "fallback"});
  r.read("error_percent", out.error_percent);
  r.read("min_requests", out.min_requests);
  r.read("window_ms", out.window_ms);
  r.read("open_ms", out.open_ms);
  r.read("half_open_requests", out.half_open_requests);
  r.read("max_connections", out.max_connections);
  r.read("max_pending", out.max_pending);
  r.read("max_requests", out.max_requests);
  r.read("max_retries", out.max_retries);
  read_static_response(r, "fallback", out.fallback);
  up.adopt(r.error());
}

}  // namespace

void read_upstream_health(ObjectReader& r, UpstreamConfig& out) {
  if (r.get("health_check") != nullptr) read_health_check(r, out.health_check.emplace());
  if (r.get("outlier") != nullptr) read_outlier(r, out.outlier.emplace());
  if (r.get("circuit_breaker") != nullptr) read_circuit_breaker(r, out.circuit_breaker.emplace());
}

}  // namespace weir::config
