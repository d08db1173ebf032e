/* The C ABI (capi/weir.h) driven from C11, the way a binding or a C host
 * uses it: every entry point with NULL handles and wrong arguments, broken
 * configurations and the messages they leave, and the whole life cycle with
 * real HTTP requests through the gateway to small origins on 127.0.0.1.
 *
 * Fails fast: the first failed check prints where and exits 1. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "check.h"
#include "test_net.h"
#include "weir.h"

/* A port that was free a moment ago (the C ABI has no port getter, so the
 * test picks the listener's port itself and retries if it was taken). */
static uint16_t free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  struct sockaddr_in sa = loopback(0);
  CHECK(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
  socklen_t len = sizeof sa;
  CHECK(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
  close(fd);
  return ntohs(sa.sin_port);
}

/* One GET on a fresh connection (test_net.h). */
static int http_get(uint16_t port, const char *path, char *out, size_t cap) {
  return http_request(port, path, NULL, out, cap);
}

/* GETs until the body holds `want` or `timeout_s` passes: a reload is
 * published to the workers asynchronously. */
static int eventually_serves(uint16_t port, const char *want, double timeout_s) {
  char buf[4096];
  double deadline = now_s() + timeout_s;
  do {
    if (http_get(port, "/capi", buf, sizeof buf) == 200 && strstr(buf, want)) return 1;
    sleep_ms(20);
  } while (now_s() < deadline);
  return 0;
}

/* ---- configurations ---- */

static size_t config_for(char *buf, size_t cap, uint16_t listen_port, uint16_t origin_port) {
  int n = snprintf(buf, cap,
                   "{\"workers\":1,"
                   "\"listeners\":[{\"name\":\"p\",\"address\":\"127.0.0.1\",\"port\":%u}],"
                   "\"upstreams\":{\"o\":{\"endpoints\":[{\"address\":\"127.0.0.1:%u\"}]}},"
                   "\"routes\":[{\"name\":\"r\",\"match\":{\"prefix\":\"/\"},\"upstream\":\"o\"}]}",
                   (unsigned)listen_port, (unsigned)origin_port);
  CHECK(n > 0 && (size_t)n < cap);
  return (size_t)n;
}

static const char kUnknownUpstream[] =
    "{\"listeners\":[{\"name\":\"p\",\"address\":\"127.0.0.1\",\"port\":1}],"
    "\"upstreams\":{\"o\":{\"endpoints\":[{\"address\":\"127.0.0.1:2\"}]}},"
    "\"routes\":[{\"name\":\"r\",\"match\":{\"prefix\":\"/\"},\"upstream\":\"missing\"}]}";

/* A started gateway in front of `origin_port` on a fresh port (`*port`). */
static weir_gateway_t *started_gateway(uint16_t origin_port, uint16_t *port) {
  char cfg[1024];
  for (int attempt = 0; attempt < 5; ++attempt) {
    *port = free_port();
    size_t len = config_for(cfg, sizeof cfg, *port, origin_port);
    weir_gateway_t *gw = NULL;
    CHECK_STATUS(weir_gateway_create(cfg, len, &gw), WEIR_OK);
    CHECK(gw != NULL);
    CHECK(strcmp(weir_gateway_last_error(gw), "") == 0);
    weir_status st = weir_gateway_start(gw);
    if (st == WEIR_OK) return gw;
    fprintf(stderr, "start: %s: %s (retrying)\n", weir_status_str(st), weir_gateway_last_error(gw));
    CHECK(st == WEIR_ELISTEN); /* only a port taken meanwhile is worth a retry */
    weir_gateway_destroy(gw);
  }
  CHECK(!"no free port after 5 attempts");
  return NULL;
}

/* ---- the tests ---- */

static void test_version(void) {
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", WEIR_VERSION_MAJOR, WEIR_VERSION_MINOR,
           WEIR_VERSION_PATCH);
  CHECK(weir_version() != NULL);
  CHECK(strcmp(weir_version(), want) == 0);
}

