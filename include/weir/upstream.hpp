// An upstream pool: a named set of endpoints and how to reach them. Usable
// alone (pick endpoints) and handed to a Gateway, which gives each worker its
// own keep-alive connection pools for it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "weir/export.hpp"

namespace weir {

enum class Lb : uint8_t { round_robin, random };

struct Endpoint {
  std::string address;  // "host:port" or "[v6]:port"
  uint32_t weight = 1;
};

struct UpstreamOptions {
  Lb lb = Lb::round_robin;
  uint32_t connect_timeout_ms = 1000;
  uint32_t idle_timeout_ms = 60000;
  uint32_t max_connections = 1024;  // per worker, per endpoint
  uint32_t max_idle = 64;           // pooled idle connections per worker, per endpoint
};

class WEIR_API UpstreamPool {
 public:
  UpstreamPool() = default;
  UpstreamPool(UpstreamOptions options, std::vector<Endpoint> endpoints);

  const UpstreamOptions& options() const noexcept { return options_; }
  const std::vector<Endpoint>& endpoints() const noexcept { return endpoints_; }
  // The index of the endpoint for the next request by the pool's policy.
  // Thread-safe; the gateway's workers keep their own per-worker cursors.
  size_t pick() const noexcept;

 private:
  UpstreamOptions options_;
  std::vector<Endpoint> endpoints_;
  std::shared_ptr<std::atomic<uint64_t>> cursor_ = std::make_shared<std::atomic<uint64_t>>(0);
};

}  // namespace weir
