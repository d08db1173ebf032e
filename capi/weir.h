/* weir — the stable C ABI of the embeddable API gateway.
 *
 * Plain C11. Opaque handles, weir_status return codes, no variadic functions,
 * callbacks take a `void *user`. Every function accepts NULL handles and
 * answers with an error status instead of crashing. Strings passed in are
 * copied before the call returns unless stated otherwise.
 *
 * Threads: the gateway's own threads call into the host only through the
 * callbacks of a registered middleware type (see "Custom middleware" below)
 * and the log callback (weir_set_log_callback). One weir_gateway_t must not
 * be used by two host threads at the same time (serialise the calls, as the
 * Python and Go bindings do); different handles are independent.
 * weir_status_str(), weir_version(), weir_set_log_callback() and
 * weir_reopen_logs() are safe from any thread.
 */
#ifndef WEIR_H
#define WEIR_H

#include <stddef.h>
#include <stdint.h>

#define WEIR_VERSION_MAJOR 0
#define WEIR_VERSION_MINOR 1
#define WEIR_VERSION_PATCH 0

#if defined(WEIR_BUILDING)
#define WEIR_API __attribute__((visibility("default")))
#else
#define WEIR_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct uv_loop_s;

typedef struct weir_gateway weir_gateway_t; /* opaque */

#define WEIR_STATUS_MAP(XX)                                           \
  XX(OK, 0, "ok")                                                     \
  XX(EINVAL, -1, "invalid argument")                                  \
  XX(ECONFIG, -2, "invalid configuration")                            \
  XX(ESTATE, -3, "call not allowed in the gateway's current state")   \
  XX(ENOMEM, -4, "out of memory")                                     \
  XX(EIO, -5, "input/output error")                                   \
  XX(ELISTEN, -6, "cannot listen on an address")                      \
  XX(EINTERNAL, -7, "internal error")                                 \
  XX(ETOOSMALL, -8, "the caller's buffer is too small")              \
  XX(ENOTFOUND, -9, "not found")

typedef enum weir_status {
#define WEIR_STATUS_ENUM(name, value, text) WEIR_##name = value,
  WEIR_STATUS_MAP(WEIR_STATUS_ENUM)
#undef WEIR_STATUS_ENUM
} weir_status;

/* Creates a gateway from a JSON configuration of `len` bytes (not
 * NUL-terminated necessarily). On failure `*out` still receives a handle that
 * holds the error message (or NULL when memory ran out): read it with
 * weir_gateway_last_error(), then weir_gateway_destroy() it. */
WEIR_API weir_status weir_gateway_create(const char *config_json, size_t len,
                                         weir_gateway_t **out);
/* Reads the JSON configuration from a file, then as weir_gateway_create(). */
WEIR_API weir_status weir_gateway_create_from_file(const char *path, weir_gateway_t **out);
/* Starts the configured number of worker threads, owned by weir. Returns once
 * every listener is bound. */
WEIR_API weir_status weir_gateway_start(weir_gateway_t *gw);
/* Runs one worker on the host's loop instead. The host runs the loop; weir
 * touches the gateway only from that loop's thread. */
WEIR_API weir_status weir_gateway_attach(weir_gateway_t *gw, struct uv_loop_s *loop);
/* Replaces the configuration. Requests in flight finish on the old one. On an
 * invalid configuration the running one is kept and WEIR_ECONFIG returned. */
WEIR_API weir_status weir_gateway_reload(weir_gateway_t *gw, const char *config_json,
                                         size_t len);
/* Stops accepting, lets in-flight exchanges finish for up to `drain_ms`, then
 * closes everything. Returns when stopped. For an attached gateway, call it
 * from the loop's thread; the loop must keep running until the close
 * callbacks have run (uv_run returns then). */
WEIR_API weir_status weir_gateway_stop(weir_gateway_t *gw, uint32_t drain_ms);
/* Frees the gateway, stopping it first if needed (without draining: call
 * weir_gateway_stop() with a drain time first to let requests finish).
 * NULL is a no-op. */
WEIR_API void weir_gateway_destroy(weir_gateway_t *gw);
/* One upstream endpoint: "host:port" or "[v6]:port", and a weight 1..10000. */
typedef struct weir_endpoint {
  const char *address; /* read during the call only */
  uint32_t weight;
} weir_endpoint;

