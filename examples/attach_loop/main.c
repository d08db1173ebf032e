/* attach_loop: weir on the host's own libuv loop, through the C ABI.
 *
 *   attach_loop --port P --upstream HOST:PORT
 *
 * The host owns the loop and runs it; weir adds its listener and connections
 * to it and never starts a thread. SIGTERM or SIGINT stops the gateway from
 * the loop's own thread, as the ABI requires for an attached gateway, and
 * uv_run returns once weir has closed its handles. */

/* Strict C11 hides POSIX; uv.h needs it (pthread types). */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "weir.h"

static weir_gateway_t *gateway;
static uv_signal_t stop_signals[2]; /* SIGTERM, SIGINT */

static void on_stop_signal(uv_signal_t *sig, int signum) {
  (void)sig;
  (void)signum;
  weir_status st = weir_gateway_stop(gateway, 1000);
  if (st != WEIR_OK) fprintf(stderr, "attach_loop: stop: %s\n", weir_status_str(st));
  /* Our last handles: with them closed, uv_run returns once weir has closed
   * its own. */
  for (int i = 0; i < 2; ++i)
    if (!uv_is_closing((uv_handle_t *)&stop_signals[i]))
      uv_close((uv_handle_t *)&stop_signals[i], NULL);
}

/* The address goes into a JSON string, so it may hold only what a host:port
 * or [v6]:port holds: nothing to escape. */
static int plain_address(const char *s) {
  size_t len = strlen(s);
  if (len == 0 || len > 200) return 0;
  for (size_t i = 0; i < len; ++i)
    if (!isalnum((unsigned char)s[i]) && !strchr(".:[]-", s[i])) return 0;
  return 1;
}

int main(int argc, char **argv) {
  const char *upstream = NULL;
  long port = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--upstream") == 0) upstream = argv[i + 1];
    else if (strcmp(argv[i], "--port") == 0) port = strtol(argv[i + 1], NULL, 10);
  }
  if (argc != 5 || !upstream || !plain_address(upstream) || port <= 0 || port > 65535) {
    fprintf(stderr, "usage: attach_loop --port P --upstream HOST:PORT\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN); /* a client that hangs up is an error value, not a signal */

  char config[512];
  int n = snprintf(config, sizeof config,
                   "{\"listeners\":[{\"name\":\"public\",\"address\":\"127.0.0.1\",\"port\":%ld}],"
                   "\"upstreams\":{\"remote\":{\"endpoints\":[{\"address\":\"%s\"}]}},"
                   "\"routes\":[{\"name\":\"all\",\"match\":{\"prefix\":\"/\"},"
                   "\"upstream\":\"remote\"}]}",
                   port, upstream);
  if (n < 0 || (size_t)n >= sizeof config) return 2;

  uv_loop_t loop;
  if (uv_loop_init(&loop) != 0) return 1;
  weir_status st = weir_gateway_create(config, (size_t)n, &gateway);
  if (st == WEIR_OK) st = weir_gateway_attach(gateway, &loop);
  if (st != WEIR_OK) {
    fprintf(stderr, "attach_loop: %s: %s\n", weir_status_str(st),
            weir_gateway_last_error(gateway));
    weir_gateway_destroy(gateway);
    uv_loop_close(&loop);
    return 1;
  }

  const int signums[2] = {SIGTERM, SIGINT};
  for (int i = 0; i < 2; ++i) {
    uv_signal_init(&loop, &stop_signals[i]);
    uv_signal_start_oneshot(&stop_signals[i], on_stop_signal, signums[i]);
  }
  printf("listening on %ld\n", port);
  fflush(stdout);

  uv_run(&loop, UV_RUN_DEFAULT);
  weir_gateway_destroy(gateway);
  /* Every handle is closed by now: weir left nothing behind on our loop. */
  if (uv_loop_close(&loop) != 0) {
    fprintf(stderr, "attach_loop: handles left open on the loop\n");
    return 1;
  }
  return 0;
}