static void test_status_str(void) {
  const weir_status all[] = {
#define WEIR_TEST_CODE(name, value, text) WEIR_##name,
      WEIR_STATUS_MAP(WEIR_TEST_CODE)
#undef WEIR_TEST_CODE
  };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i) {
    const char *s = weir_status_str(all[i]);
    CHECK(s != NULL && s[0] != '\0');
    CHECK(strcmp(s, weir_status_str((weir_status)12345)) != 0);
    for (size_t j = 0; j < i; ++j) CHECK(strcmp(s, weir_status_str(all[j])) != 0);
  }
  CHECK(weir_status_str((weir_status)12345) != NULL);
  CHECK(weir_status_str((weir_status)-12345) != NULL);
}

static void test_null_arguments(void) {
  char cfg[1024];
  size_t len = config_for(cfg, sizeof cfg, 1, 2);
  uv_loop_t loop;
  CHECK(uv_loop_init(&loop) == 0);

  CHECK_STATUS(weir_gateway_create(cfg, len, NULL), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_create_from_file("weir.json", NULL), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_start(NULL), WEIR_EINVAL);
  uint16_t bound = 0;
  CHECK_STATUS(weir_gateway_listener_port(NULL, 0, &bound), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_attach(NULL, &loop), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_attach(NULL, NULL), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_reload(NULL, cfg, len), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_reload(NULL, NULL, 0), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_stop(NULL, 0), WEIR_EINVAL);
  CHECK(weir_gateway_last_error(NULL) != NULL && weir_gateway_last_error(NULL)[0] != '\0');
  weir_gateway_destroy(NULL);

  /* A NULL config still yields a handle that says why. */
  weir_gateway_t *gw = (weir_gateway_t *)&loop; /* must be overwritten */
  CHECK_STATUS(weir_gateway_create(NULL, 10, &gw), WEIR_EINVAL);
  CHECK(gw != NULL && gw != (weir_gateway_t *)&loop);
  CHECK(strstr(weir_gateway_last_error(gw), "NULL") != NULL);
  /* A handle without a gateway refuses the life cycle with ESTATE. */
  CHECK_STATUS(weir_gateway_start(gw), WEIR_ESTATE);
  CHECK_STATUS(weir_gateway_attach(gw, &loop), WEIR_ESTATE);
  CHECK_STATUS(weir_gateway_reload(gw, cfg, len), WEIR_ESTATE);
  CHECK_STATUS(weir_gateway_stop(gw, 0), WEIR_ESTATE);
  weir_gateway_destroy(gw);

  gw = NULL;
  CHECK_STATUS(weir_gateway_create_from_file(NULL, &gw), WEIR_EINVAL);
  CHECK(gw != NULL && strstr(weir_gateway_last_error(gw), "NULL") != NULL);
  weir_gateway_destroy(gw);

  /* NULL arguments next to a valid handle. */
  gw = NULL;
  CHECK_STATUS(weir_gateway_create(cfg, len, &gw), WEIR_OK);
  CHECK_STATUS(weir_gateway_attach(gw, NULL), WEIR_EINVAL);
  CHECK(weir_gateway_last_error(gw)[0] != '\0');
  CHECK_STATUS(weir_gateway_reload(gw, NULL, 5), WEIR_EINVAL);
  weir_gateway_destroy(gw); /* created, never started */

  CHECK(uv_loop_close(&loop) == 0);
}

static void expect_config_error(const char *json, size_t len, const char *in_message) {
  weir_gateway_t *gw = NULL;
  CHECK_STATUS(weir_gateway_create(json, len, &gw), WEIR_ECONFIG);
  CHECK(gw != NULL);
  const char *msg = weir_gateway_last_error(gw);
  if (!strstr(msg, in_message)) {
    fprintf(stderr, "error \"%s\" does not name \"%s\"\n", msg, in_message);
    CHECK(!"the error names the key path");
  }
  weir_gateway_destroy(gw);
}

