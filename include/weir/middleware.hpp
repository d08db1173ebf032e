// The middleware pipeline: an ordered list of middleware, each a few optional
// hooks. A missing hook means "continue". Phases, in order (docs/middleware.md):
//   on_request   before the upstream, in list order; may answer with respond(),
//                choose the upstream (set_upstream) or pause() and resume later
//   on_response  on the response head, in reverse order
//   on_log       once when the exchange ends, in list order: also after errors,
//                local answers and client aborts
// Middleware are built in code (Pipeline::use) or from the config through a
// factory registered under a type name (register_middleware).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/export.hpp"
#include "weir/field_list.hpp"
#include "weir/http.hpp"

namespace weir {

namespace core {
struct PauseState;
}
class Context;

// The handle of a paused exchange (Context::pause). Copies share one pause.
// resume() may be called from any thread, once: later calls do nothing.
class WEIR_API Resumer {
 public:
  Resumer() = default;
  explicit Resumer(std::shared_ptr<core::PauseState> state) : state_(std::move(state)) {}
  // Continues the exchange on its worker thread. `then`, when given, runs
  // there first with a Context of the phase that paused: in the request
  // phase it may edit headers, set_upstream() or respond(); in the response
  // phase it may edit response headers. After the exchange ended (client
  // gone, pause timed out, gateway stopped) nothing runs; the call is still safe.
  void resume(std::function<void(Context&)> then = {}) const;
  explicit operator bool() const noexcept { return state_ != nullptr; }

 private:
  std::shared_ptr<core::PauseState> state_;
};

// What the log phase knows about a finished exchange.
struct ExchangeInfo {
  uint16_t status = 0;       // status sent to the client; 0 when none was
  bool aborted = false;      // the connection closed before the response was complete
  uint64_t bytes_in = 0;     // request body bytes read
  uint64_t bytes_out = 0;    // bytes written to the client, head and body
  uint64_t duration_us = 0;  // from the request's first byte to the end
  uint64_t upstream_us = 0;  // from the request's first byte to the upstream's response head
  int64_t start_ms = 0;      // wall clock at the start, ms since the Unix epoch
  std::string_view upstream; // address of the upstream endpoint; empty without one
  uint32_t retries = 0;      // tries after the first (route retry policy)
  std::string_view reason;   // why the gateway answered itself; empty otherwise
};

// What a middleware may read and change about one exchange. Valid during the
// hook call only.
class WEIR_API Context {
 public:
  enum class Phase : uint8_t { request, response, log };

  // Bounds of set_value(): values are for small facts (a consumer name, a
  // claim), not for bodies.
  static constexpr size_t kMaxValues = 16;
  static constexpr size_t kMaxKeyBytes = 64;
  static constexpr size_t kMaxValueBytes = 1024;
  static constexpr size_t kMaxRequestIdBytes = 128;

  const Request& request() const noexcept { return *req_; }
  Phase phase() const noexcept { return phase_; }

  // Request headers sent upstream. set: replaces every same-named header;
  // add: appends; remove: drops them. Names compare case-insensitively.
  // Fields with CR, LF or NUL, or a name that is not a token, are dropped.
  void set_request_header(std::string_view name, std::string_view value);
  void add_request_header(std::string_view name, std::string_view value);
  void remove_request_header(std::string_view name);
  // Response headers toward the client, with the same meanings. They apply
  // to the upstream's response, to handler responses and to respond().
  void set_response_header(std::string_view name, std::string_view value);
  void add_response_header(std::string_view name, std::string_view value);
  void remove_response_header(std::string_view name);

  // Answers locally (request phase); the upstream is not contacted and later
  // request hooks do not run. Response hooks still run, in reverse order.
  void respond(uint16_t status, std::string body = {},
               std::vector<std::pair<std::string, std::string>> headers = {});
  // Answers with the gateway's JSON error body {"error":..., "request_id":...}.
  void respond_error(uint16_t status, std::string_view message,
                     std::vector<std::pair<std::string, std::string>> headers = {});
  // The exchange waits, with the hooks after this one, until the returned
  // handle's resume(). In the request and body phases reading from the
  // client stops; in the response phase (an upstream's response; not a
  // local answer, a handler's response or an upgrade) the upstream's
  // response head waits and reading from the upstream stops. A pause lasts
  // at most the route's timeout_ms: then the client gets 504. Elsewhere (the
  // log phase, a Context not made by a gateway) the handle is empty and
  // nothing pauses.
  Resumer pause();
  // Continues by itself after `ms`, running `then` first when given (as
  // Resumer::resume does). Without `then` it allocates nothing.
  void pause_for(uint32_t ms, std::function<void(Context&)> then = {});
  // Request phase: proxies to upstream `name` instead of the route's
  // target. false (nothing changed) when the snapshot has no such upstream.
  bool set_upstream(std::string_view name);