/* Replaces the endpoints of the upstream named `upstream` while the gateway
 * runs (add, remove, re-weight): requests in flight finish where they are,
 * kept endpoints keep their pooled connections, removed ones drain. A later
 * weir_gateway_reload() replaces them again with the configuration's.
 * WEIR_EINVAL for an unknown upstream, an empty list, a bad address or
 * weight, or a duplicate address (the message says which). */
WEIR_API weir_status weir_gateway_set_endpoints(weir_gateway_t *gw, const char *upstream,
                                                const weir_endpoint *endpoints, size_t count);
/* The port listener `index` (in configuration order) is bound to, once the
 * gateway is started or attached: useful with "port": 0, where the kernel
 * chooses. WEIR_ESTATE before start; WEIR_EINVAL for NULL arguments or an
 * index past the last listener. */
WEIR_API weir_status weir_gateway_listener_port(const weir_gateway_t *gw, size_t index,
                                                uint16_t *port);
/* ---- Custom middleware ------------------------------------------------
 *
 * A host registers a middleware type under a name; config entries
 * {"type": "<name>", ...options} then build instances of it. An instance
 * is a few optional phase callbacks (NULL means "continue"):
 *
 *   on_request   the request head is in and routed, before the upstream; in
 *                list order. May edit headers, rewrite the path, choose the
 *                upstream, answer locally (weir_request_respond*) or pause.
 *   on_response  the response head is known, before it is sent; in reverse
 *                order, only for middleware whose on_request ran.
 *   on_log       once when the exchange ended (also after errors, local
 *                answers and client aborts); in list order.
 *
 * Threads: callbacks run on the gateway's worker threads, several at once
 * for different exchanges (one exchange is only ever on one worker), so
 * what an instance shares between requests must be thread-safe. A callback
 * must not block: pause the exchange and resume it later instead.
 *
 * Lifetimes: a weir_request_t and every weir_str read from it are valid
 * only until the callback that received them returns; copy what must last.
 * Strings passed to the editing functions are copied before they return. */

typedef struct weir_request weir_request_t; /* opaque; valid only during the callback that received it */
typedef struct weir_pause weir_pause_t;     /* opaque; the host owns it until weir_pause_resume() */

/* A string view: `len` bytes at `ptr`, not NUL-terminated. `ptr` is never
 * NULL (an empty view points at ""). Borrowed from the request: valid until
 * the callback that read it returns. */
typedef struct weir_str {
  const char *ptr;
  size_t len;
} weir_str;

typedef enum weir_phase {
  WEIR_PHASE_NONE = -1, /* weir_request_phase(NULL) */
  WEIR_PHASE_REQUEST = 0,
  WEIR_PHASE_RESPONSE = 1,
  WEIR_PHASE_LOG = 2
} weir_phase;

/* What the log phase knows about a finished exchange (weir_request_exchange). */
typedef struct weir_exchange_info {
  size_t size;          /* sizeof(weir_exchange_info) of the library: later fields are appended */
  uint16_t status;      /* status sent to the client; 0 when none was */
  int aborted;          /* 1: the connection closed before the response was complete */
  uint64_t bytes_in;    /* request body bytes read */
  uint64_t bytes_out;   /* bytes written to the client, head and body */
  uint64_t duration_us; /* from the request's first byte to the end */
  uint64_t upstream_us; /* from the request's first byte to the upstream's response head; 0 without */
  int64_t start_ms;     /* wall clock at the start, ms since the Unix epoch */
  weir_str upstream;    /* the upstream endpoint's address; empty without one */
  uint32_t retries;     /* tries after the first */
  weir_str reason;      /* why the gateway answered itself ("aborted", ...); empty otherwise */
} weir_exchange_info;

/* A middleware type. Every callback may be NULL. The struct is copied by
 * weir_middleware_register(). */
