#include <exception>
#include <new>

#include "config/validate_parts.hpp"
#include "weir/config.hpp"

namespace weir {

namespace config {

std::string check_range(uint64_t v, uint64_t lo, uint64_t hi) {
  if (v >= lo && v <= hi) return "";
  return "must be " + std::to_string(lo) + ".." + std::to_string(hi);
}

}  // namespace config

namespace {

// More workers than this is a configuration mistake on any machine weir
// targets; each costs a thread, a loop and its own upstream pools.
constexpr uint32_t kMaxWorkers = 256;

std::string validate_all(const GatewayConfig& cfg) {
  if (std::string e = config::check_range(cfg.workers, 0, kMaxWorkers); !e.empty()) {
    return "workers: " + e;
  }
  // Sections in the order of the document, so the first error is the one a
  // reader meets first.
  for (auto* section : {config::validate_listeners, config::validate_limits,
                        config::validate_admin, config::validate_upstreams,
                        config::validate_routes}) {
    if (std::string e = section(cfg); !e.empty()) return e;
  }
  return "";
}

}  // namespace

std::string validate_config(const GatewayConfig& config) {
  try {
    return validate_all(config);
  } catch (const std::bad_alloc&) {
    return "out of memory";
  } catch (const std::exception& e) {
    return std::string("(config): ") + e.what();
  }
}

}  // namespace weir