  // Body phase (on_request_body): the body sent upstream instead of the
  // one received; framed with Content-Length. false in other phases.
  bool set_request_body(std::string body);

  // Request phase: prefer the endpoint with this address ("IP:port", as the
  // upstream lists it after resolution) for the first try, instead of the
  // load-balancing policy's pick. When the upstream has no such endpoint, or
  // it is unhealthy or ejected, the policy picks as usual; retries always go
  // through the policy. false when the address is empty or over 64 bytes.
  bool set_endpoint(std::string_view address);

  // Request phase: the path sent upstream (the query is kept), instead of
  // the route's rewrite. false (unchanged) unless it starts with '/', is at
  // most 8192 bytes, and holds only visible ASCII without '?' and '#'.
  // request().path stays the path as received.
  bool set_path(std::string_view path);

  // The response status (response and log phases), else 0.
  uint16_t response_status() const noexcept { return response_status_; }

  // The exchange's id, as error bodies and the access log carry it.
  std::string_view request_id() const noexcept;
  // Adopts `id` when it is 1..128 of [A-Za-z0-9._-]; false (unchanged) otherwise.
  bool set_request_id(std::string_view id) noexcept;
  // The client's address: the peer's, unless a middleware established
  // another one (ip_filter behind trusted proxies).
  std::string_view client_ip() const noexcept;
  bool set_client_ip(std::string_view ip) noexcept;  // false when longer than 45 bytes

  // Small named values for later middleware and the access log (the built-in
  // auth middleware set "consumer"). false when a bound would be exceeded.
  bool set_value(std::string_view key, std::string_view value);
  std::string_view value(std::string_view key) const noexcept;

  // The log phase's facts; nullptr in the other phases.
  const ExchangeInfo* exchange() const noexcept { return info_; }

  // What a gateway does for pause() and set_upstream(); implemented by the
  // exchange, so a Context made by a test or a benchmark needs none.
  class Host {
   public:
    virtual Resumer pause_exchange() = 0;
    virtual bool pause_exchange_for(uint32_t ms, std::function<void(Context&)>&& then) = 0;
    virtual int32_t find_upstream(std::string_view name) const = 0;

   protected:
    ~Host() = default;
  };

  // What keeps an exchange's `claims` alive when the shared_ptr does not own
  // them: a cache entry of one worker, counted without atomics (the jwt
  // middleware). Released once, on the exchange's thread, with the edits.
  class Hold {
   public:
    virtual void release() noexcept = 0;

   protected:
    ~Hold() = default;
  };

  // The edits the hooks made; the gateway applies them. What most exchanges
  // with middleware touch comes first and fits a few cache lines: the flags,
  // the lists' heads and then, in room lent from the end of this object, the
  // lists' first entries. Not copyable: the lists point into it.
  struct Edits {
    Edits() noexcept {
      values.lend(room_ + kValuesAt, kValuesRoom);
      response_set.lend(room_ + kResponseSetAt, kResponseSetRoom);
      response_add.lend(room_ + kResponseAddAt, kNamesRoom);
      response_remove.lend(room_ + kResponseRemoveAt, kNamesRoom);
      request_set.lend(room_ + kRequestSetAt, kRequestSetRoom);
      request_add.lend(room_ + kRequestAddAt, kNamesRoom);
      request_remove.lend(room_ + kRequestRemoveAt, kNamesRoom);
    }
    ~Edits() { drop_claims(); }

    // `claims` (not owned) as the exchange's, kept alive by `hold`; or
    // owned by the shared_ptr. Either replaces the claims before, and their
    // hold.
    void hold_claims(const void* claims, Hold* hold) noexcept {
      own_claims(std::shared_ptr<const void>(std::shared_ptr<const void>(), claims));
      claims_hold = hold;
    }
    void own_claims(std::shared_ptr<const void> owned) noexcept {
      drop_claims();
      claims = std::move(owned);
    }
    void drop_claims() noexcept {
      claims.reset();
      if (claims_hold) std::exchange(claims_hold, nullptr)->release();
    }