typedef struct weir_middleware_type {
  /* sizeof(weir_middleware_type) as the caller knows it: fields past it are
   * treated as NULL, so a host built against an older weir.h keeps working. */
  size_t size;
  /* Builds an instance from the config entry: `options_json` is the entry's
   * JSON object (with its "type" and "name" keys), `len` bytes followed by a
   * NUL, valid during the call. Runs at weir_gateway_create/_reload (also
   * for checking a configuration), off the request path, on the calling
   * thread. On WEIR_OK `*instance` is what the phase callbacks receive. On
   * any other status the configuration is refused with the NUL-terminated
   * message written to `err` (at most `err_cap` bytes): name the option by
   * its key below the entry, "deny_prefix: expected a string", and weir puts
   * the entry's path in front ("routes[0].middleware[1].deny_prefix: ...");
   * a message about the whole entry starts with "(entry): ". NULL: the type
   * takes no options (an entry with keys other than "type" and "name" is a
   * configuration error) and the instance is `user`. */
  weir_status (*create)(void *user, const char *options_json, size_t len, void **instance,
                        char *err, size_t err_cap);
  /* Frees an instance that create() made, once no configuration snapshot
   * uses it (after a reload has drained, at weir_gateway_destroy, or right
   * away when the configuration was refused). Any thread. May be NULL. */
  void (*destroy)(void *user, void *instance);
  /* The phases. `req` is valid during the call only; `instance` is create()'s. */
  void (*on_request)(weir_request_t *req, void *instance);
  void (*on_response)(weir_request_t *req, void *instance);
  void (*on_log)(weir_request_t *req, void *instance);
} weir_middleware_type;

/* Makes `type` (1..64 bytes of [A-Za-z0-9_.-]) usable as a middleware
 * "type" in configurations, process-wide, for gateways created after the
 * call. `*mt` is copied; `user` is passed to create() and destroy() and must
 * stay valid while any gateway built with the type exists. Registering a
 * name again replaces the earlier type (a built-in one too) for later
 * configurations. Thread-safe. WEIR_EINVAL for a bad name, NULL `mt` or an
 * `mt->size` smaller than the `size` field. */
WEIR_API weir_status weir_middleware_register(const char *type, const weir_middleware_type *mt,
                                              void *user);

/* Reading the exchange. Any phase unless noted. A NULL `req` gives an empty
 * view, 0, or WEIR_EINVAL; every returned view is borrowed from `req`. In the
 * log phase of a request refused before routing (a malformed head) only the
 * method, the raw target and the client address are known. */
WEIR_API weir_phase weir_request_phase(const weir_request_t *req);
WEIR_API weir_str weir_request_method(const weir_request_t *req);     /* "GET" */
/* The normalised path as received, without the query: a rewrite by
 * weir_request_set_path() or the route does not change it. */
WEIR_API weir_str weir_request_path(const weir_request_t *req);
WEIR_API weir_str weir_request_query(const weir_request_t *req);      /* after '?', without it */
WEIR_API weir_str weir_request_route(const weir_request_t *req);      /* the matched route's name */
/* The client's address ("127.0.0.1", "::1"): the peer's, unless a
 * middleware (ip_filter behind trusted proxies) established another. */
WEIR_API weir_str weir_request_client_ip(const weir_request_t *req);
WEIR_API weir_str weir_request_request_id(const weir_request_t *req); /* as logged and in error bodies */
/* The first request header called `name` (NUL-terminated, compared without
 * case), as the client sent it: edits by middleware are not reflected.
 * WEIR_ENOTFOUND (and an empty `*out`) when there is none; WEIR_EINVAL for
 * NULL arguments. */
WEIR_API weir_status weir_request_header(const weir_request_t *req, const char *name,
                                         weir_str *out);
/* The request headers as received, in order (repeated names included). */
WEIR_API size_t weir_request_header_count(const weir_request_t *req);
/* Header `index` (0-based) of those; WEIR_ENOTFOUND past the last. */
WEIR_API weir_status weir_request_header_at(const weir_request_t *req, size_t index,
                                            weir_str *name, weir_str *value);
/* The route parameter `name` ("id" of "/users/:id"); WEIR_ENOTFOUND when the
 * route has none of that name. */
WEIR_API weir_status weir_request_param(const weir_request_t *req, const char *name,
                                        weir_str *out);
/* The exchange value `key` set by a middleware (the auth middleware set
 * "consumer"); WEIR_ENOTFOUND when unset. */
WEIR_API weir_status weir_request_value(const weir_request_t *req, const char *key,
                                        weir_str *out);