static void test_bad_configs(void) {
  const char truncated[] = "{\"workers\":";
  expect_config_error(truncated, sizeof truncated - 1, "");
  const char wrong_type[] = "{\"workers\":\"two\"}";
  expect_config_error(wrong_type, sizeof wrong_type - 1, "workers");
  expect_config_error(kUnknownUpstream, sizeof kUnknownUpstream - 1, "routes[0].upstream");

  /* `len` is honoured: the text need not end with NUL, and what lies past
   * `len` is not read. */
  char cfg[1024];
  size_t len = config_for(cfg, sizeof cfg, 1, 2);
  expect_config_error(cfg, len - 1, "");
  char unterminated[1024];
  memcpy(unterminated, cfg, len);
  memset(unterminated + len, '}', sizeof unterminated - len);
  weir_gateway_t *gw = NULL;
  CHECK_STATUS(weir_gateway_create(unterminated, len, &gw), WEIR_OK);
  weir_gateway_destroy(gw);

  /* From a file: a missing one, a broken one, a good one. */
  gw = NULL;
  weir_status st = weir_gateway_create_from_file("/nonexistent/weir-capi-test.json", &gw);
  CHECK(st == WEIR_ECONFIG || st == WEIR_EIO);
  CHECK(gw != NULL && weir_gateway_last_error(gw)[0] != '\0');
  weir_gateway_destroy(gw);

  char path[] = "/tmp/weir-capi-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  CHECK(write(fd, kUnknownUpstream, sizeof kUnknownUpstream - 1) ==
        (ssize_t)(sizeof kUnknownUpstream - 1));
  gw = NULL;
  CHECK_STATUS(weir_gateway_create_from_file(path, &gw), WEIR_ECONFIG);
  CHECK(strstr(weir_gateway_last_error(gw), "routes[0].upstream") != NULL);
  weir_gateway_destroy(gw);
  CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
  CHECK(write(fd, cfg, len) == (ssize_t)len);
  close(fd);
  gw = NULL;
  CHECK_STATUS(weir_gateway_create_from_file(path, &gw), WEIR_OK);
  weir_gateway_destroy(gw);
  unlink(path);
}

static void test_life_cycle(void) {
  struct responder a, b;
  responder_start(&a, "origin-a\n");
  responder_start(&b, "origin-b\n");
  uint16_t port = 0;
  weir_gateway_t *gw = started_gateway(a.port, &port);
  char buf[4096];

  CHECK(http_get(port, "/capi", buf, sizeof buf) == 200);
  CHECK(strstr(buf, "origin-a") != NULL);

  uint16_t bound = 0;
  CHECK_STATUS(weir_gateway_listener_port(gw, 0, &bound), WEIR_OK);
  CHECK(bound == port);
  CHECK_STATUS(weir_gateway_listener_port(gw, 1, &bound), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_listener_port(gw, 0, NULL), WEIR_EINVAL);

  CHECK_STATUS(weir_gateway_start(gw), WEIR_ESTATE);
  CHECK(weir_gateway_last_error(gw)[0] != '\0');
  uv_loop_t loop;
  CHECK(uv_loop_init(&loop) == 0);
  CHECK_STATUS(weir_gateway_attach(gw, &loop), WEIR_ESTATE);
  CHECK(uv_loop_close(&loop) == 0);

  /* Broken reloads leave the running configuration serving. */
  CHECK_STATUS(weir_gateway_reload(gw, "{\"routes\": [", 12), WEIR_ECONFIG);
  CHECK(weir_gateway_last_error(gw)[0] != '\0');
  CHECK_STATUS(weir_gateway_reload(gw, kUnknownUpstream, sizeof kUnknownUpstream - 1),
               WEIR_ECONFIG);
  CHECK(strstr(weir_gateway_last_error(gw), "routes[0].upstream") != NULL);
  CHECK(http_get(port, "/capi", buf, sizeof buf) == 200);
  CHECK(strstr(buf, "origin-a") != NULL);

  /* A good reload moves the route to the other origin. */
  char cfg[1024];
  size_t len = config_for(cfg, sizeof cfg, port, b.port);
  CHECK_STATUS(weir_gateway_reload(gw, cfg, len), WEIR_OK);
  CHECK(strcmp(weir_gateway_last_error(gw), "") == 0);
  CHECK(eventually_serves(port, "origin-b", 5.0));

  CHECK_STATUS(weir_gateway_stop(gw, 1000), WEIR_OK);
  CHECK(http_get(port, "/capi", buf, sizeof buf) == -1); /* no longer listening */
  CHECK_STATUS(weir_gateway_stop(gw, 1000), WEIR_OK);
  CHECK_STATUS(weir_gateway_start(gw), WEIR_ESTATE);
  CHECK_STATUS(weir_gateway_reload(gw, cfg, len), WEIR_ESTATE);
  weir_gateway_destroy(gw);

  /* Destroy stops a running gateway by itself. */
  gw = started_gateway(b.port, &port);
  CHECK(http_get(port, "/capi", buf, sizeof buf) == 200);
  weir_gateway_destroy(gw);
  CHECK(http_get(port, "/capi", buf, sizeof buf) == -1);

  responder_stop(&a);
  responder_stop(&b);
}

