/* weir — the stable C ABI of the embeddable API gateway.
 *
 * Plain C11. Opaque handles, weir_status return codes, no variadic functions,
 * callbacks take a `void *user`. Every function accepts NULL handles and
 * answers with an error status instead of crashing. Strings passed in are
 * copied before the call returns unless stated otherwise.
 *
 * Threads: the gateway's own workers never call into the host through these
 * functions. One weir_gateway_t must not be used by two host threads at the
 * same time (serialise the calls, as the Python and Go bindings do);
 * different handles are independent. weir_status_str() and weir_version()
 * are safe from any thread.
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
  XX(EINTERNAL, -7, "internal error")

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

/* A static English text for a status code. Never NULL. */
WEIR_API const char *weir_status_str(weir_status st);
/* "MAJOR.MINOR.PATCH" of the library at run time. */
WEIR_API const char *weir_version(void);

#ifdef __cplusplus
}
#endif

#endif /* WEIR_H */