/* The response status in the response and log phases; 0 in the request phase
 * (and in the log phase when no response was sent). */
WEIR_API uint16_t weir_request_response_status(const weir_request_t *req);
/* Log phase: the exchange's facts, owned by `req` (valid during the callback).
 * NULL in the other phases. */
WEIR_API const weir_exchange_info *weir_request_exchange(const weir_request_t *req);

/* Editing the exchange. Names must be HTTP tokens (RFC 9110 5.6.2) of at
 * most 256 bytes and values at most 65536 bytes without CR or LF, else
 * WEIR_EINVAL; at most 128 edits of each direction per exchange (WEIR_EINVAL
 * past that). Framing (Content-Length, Transfer-Encoding) and hop-by-hop
 * fields stay the gateway's business (docs/middleware.md).
 *
 * Request headers sent upstream: request phase only, else WEIR_ESTATE.
 * set replaces every same-named header, add appends one, remove drops them. */
WEIR_API weir_status weir_request_set_header(weir_request_t *req, const char *name,
                                             const char *value);
WEIR_API weir_status weir_request_add_header(weir_request_t *req, const char *name,
                                             const char *value);
WEIR_API weir_status weir_request_remove_header(weir_request_t *req, const char *name);
/* Response headers sent to the client, with the same meanings: request and
 * response phases (WEIR_ESTATE in the log phase). Set in the request phase,
 * they apply to whatever answers: the upstream, a handler or a local reply. */
WEIR_API weir_status weir_request_set_response_header(weir_request_t *req, const char *name,
                                                      const char *value);
WEIR_API weir_status weir_request_add_response_header(weir_request_t *req, const char *name,
                                                      const char *value);
WEIR_API weir_status weir_request_remove_response_header(weir_request_t *req, const char *name);
/* Request phase: the path sent upstream (the query is kept), instead of the
 * route's rewrite. WEIR_EINVAL unless it starts with '/', is at most 8192
 * bytes and holds only visible ASCII without '?' and '#'. */
WEIR_API weir_status weir_request_set_path(weir_request_t *req, const char *path);
/* Request phase: proxy to the configuration's upstream `name` instead of the
 * route's target. WEIR_ENOTFOUND when the configuration has no such upstream. */
WEIR_API weir_status weir_request_set_upstream(weir_request_t *req, const char *name);
/* Request phase: prefer the endpoint with this address ("IP:port", as the
 * upstream lists it after resolution) for the first try. When the upstream
 * has no such endpoint, or it is unhealthy or ejected, the load-balancing
 * policy picks as usual; retries always go through the policy. WEIR_EINVAL
 * for an empty address or one over 64 bytes. */
WEIR_API weir_status weir_request_set_endpoint(weir_request_t *req, const char *address);
/* Any phase: a small named value for later middleware and the access log
 * (under "values"). Keys 1..64 bytes, values up to 1024 bytes, at most 16
 * values per exchange: WEIR_EINVAL past a bound. Setting a key again
 * replaces its value. */
WEIR_API weir_status weir_request_set_value(weir_request_t *req, const char *key,
                                            const char *value);
/* Request phase: answers locally with `status` (200..599) and a body of
 * `len` bytes (copied; NULL with 0 for none, at most 16 MiB). The upstream
 * is not contacted, later request callbacks do not run; response callbacks
 * of the middleware that ran (this one included) see the answer.
 * WEIR_ESTATE outside the request phase, after an answer, or after a pause
 * in the same callback. */
WEIR_API weir_status weir_request_respond(weir_request_t *req, uint16_t status, const char *body,
                                          size_t len);
/* As weir_request_respond(), with the gateway's JSON error body
 * {"error": message, "request_id": ...} and a JSON content type. */
WEIR_API weir_status weir_request_respond_error(weir_request_t *req, uint16_t status,
                                                const char *message);
/* Request or response phase: the exchange waits, with the callbacks after
 * this one, until weir_pause_resume(*out, ...). The worker serves other
 * exchanges meanwhile. In the response phase (an upstream's response only)
 * the response head waits and reading from the upstream stops. A pause
 * lasts at most the route's timeout_ms: then the client gets 504. `*out`
 * belongs to the host, which must pass it to weir_pause_resume() exactly
 * once, also when the exchange is gone by then. WEIR_ESTATE in the log
 * phase, on a response the gateway made itself (a local answer), after an
 * answer, or when already paused. */
