// Keeps endpoint host names resolved: one uv_getaddrinfo per name (on the
// libuv threadpool, so a slow resolver never blocks a loop), repeated
// `interval_ms` after each answer. A gateway runs one, on worker 0's loop,
// like the health checker; answers go to a callback, which publishes a new
// snapshot when a name's set of addresses changed. Loop-affine.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "upstream/address.hpp"

namespace weir::upstream {

// resolve_interval_ms: a lookup per name at most every 10 ms (more often
// would only load the resolver), at least once a day.
inline constexpr uint32_t kMinResolveIntervalMs = 10;
inline constexpr uint32_t kMaxResolveIntervalMs = 86'400'000;

struct NameWatch {
  std::string host;
  uint32_t interval_ms = 30000;
};

struct NameAnswer {
  const std::string& host;
  int status;  // 0, or a libuv error (UV_EAI_NONAME, ...)
  // status 0: at least one address (select_addresses), ports 0.
  const std::vector<SocketAddress>& addresses;
};

class NameResolver {
 public:
  using Callback = std::function<void(const NameAnswer&)>;

  NameResolver(uv_loop_t* loop, Callback on_answer);
  // Lookups still running in the threadpool are detached: they free
  // themselves when they return. close() first to wait for them.
  ~NameResolver();
  NameResolver(const NameResolver&) = delete;
  NameResolver& operator=(const NameResolver&) = delete;

  // Makes `names` the watched set: new names are looked up now, kept ones
  // keep their schedule (a changed interval counts from now), dropped ones
  // stop (a lookup in flight is cancelled, or its answer ignored).
  void watch(const std::vector<NameWatch>& names);
  // Stops every lookup (uv_cancel where the threadpool has not started it)
  // and calls `done` once each timer is closed and each lookup returned.
  void close(std::function<void()> done);

  size_t watched() const noexcept;

 private:
  struct Lookup;
  static void on_timer(uv_timer_t* t);
  static void on_answer(uv_getaddrinfo_t* req, int status, addrinfo* res);
  void start(Lookup* l);
  void drop(Lookup* l);
  void release(Lookup* l);  // a dropped lookup is done with its handle and request

  uv_loop_t* loop_;
  Callback on_answer_;
  std::vector<Lookup*> lookups_;  // all live ones, watched or dropped
  std::function<void()> closed_;
  bool closing_ = false;
};

}  // namespace weir::upstream