static void test_listen_failure(void) {
  /* 192.0.2.1 (TEST-NET-1, RFC 5737) is not an address of this host. */
  char cfg[1024];
  int n = snprintf(cfg, sizeof cfg,
                   "{\"workers\":1,"
                   "\"listeners\":[{\"name\":\"p\",\"address\":\"192.0.2.1\",\"port\":%u}],"
                   "\"upstreams\":{\"o\":{\"endpoints\":[{\"address\":\"127.0.0.1:2\"}]}},"
                   "\"routes\":[{\"name\":\"r\",\"match\":{\"prefix\":\"/\"},\"upstream\":\"o\"}]}",
                   (unsigned)free_port());
  weir_gateway_t *gw = NULL;
  CHECK_STATUS(weir_gateway_create(cfg, (size_t)n, &gw), WEIR_OK);
  CHECK_STATUS(weir_gateway_start(gw), WEIR_ELISTEN);
  CHECK(strstr(weir_gateway_last_error(gw), "192.0.2.1") != NULL);
  weir_gateway_destroy(gw);
}

/* ---- attach: the host's loop on a thread of the test ---- */

struct attached {
  uv_loop_t loop;
  uv_async_t stop_async;
  weir_gateway_t *gw;
  weir_status stop_status;
  atomic_int loop_done;
};

static void on_stop_async(uv_async_t *async) {
  struct attached *at = async->data;
  at->stop_status = weir_gateway_stop(at->gw, 1000); /* on the loop's thread */
  uv_close((uv_handle_t *)async, NULL);
}

static void *run_loop(void *arg) {
  struct attached *at = arg;
  uv_run(&at->loop, UV_RUN_DEFAULT);
  atomic_store(&at->loop_done, 1);
  return NULL;
}

static void test_attach(void) {
  struct responder origin;
  responder_start(&origin, "origin-attached\n");
  struct attached at;
  memset(&at, 0, sizeof at);
  at.stop_status = WEIR_EINTERNAL;
  CHECK(uv_loop_init(&at.loop) == 0);
  CHECK(uv_async_init(&at.loop, &at.stop_async, on_stop_async) == 0);
  at.stop_async.data = &at;

  uint16_t port = 0;
  char cfg[1024];
  for (int attempt = 0; attempt < 5; ++attempt) {
    port = free_port();
    size_t len = config_for(cfg, sizeof cfg, port, origin.port);
    CHECK_STATUS(weir_gateway_create(cfg, len, &at.gw), WEIR_OK);
    weir_status st = weir_gateway_attach(at.gw, &at.loop);
    if (st == WEIR_OK) break;
    CHECK(st == WEIR_ELISTEN);
    weir_gateway_destroy(at.gw);
    at.gw = NULL;
  }
  CHECK(at.gw != NULL);
  CHECK_STATUS(weir_gateway_attach(at.gw, &at.loop), WEIR_ESTATE);
  CHECK_STATUS(weir_gateway_start(at.gw), WEIR_ESTATE);

  pthread_t loop_thread;
  CHECK(pthread_create(&loop_thread, NULL, run_loop, &at) == 0);
  char buf[4096];
  CHECK(http_get(port, "/capi", buf, sizeof buf) == 200);
  CHECK(strstr(buf, "origin-attached") != NULL);

  CHECK(uv_async_send(&at.stop_async) == 0);
  double deadline = now_s() + 10.0;
  while (!atomic_load(&at.loop_done) && now_s() < deadline) sleep_ms(10);
  CHECK(atomic_load(&at.loop_done)); /* uv_run returned: weir closed its handles */
  CHECK(pthread_join(loop_thread, NULL) == 0);
  CHECK_STATUS(at.stop_status, WEIR_OK);
  CHECK(http_get(port, "/capi", buf, sizeof buf) == -1);
  weir_gateway_destroy(at.gw);
  CHECK(uv_loop_close(&at.loop) == 0); /* nothing of weir's is left on the loop */
  responder_stop(&origin);
}

