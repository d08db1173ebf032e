/* weir — the stable C ABI of the embeddable API gateway.
 *
 * Plain C11. Opaque handles, weir_status return codes, no variadic functions,
 * callbacks take a `void *user`. Every function accepts NULL handles and
 * answers with an error status instead of crashing. Strings passed in are
 * copied before the call returns unless stated otherwise.
 *
 * Threads: the gateway's own threads call into the host only through the log
 * callback (weir_set_log_callback). One weir_gateway_t must not be used by
 * two host threads at the same time (serialise the calls, as the Python and
 * Go bindings do); different handles are independent. weir_status_str(),
 * weir_version(), weir_set_log_callback() and weir_reopen_logs() are safe
 * from any thread.
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
  XX(ETOOSMALL, -8, "the caller's buffer is too small")

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
