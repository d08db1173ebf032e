// One worker's keep-alive pool for one endpoint: the idle connections, most
// recently used first (warm connections are less likely to have been closed by
// the upstream), and the count of open ones.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/loop_ref.hpp"
#include "upstream/address.hpp"
#include "upstream/health/availability_view.hpp"
#include "upstream/lb/policy.hpp"
#include "upstream/pending_queue.hpp"
#include "weir/upstream.hpp"

namespace weir::upstream {

class UpstreamConnection;

// Shared by the worker's upstream view, its exchanges and its connections,
// all on the worker's loop.
struct EndpointPool : core::LoopCounted {
  std::string address;    // the identity: the IP and port (format_address)
  std::string authority;  // as configured ("api.internal:80"): the Host of requests without one
  SocketAddress addr;
  UpstreamOptions options;
  UpstreamConnection* idle_head = nullptr;  // intrusive list through the connections
  uint32_t idle_count = 0;
  uint32_t open_count = 0;
  // Requests waiting for a connection (docs/upstreams.md): woken when one of
  // this pool's connections closes or goes idle.
  PendingQueue pending;
  // This worker's in-flight requests to the endpoint: points into the
  // WorkerUpstream's `active` array, re-pointed when a reload rebuilds it (or
  // at `orphan_active` once the endpoint was dropped), so an exchange that
  // outlives a reload still decrements the live count.
  uint32_t* active_slot = &orphan_active;
  uint32_t orphan_active = 0;
  bool retired = false;  // dropped by a reload: connections close instead of pooling
};

// What a consistent-hashing policy hashes from a request.
struct HashKey {
  enum class Kind : uint8_t { ip, path, header, cookie, query };
  Kind kind = Kind::ip;
  std::string name;  // header, cookie or query parameter name
};

// One worker's view of an upstream: its endpoint pools, its own copy of the
// load-balancing policy and the requests it has in flight per endpoint.
struct WorkerUpstream {
  std::string name;
  std::vector<core::LoopRef<EndpointPool>> endpoints;
  std::unique_ptr<lb::Policy> policy;
  std::vector<uint32_t> active;  // endpoint order; least_request reads it
  const HashKey* hash_key = nullptr;  // set for ring_hash and maglev
  health::AvailabilityView view{nullptr};  // health checks and ejections

  // The index of the endpoint for a request whose key hashes to `hash`, or
  // lb::kNone when none is available (and the panic mode is fail).
  uint32_t pick(uint64_t hash, uint64_t now_ms) noexcept {
    if (endpoints.empty()) return lb::kNone;  // names not resolved yet
    uint32_t i = policy->pick(
        {.hash = hash, .active = active.data(), .available = view.refresh(now_ms)});
    return i < endpoints.size() ? i : lb::kNone;
  }
};

}  // namespace weir::upstream
