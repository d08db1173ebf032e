/* custom_middleware_c: a middleware type written in C, used from a config file.
 *
 *   custom_middleware_c [--config FILE]      (default: gateway.json)
 *
 * Registers the type "guard" before the gateway is created, so the file can
 * say {"type": "guard", "deny_prefix": "/admin", "header": "x-guarded-by"}:
 * requests under deny_prefix get 403 at the edge, the others go upstream
 * with `header` added. Prints "listening on PORT" once it serves; SIGTERM or
 * SIGINT drains for a second and exits 0. */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weir.h"

/* One instance per config entry: its options, read once by create(). */
struct guard {
  char deny_prefix[256];
  char header[128];
};

/* The string value of "key" in a flat JSON object: 1 found, 0 absent, -1
 * not a plain string. Only the escapes \" \\ \/ are understood, which keeps
 * this example short; a real middleware uses a JSON parser. */
static int string_option(const char *json, const char *key, char *out, size_t cap) {
  char quoted[80];
  snprintf(quoted, sizeof quoted, "\"%s\"", key);
  const char *p = strstr(json, quoted);
  if (!p) return 0;
  p += strlen(quoted);
  while (*p == ' ' || *p == '\n' || *p == '\t' || *p == ':') ++p;
  if (*p++ != '"') return -1;
  size_t n = 0;
  for (; *p && *p != '"'; ++p) {
    if (*p == '\\' && (!*++p || !strchr("\"\\/", *p))) return -1;
    if (n + 1 >= cap) return -1;
    out[n++] = *p;
  }
  out[n] = '\0';
  return *p == '"' && n > 0 ? 1 : -1;
}

/* Errors name the option; weir puts the entry's key path in front. */
static weir_status guard_create(void *user, const char *json, size_t len, void **instance,
                                char *err, size_t err_cap) {
  (void)user, (void)len;
  struct guard *g = calloc(1, sizeof *g);
  if (!g) return WEIR_ENOMEM;
  int found = string_option(json, "deny_prefix", g->deny_prefix, sizeof g->deny_prefix);
  if (found <= 0 || g->deny_prefix[0] != '/') {
    snprintf(err, err_cap, "deny_prefix: %s", found ? "expected a path starting with /" : "required");
    free(g);
    return WEIR_ECONFIG;
  }
  strcpy(g->header, "x-guarded-by");
  if (string_option(json, "header", g->header, sizeof g->header) < 0) {
    snprintf(err, err_cap, "header: expected a header name");
    free(g);
    return WEIR_ECONFIG;
  }
  *instance = g;
  return WEIR_OK;
}

static void guard_destroy(void *user, void *instance) {
  (void)user;
  free(instance);
}

/* Worker threads, concurrently: reads only its own immutable options. */
static void guard_on_request(weir_request_t *req, void *instance) {
  const struct guard *g = instance;
  weir_str path = weir_request_path(req); /* borrowed: valid during this call */
  size_t n = strlen(g->deny_prefix);
  if (path.len >= n && memcmp(path.ptr, g->deny_prefix, n) == 0) {
    weir_request_set_value(req, "guard", "denied"); /* shows in the access log */
    weir_request_respond_error(req, 403, "forbidden by the guard");
    return;
  }
  if (weir_request_add_header(req, g->header, "custom_middleware_c") != WEIR_OK)
    weir_request_respond_error(req, 500, "guard: bad header name");
}

static const weir_middleware_type guard_type = {
    .size = sizeof(weir_middleware_type),
    .create = guard_create,
    .destroy = guard_destroy,
    .on_request = guard_on_request,
};

int main(int argc, char **argv) {
  const char *config = "gateway.json";
  if (argc == 3 && strcmp(argv[1], "--config") == 0) {
    config = argv[2];
  } else if (argc != 1) {
    fprintf(stderr, "usage: custom_middleware_c [--config FILE]\n");
    return 2;
  }
  /* Blocked before weir starts its threads, so only sigwait() sees them. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);

  weir_status st = weir_middleware_register("guard", &guard_type, NULL);
  if (st != WEIR_OK) {
    fprintf(stderr, "custom_middleware_c: register: %s\n", weir_status_str(st));
    return 1;
  }
  weir_gateway_t *gw = NULL;
  st = weir_gateway_create_from_file(config, &gw);
  if (st == WEIR_OK) st = weir_gateway_start(gw);
  uint16_t port = 0;
  if (st == WEIR_OK) st = weir_gateway_listener_port(gw, 0, &port);
  if (st != WEIR_OK) {
    fprintf(stderr, "custom_middleware_c: %s: %s\n", weir_status_str(st), weir_gateway_last_error(gw));
    weir_gateway_destroy(gw);
    return 1;
  }
  printf("listening on %u\n", (unsigned)port);
  fflush(stdout);

  int sig = 0;
  sigwait(&stop, &sig);
  st = weir_gateway_stop(gw, 1000);
  weir_gateway_destroy(gw);
  return st == WEIR_OK ? 0 : 1;
}
