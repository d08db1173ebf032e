// One worker's keep-alive pool for one endpoint: the idle connections, most
// recently used first (warm connections are less likely to have been closed by
// the upstream), and the count of open ones.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "upstream/address.hpp"
#include "weir/upstream.hpp"

namespace weir::upstream {

class UpstreamConnection;

struct EndpointPool {
  std::string address;
  SocketAddress addr;
  UpstreamOptions options;
  UpstreamConnection* idle_head = nullptr;  // intrusive list through the connections
  uint32_t idle_count = 0;
  uint32_t open_count = 0;
  bool retired = false;  // dropped by a reload: connections close instead of pooling
};

// One worker's view of an upstream: its endpoint pools and its cursor.
struct WorkerUpstream {
  std::string name;
  Lb lb = Lb::round_robin;
  std::vector<std::shared_ptr<EndpointPool>> endpoints;
  uint64_t cursor = 0;

  EndpointPool* pick() noexcept {
    if (endpoints.empty()) return nullptr;
    uint64_t n = cursor++;
    if (lb == Lb::random) {
      uint64_t z = n * 0x9e3779b97f4a7c15ULL + reinterpret_cast<uintptr_t>(this);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      n = z ^ (z >> 31);
    }
    return endpoints[n % endpoints.size()].get();
  }
};

}  // namespace weir::upstream