/* ---- observability: metrics, Prometheus text, upstream state, logs ---- */

static void test_observe_misuse(void) {
  weir_metrics m;
  memset(&m, 0, sizeof m);
  m.struct_size = sizeof m;
  size_t len = 0;
  char buf[64];
  weir_upstream_state us;
  memset(&us, 0, sizeof us);
  us.struct_size = sizeof us;
  weir_endpoint_state eps[2];
  CHECK_STATUS(weir_gateway_metrics(NULL, &m), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_prometheus_text(NULL, buf, sizeof buf, &len), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_upstream_state(NULL, "o", &us, eps, 2, sizeof eps[0]), WEIR_EINVAL);

  /* A handle whose create failed has no gateway to read. */
  weir_gateway_t *gw = NULL;
  CHECK_STATUS(weir_gateway_create(kUnknownUpstream, sizeof kUnknownUpstream - 1, &gw), WEIR_ECONFIG);
  CHECK_STATUS(weir_gateway_metrics(gw, &m), WEIR_ESTATE);
  CHECK_STATUS(weir_gateway_prometheus_text(gw, buf, sizeof buf, &len), WEIR_ESTATE);
  CHECK_STATUS(weir_gateway_upstream_state(gw, "o", &us, eps, 2, sizeof eps[0]), WEIR_ESTATE);
  weir_gateway_destroy(gw);

  /* A created, not started gateway: NULL and undersized arguments, then
   * zero totals and the configured endpoints. */
  char cfg[1024];
  size_t cfg_len = config_for(cfg, sizeof cfg, 1, 2);
  gw = NULL;
  CHECK_STATUS(weir_gateway_create(cfg, cfg_len, &gw), WEIR_OK);
  CHECK_STATUS(weir_gateway_metrics(gw, NULL), WEIR_EINVAL);
  m.struct_size = 4;
  CHECK_STATUS(weir_gateway_metrics(gw, &m), WEIR_EINVAL);
  CHECK(strstr(weir_gateway_last_error(gw), "struct_size") != NULL);
  m.struct_size = sizeof m;
  m.requests = 99;
  CHECK_STATUS(weir_gateway_metrics(gw, &m), WEIR_OK);
  CHECK(m.requests == 0 && m.connections_open == 0 && m.struct_size == sizeof m);
  CHECK_STATUS(weir_gateway_prometheus_text(gw, buf, sizeof buf, NULL), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_prometheus_text(gw, NULL, 10, &len), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_upstream_state(gw, NULL, &us, eps, 2, sizeof eps[0]), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_upstream_state(gw, "o", NULL, eps, 2, sizeof eps[0]), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_upstream_state(gw, "o", &us, NULL, 2, sizeof eps[0]), WEIR_EINVAL);
  CHECK_STATUS(weir_gateway_upstream_state(gw, "o", &us, eps, 2, 3), WEIR_EINVAL);
  us.struct_size = 1;
  CHECK_STATUS(weir_gateway_upstream_state(gw, "o", &us, eps, 2, sizeof eps[0]), WEIR_EINVAL);
  us.struct_size = sizeof us;
  CHECK_STATUS(weir_gateway_upstream_state(gw, "nope", &us, eps, 2, sizeof eps[0]), WEIR_EINVAL);
  CHECK(strstr(weir_gateway_last_error(gw), "\"nope\"") != NULL);
  CHECK_STATUS(weir_gateway_upstream_state(gw, "o", &us, eps, 2, sizeof eps[0]), WEIR_OK);
  CHECK(us.endpoint_count == 1 && strcmp(eps[0].address, "127.0.0.1:2") == 0);
  CHECK(eps[0].active_requests == 0 && eps[0].healthy == 1);
  weir_gateway_destroy(gw);

  CHECK_STATUS(weir_set_log_callback(NULL, NULL, (weir_log_level)7), WEIR_EINVAL);
  CHECK_STATUS(weir_set_log_callback(NULL, NULL, (weir_log_level)-1), WEIR_EINVAL);
  CHECK_STATUS(weir_reopen_logs(), WEIR_OK);
}

