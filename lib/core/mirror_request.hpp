// Shadow requests of mirrored routes (route `mirror`): a copy of a request is
// sent to another upstream and its response read and discarded. A shadow
// never touches the exchange it copies: it has its own connection (never a
// pooled one, so it cannot take a connection from live traffic, and closed
// after its response), its own buffers, and a bounded number in flight per
// loop; over the bound a copy is skipped and counted.
//
// Shadows are loop-affine. Their buffers and counters live per loop in
// thread-local storage rather than in the Worker, so that a shadow still in
// flight when its worker goes away (a host that destroys an attached
// gateway) ends on its own, bounded by its timeout, without touching freed
// memory.
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>

#include "upstream/endpoint_pool.hpp"

namespace weir::core {

struct MirrorStats {
  uint64_t sent = 0;          // copies sent
  uint64_t skipped_busy = 0;  // not sent: kMaxInFlight copies were in flight
  uint64_t skipped_body = 0;  // not sent: the body was too large, chunked or not read yet
  uint64_t failed = 0;        // the shadow upstream failed or timed out
};

// Copies in flight per loop; past it, further copies are skipped.
inline constexpr uint32_t kMaxMirrorsInFlight = 64;
// Largest request body copied; only a body that arrived with its head is.
inline constexpr uint64_t kMaxMirrorBody = 64 * 1024;

// Sends `request` (a complete HTTP/1.1 request: head and body) to `pool`'s
// endpoint on `loop` and discards the response. `timeout_ms` bounds the wait
// for the response. Returns false when the copy was skipped.
bool send_mirror(uv_loop_t* loop, core::LoopRef<upstream::EndpointPool> pool, std::string request,
                 bool head_request, uint32_t timeout_ms);

// Counts a copy skipped before send_mirror (a body that cannot be copied).
void count_mirror_skipped_body(uv_loop_t* loop);

// This loop's counters.
MirrorStats mirror_stats(uv_loop_t* loop);

// Closes the shadows in flight on `loop` (a stopping worker calls it so that
// they do not run to their timeout).
void abort_mirrors(uv_loop_t* loop) noexcept;

}  // namespace weir::core