WEIR_API weir_status weir_request_pause(weir_request_t *req, weir_pause_t **out);
/* Request or response phase, as weir_request_pause(): the exchange waits
 * `ms` (1..600000) on the worker's timer, then continues by itself. Nothing
 * is allocated. */
WEIR_API weir_status weir_request_pause_for(weir_request_t *req, uint32_t ms);

/* Called back by weir_pause_resume(). `req` is NULL when the exchange is gone. */
typedef void (*weir_resume_fn)(weir_request_t *req, void *user);
/* Continues a paused exchange; callable from any thread, exactly once per
 * pause: it frees `p`. weir hands the call to the exchange's worker (a
 * uv_async wake-up) and there runs `fn(req, user)` with a `req` of the
 * phase that paused, in which it may edit (a request-phase one may also
 * respond), or pause again; then the remaining callbacks of that phase run. When the exchange is gone (the client left, the
 * pause timed out, the gateway stopped), `fn(NULL, user)` is called instead,
 * on whichever thread finds that out, possibly before this function returns,
 * so the host can free `user`. `fn` may be NULL. WEIR_EINVAL for a NULL `p`;
 * WEIR_ENOMEM when the hand-off could not be allocated (then `fn(NULL, user)`
 * has run and the exchange ends with 504 at its timeout). */
WEIR_API weir_status weir_pause_resume(weir_pause_t *p, weir_resume_fn fn, void *user);

/* The last error message of this handle; owned by gw, valid until the next
 * call on gw. Never NULL ("" when there was no error; a fixed text for NULL gw). */
WEIR_API const char *weir_gateway_last_error(const weir_gateway_t *gw);

/* --- Observability (docs/observability.md) ------------------------------- */

/* Totals of the gateway's metrics since it started (counters summed over
 * workers). Set struct_size to sizeof(weir_metrics) before the call: a
 * library older than the caller's header fills only the fields it knows, a
 * newer one only struct_size bytes. */
typedef struct weir_metrics {
  size_t struct_size;           /* in: sizeof(weir_metrics) */
  uint64_t requests;            /* exchanges ended */
  uint64_t responses_1xx;       /* ... by the class of the status sent */
  uint64_t responses_2xx;
  uint64_t responses_3xx;
  uint64_t responses_4xx;
  uint64_t responses_5xx;
  uint64_t no_response;         /* ended before any response was sent */
  uint64_t gateway_errors;      /* responses the gateway made itself (404 no route, 502, 503...) */
  uint64_t upstream_requests;   /* exchanges relayed to an upstream endpoint */
  uint64_t upstream_errors;     /* ... of them ending with a 5xx */
  uint64_t retries;             /* tries after the first */
  uint64_t connections_open;    /* client connections open now */
  uint64_t connections_accepted;
  uint64_t bytes_received;      /* request body bytes from clients */
  uint64_t bytes_sent;          /* response bytes to clients, heads included */
  uint64_t access_log_dropped;  /* access log lines dropped (process-wide) */
} weir_metrics;

/* Fills `*out` (see weir_metrics). WEIR_EINVAL for NULL arguments or a
 * struct_size smaller than the first two fields. Works before start (all 0). */
WEIR_API weir_status weir_gateway_metrics(weir_gateway_t *gw, weir_metrics *out);

/* Every metric in the Prometheus text format 0.0.4 (what a /metrics endpoint
 * serves). Writes the text and a terminating NUL into buf (owned by the
 * caller, `cap` bytes) and its length without the NUL to `*len`. When cap is
 * less than that length + 1 (buf may be NULL with cap 0 to ask for the size)
 * nothing is written to buf, *len still receives the length, and the call
 * returns WEIR_ETOOSMALL: allocate *len + 1 (with some room to spare: new
 * series may appear in between) and call again. */
WEIR_API weir_status weir_gateway_prometheus_text(weir_gateway_t *gw, char *buf, size_t cap,
                                                  size_t *len);

typedef enum weir_breaker_state {
  WEIR_BREAKER_CLOSED = 0,
  WEIR_BREAKER_OPEN = 1,
  WEIR_BREAKER_HALF_OPEN = 2
} weir_breaker_state;