static void test_metrics(void) {
  struct responder origin;
  responder_start(&origin, "metered");
  uint16_t port = 0;
  weir_gateway_t *gw = started_gateway(origin.port, &port);
  char buf[4096];
  CHECK(http_get(port, "/capi", buf, sizeof buf) == 200);
  CHECK(http_get(port, "/capi", buf, sizeof buf) == 200);

  /* The log phase runs as each exchange ends: poll (bounded) for both. */
  weir_metrics m;
  double deadline = now_s() + 5;
  do {
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    CHECK_STATUS(weir_gateway_metrics(gw, &m), WEIR_OK);
    if (m.requests == 2 && m.connections_open == 0) break;
    sleep_ms(10);
  } while (now_s() < deadline);
  CHECK(m.requests == 2 && m.responses_2xx == 2 && m.responses_5xx == 0);
  CHECK(m.upstream_requests == 2 && m.upstream_errors == 0 && m.gateway_errors == 0);
  CHECK(m.connections_accepted == 2 && m.connections_open == 0);
  CHECK(m.bytes_sent > 2 * strlen("metered") && m.bytes_received == 0);

  /* An older caller's smaller struct gets only the fields it knows. */
  struct {
    weir_metrics m;
    uint64_t guard;
  } old;
  memset(&old, 0xab, sizeof old);
  old.m.struct_size = offsetof(weir_metrics, responses_1xx);
  CHECK_STATUS(weir_gateway_metrics(gw, &old.m), WEIR_OK);
  CHECK(old.m.requests == 2);
  CHECK(old.m.responses_1xx == 0xababababababababULL);

  /* Prometheus text: ask the size, refuse a buffer without room for the NUL. */
  size_t len = 0;
  CHECK_STATUS(weir_gateway_prometheus_text(gw, NULL, 0, &len), WEIR_ETOOSMALL);
  CHECK(len > 100);
  char *text = malloc(len + 4096);
  CHECK(text != NULL);
  size_t need = len;
  CHECK_STATUS(weir_gateway_prometheus_text(gw, text, need, &len), WEIR_ETOOSMALL);
  CHECK(len == need);
  CHECK_STATUS(weir_gateway_prometheus_text(gw, text, need + 4096, &len), WEIR_OK);
  CHECK(strlen(text) == len);
  CHECK(strstr(text, "# TYPE weir_requests_total counter\n") != NULL);
  CHECK(strstr(text, "weir_requests_total{route=\"r\",status_class=\"2xx\"} 2\n") != NULL);
  CHECK(strstr(text, "weir_request_duration_seconds_count{route=\"r\"} 2\n") != NULL);
  free(text);

  /* Upstream state: capacity 0 reports the count; then the endpoint. */
  weir_upstream_state us;
  memset(&us, 0, sizeof us);
  us.struct_size = sizeof us;
  CHECK_STATUS(weir_gateway_upstream_state(gw, "o", &us, NULL, 0, sizeof(weir_endpoint_state)),
               WEIR_ETOOSMALL);
  CHECK(us.endpoint_count == 1);
  weir_endpoint_state ep;
  CHECK_STATUS(weir_gateway_upstream_state(gw, "o", &us, &ep, 1, sizeof ep), WEIR_OK);
  char want[32];
  snprintf(want, sizeof want, "127.0.0.1:%u", (unsigned)origin.port);
  CHECK(strcmp(ep.address, want) == 0);
  CHECK(ep.weight == 1 && ep.healthy == 1 && ep.ejected == 0 && ep.active_requests == 0);
  CHECK(us.has_breaker == 0 && us.breaker == WEIR_BREAKER_CLOSED && us.max_requests == 0);
  CHECK_STATUS(weir_gateway_stop(gw, 1000), WEIR_OK);
  weir_gateway_destroy(gw);
  responder_stop(&origin);
}

struct log_sink {
  atomic_int lines;
  atomic_int no_route;   /* lines naming the 404's reason */
  atomic_int level;      /* of the last "no route" line */
  atomic_int reentered;  /* what weir_set_log_callback said inside the callback */
};