    Host* host = nullptr;
    uint64_t start_ns = 0;  // when the exchange began (uv_hrtime()); 0 outside a gateway
    std::shared_ptr<const void> claims;  // a verified JWT's claims (jwt middleware)
    Hold* claims_hold = nullptr;  // keeps `claims` alive when the shared_ptr does not
    int32_t upstream = -1;  // set_upstream(): an index into the snapshot's upstreams
    bool paused = false;    // the running hook paused the exchange
    bool responded = false;
    bool request_id_changed = false;
    bool body_set = false;
    bool in_body_phase = false;
    bool body_used = false;  // body was written: the gateway clears it at the end
    uint8_t request_id_len = 0;
    uint8_t client_ip_len = 0;  // 0: the peer's address
    // The parts the hooks changed (Context's methods set these bits), so
    // that the gateway reads and clears only those: on a busy worker an
    // exchange's edits are out of the cache by the time its response comes
    // back, and each part is another cache line to fetch.
    enum Touched : uint8_t { request_headers = 1, response_headers = 2, route = 4 };
    uint8_t touched = 0;
    bool changed(Touched part) const noexcept { return (touched & part) != 0; }
    FieldList values;
    // The response's edits, as the request's: a set field replaces the
    // response's own fields of its name, an added one goes beside them, a
    // removed name filters them.
    FieldList response_set;
    FieldList response_add;
    NameList response_remove;
    FieldList request_set;
    FieldList request_add;
    NameList request_remove;
    std::string path;      // set_path(); empty: the route decides
    std::string endpoint;  // set_endpoint(); empty: the policy picks
    char request_id[kMaxRequestIdBytes] = {};
    char client_ip[46] = {};
    std::string body;  // set_request_body()
    Response local;    // respond(); reset when responded

   private:
    static constexpr uint16_t kValuesRoom = 128, kResponseSetRoom = 128,
                              kRequestSetRoom = 128, kNamesRoom = 64;
    static constexpr size_t kValuesAt = 0, kResponseSetAt = kValuesAt + kValuesRoom,
                            kResponseAddAt = kResponseSetAt + kResponseSetRoom,
                            kResponseRemoveAt = kResponseAddAt + kNamesRoom,
                            kRequestSetAt = kResponseRemoveAt + kNamesRoom,
                            kRequestAddAt = kRequestSetAt + kRequestSetRoom,
                            kRequestRemoveAt = kRequestAddAt + kNamesRoom,
                            kRoomBytes = kRequestRemoveAt + kNamesRoom;
    alignas(64) char room_[kRoomBytes];
  };
  Context(const Request* req, Edits* edits, uint16_t status = 0,
          Phase phase = Phase::request, const ExchangeInfo* info = nullptr)
      : req_(req), edits_(edits), info_(info), response_status_(status), phase_(phase) {}
  Edits* edits() const noexcept { return edits_; }

 private:
  const Request* req_;
  Edits* edits_;
  const ExchangeInfo* info_;
  uint16_t response_status_;
  Phase phase_;
};

struct Middleware {
  std::string name;  // a route disables a global middleware by this name
  std::function<void(Context&)> on_request;   // before the upstream; may respond()
  std::function<void(Context&)> on_response;  // response head, reverse order
  std::function<void(Context&)> on_log;       // the exchange ended, in order

  // Body phases, opt-in: an exchange pays for them only on routes whose
  // chain has one (docs/middleware.md).
  // The whole request body, buffered before the upstream (or handler) is
  // contacted, after every on_request; in list order. May set_request_body(),
  // respond() or pause(). A body over request_body_max bytes gets 413.
  std::function<void(Context&, std::string_view body)> on_request_body;
  uint32_t request_body_max = 1u << 20;
  // The request body as it streams upstream, chunk by chunk (read-only);
  // `last` marks the final call, with an empty chunk.
  std::function<void(Context&, std::string_view chunk, bool last)> on_request_chunk;
  // The response body as it streams to the client (read-only), likewise.
  std::function<void(Context&, std::string_view chunk, bool last)> on_response_chunk;
};

class WEIR_API Pipeline {
 public:
  Pipeline& use(Middleware m) {
    chain_.push_back(std::move(m));
    return *this;
  }
  const std::vector<Middleware>& chain() const noexcept { return chain_; }
  bool empty() const noexcept { return chain_.empty(); }

 private:
  std::vector<Middleware> chain_;
};

// A middleware built from config options, or the reason it cannot be. The
// error names the option by its key path below the entry: "rate_per_s:
// expected a positive number"; the config adds the entry's own path.
struct MiddlewareResult {
  Middleware middleware;
  std::string error;
  explicit operator bool() const noexcept { return error.empty(); }
};

// Builds a middleware from the entry's JSON object as text (with its "type"
// and "name" keys). Called off the request path, at start and on reload; the
// middleware it returns may be called from every worker thread at once.
using MiddlewareFactory = std::function<MiddlewareResult(std::string_view options_json)>;

// Makes `type` usable in config files; replaces an earlier factory of the
// same type (also a built-in one). Thread-safe; call before building gateways.
WEIR_API void register_middleware(std::string type, MiddlewareFactory factory);
// Builds a middleware of a registered type; "unknown middleware type" otherwise.
WEIR_API MiddlewareResult make_middleware(std::string_view type, std::string_view options_json);

}  // namespace weir