/* One endpoint of an upstream, as weir_gateway_upstream_state() reports it. */
typedef struct weir_endpoint_state {
  const char *address;      /* owned by gw; valid until the next call on gw */
  uint32_t weight;
  int32_t healthy;          /* 1 unless active health checks marked it down */
  int32_t ejected;          /* 1 while outlier detection keeps it out */
  uint32_t active_requests; /* in flight to it now, all workers */
} weir_endpoint_state;

/* An upstream's circuit breaker and concurrency counts. Set struct_size to
 * sizeof(weir_upstream_state) before the call. */
typedef struct weir_upstream_state {
  size_t struct_size;      /* in: sizeof(weir_upstream_state) */
  size_t endpoint_count;   /* out: how many endpoints the upstream has */
  int32_t has_breaker;     /* 1 when a circuit_breaker is configured */
  int32_t breaker;         /* a weir_breaker_state; CLOSED without a breaker */
  uint32_t connections;    /* in use now, gateway-wide (0 without a breaker) */
  uint32_t pending;
  uint32_t requests;
  uint32_t retries;
  uint32_t max_connections; /* the breaker's limits; 0: no limit */
  uint32_t max_pending;
  uint32_t max_requests;
  uint32_t max_retries;
} weir_upstream_state;

/* Reads the state of upstream `upstream` of the running configuration into
 * `*state`, and its first `capacity` endpoints into `endpoints` (an array
 * owned by the caller; NULL when capacity is 0), whose elements are
 * `endpoint_size` bytes apart: pass sizeof(weir_endpoint_state). Returns
 * WEIR_ETOOSMALL (with *state and the first `capacity` endpoints filled)
 * when state->endpoint_count > capacity; WEIR_EINVAL for an unknown
 * upstream (the message names it), NULL arguments or a too small
 * struct_size / endpoint_size. The counts of requests in flight are asked of
 * each worker on its loop: with weir_gateway_attach(), call it from the
 * loop's thread or while the loop runs (WEIR_ESTATE after 2 s otherwise). */
WEIR_API weir_status weir_gateway_upstream_state(weir_gateway_t *gw, const char *upstream,
                                                 weir_upstream_state *state,
                                                 weir_endpoint_state *endpoints, size_t capacity,
                                                 size_t endpoint_size);

typedef enum weir_log_level {
  WEIR_LOG_DEBUG = 0,
  WEIR_LOG_INFO = 1,
  WEIR_LOG_WARN = 2,
  WEIR_LOG_ERROR = 3
} weir_log_level;

/* Receives one log line: `message` is NUL-terminated, `len` bytes without
 * the NUL, no trailing newline, valid during the call only. */
typedef void (*weir_log_fn)(void *user, weir_log_level level, const char *message, size_t len);

/* Process-wide: sends weir's log lines of `min_level` and above to `fn`
 * (NULL restores the default, one line per message on stderr; min_level
 * still applies). The callback runs on the thread that logs: a worker
 * thread (the host's loop thread when attached), the access log's writer
 * thread, or the host's own thread inside a weir call (e.g. a reload). So
 * it must be thread-safe, must not block for long, and must not call
 * weir_set_log_callback() (that returns WEIR_ESTATE). Callable from any
 * thread at any time: once it returns, the previous callback is not running
 * and is never called again, so `user` of the old one may be freed.
 * WEIR_EINVAL for a min_level outside WEIR_LOG_DEBUG..WEIR_LOG_ERROR. */
WEIR_API weir_status weir_set_log_callback(weir_log_fn fn, void *user, weir_log_level min_level);

/* Reopens the access log files of every gateway in the process within one
 * flush interval (20 ms), for log rotation: rename the file, call this, new
 * lines go to a new file at the configured path. weir-gateway does it on
 * SIGUSR1. Any thread; not async-signal-safe (call it from a signal waiter,
 * not a handler). Always WEIR_OK. */
WEIR_API weir_status weir_reopen_logs(void);

/* A static English text for a status code. Never NULL. */
WEIR_API const char *weir_status_str(weir_status st);
/* "MAJOR.MINOR.PATCH" of the library at run time. */
WEIR_API const char *weir_version(void);

#ifdef __cplusplus
}
#endif

#endif /* WEIR_H */