static void on_log(void *user, weir_log_level level, const char *message, size_t len) {
  struct log_sink *sink = user;
  CHECK(message != NULL && strlen(message) == len);
  atomic_fetch_add(&sink->lines, 1);
  if (strstr(message, "no route")) {
    atomic_store(&sink->level, (int)level);
    atomic_fetch_add(&sink->no_route, 1);
  }
  atomic_store(&sink->reentered, (int)weir_set_log_callback(NULL, NULL, WEIR_LOG_INFO));
}

static void test_log_callback(void) {
  struct log_sink sink;
  atomic_init(&sink.lines, 0);
  atomic_init(&sink.no_route, 0);
  atomic_init(&sink.level, -1);
  atomic_init(&sink.reentered, 0);
  CHECK_STATUS(weir_set_log_callback(on_log, &sink, WEIR_LOG_INFO), WEIR_OK);
  char cfg[1024];
  int n = snprintf(cfg, sizeof cfg,
                   "{\"workers\":1,"
                   "\"listeners\":[{\"name\":\"p\",\"address\":\"127.0.0.1\",\"port\":0}],"
                   "\"upstreams\":{\"o\":{\"endpoints\":[{\"address\":\"127.0.0.1:2\"}]}},"
                   "\"routes\":[{\"name\":\"r\",\"match\":{\"prefix\":\"/api\"},\"upstream\":\"o\"}]}");
  CHECK(n > 0 && (size_t)n < sizeof cfg);
  weir_gateway_t *gw = NULL;
  CHECK_STATUS(weir_gateway_create(cfg, (size_t)n, &gw), WEIR_OK);
  CHECK_STATUS(weir_gateway_start(gw), WEIR_OK);
  uint16_t port = 0;
  CHECK_STATUS(weir_gateway_listener_port(gw, 0, &port), WEIR_OK);
  char buf[4096];
  CHECK(http_get(port, "/elsewhere", buf, sizeof buf) == 404);
  double deadline = now_s() + 5;
  while (atomic_load(&sink.no_route) == 0 && now_s() < deadline) sleep_ms(10);
  CHECK(atomic_load(&sink.no_route) == 1);
  CHECK(atomic_load(&sink.level) == WEIR_LOG_INFO);
  CHECK(atomic_load(&sink.reentered) == WEIR_ESTATE); /* not from inside the callback */

  /* Above the minimum level nothing arrives. */
  CHECK_STATUS(weir_set_log_callback(on_log, &sink, WEIR_LOG_ERROR), WEIR_OK);
  CHECK(http_get(port, "/elsewhere", buf, sizeof buf) == 404);
  /* Back to stderr: once the call returns the callback is never called again. */
  CHECK_STATUS(weir_set_log_callback(NULL, NULL, WEIR_LOG_INFO), WEIR_OK);
  int seen = atomic_load(&sink.lines);
  CHECK(http_get(port, "/elsewhere", buf, sizeof buf) == 404);
  weir_metrics m;
  deadline = now_s() + 5;
  do {
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    CHECK_STATUS(weir_gateway_metrics(gw, &m), WEIR_OK);
    if (m.responses_4xx == 3) break;
    sleep_ms(10);
  } while (now_s() < deadline);
  CHECK(m.responses_4xx == 3 && m.gateway_errors == 3);
  CHECK(atomic_load(&sink.lines) == seen);
  CHECK(atomic_load(&sink.no_route) == 1);
  CHECK_STATUS(weir_gateway_stop(gw, 1000), WEIR_OK);
  weir_gateway_destroy(gw);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  struct {
    const char *name;
    void (*run)(void);
  } tests[] = {
      {"version", test_version},
      {"status_str", test_status_str},
      {"null_arguments", test_null_arguments},
      {"bad_configs", test_bad_configs},
      {"life_cycle", test_life_cycle},
      {"listen_failure", test_listen_failure},
      {"attach", test_attach},
      {"observe_misuse", test_observe_misuse},
      {"metrics", test_metrics},
      {"log_callback", test_log_callback},
  };
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; ++i) {
    fprintf(stderr, "capi: %s\n", tests[i].name);
    tests[i].run();
  }
  fprintf(stderr, "capi: all passed\n");
  return 0;
}
