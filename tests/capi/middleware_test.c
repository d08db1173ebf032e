/* Custom middleware through the C ABI, from C11: a middleware type
 * registered with weir_middleware_register() and named by "type" in a JSON
 * configuration, driven by real requests through a gateway on 127.0.0.1 to
 * an origin that echoes the request head it received. Covers reading the
 * request, header edits, a path rewrite, local answers, values in the access
 * log, pausing and resuming from another thread, resuming exchanges that are
 * gone, create() errors as configuration errors, and misuse (NULL arguments,
 * wrong phases, bad names and values).
 *
 * Fails fast: the first failed check prints where and exits 1. Checks inside
 * callbacks (worker threads) count failures that the main thread asserts. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "test_net.h"
#include "weir.h"

/* In callbacks: count the failure, never exit from a worker thread. */
static atomic_int cb_failures;
#define EXPECT(cond)                                                                 \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      fprintf(stderr, "%s:%d: callback check failed: %s\n", __FILE__, __LINE__, #cond); \
      atomic_fetch_add(&cb_failures, 1);                                             \
    }                                                                                \
  } while (0)
#define EXPECT_STATUS(expr, want) EXPECT((expr) == (want))

/* Waits (bounded) until *flag reaches `want`. */
static int wait_for(atomic_int *flag, int want, double timeout_s) {
  double deadline = now_s() + timeout_s;
  while (atomic_load(flag) < want && now_s() < deadline) sleep_ms(5);
  return atomic_load(flag) >= want;
}

static int weir_str_is(weir_str s, const char *want) {
  return s.ptr != NULL && s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

/* One GET with `extra` header lines on a fresh connection (test_net.h). */
static int request(uint16_t port, const char *path, const char *extra, char *out, size_t cap) {
  return http_request(port, path, extra, out, cap);
}

/* ---- the middleware type under test ---- */

struct instance {
  char tag[32];
};

static atomic_int created, destroyed;
static atomic_int small_on_response_ran;
static int type_user; /* its address is the type's `user` */

/* Reads the string option "tag" with a minimal scan: the test writes the
 * JSON itself. "fail" refuses the entry the way a real option check would. */
static weir_status test_create(void *user, const char *json, size_t len, void **instance,
                               char *err, size_t err_cap) {
  EXPECT(user == &type_user);
  EXPECT(json[len] == '\0' && strstr(json, "\"type\"") != NULL);
  if (strstr(json, "\"fail\"")) {
    snprintf(err, err_cap, "fail: refused by the test");
    return WEIR_EINVAL;
  }
  if (strstr(json, "\"silent\"")) return WEIR_EINVAL; /* no message */
  struct instance *in = calloc(1, sizeof *in);
  if (!in) return WEIR_ENOMEM;
  const char *t = strstr(json, "\"tag\":\"");
  if (t) {
    t += 7;
    size_t n = strcspn(t, "\"");
    if (n >= sizeof in->tag) n = sizeof in->tag - 1;
    memcpy(in->tag, t, n);
  }
  *instance = in;
  atomic_fetch_add(&created, 1);
  return WEIR_OK;
}

static void test_destroy(void *user, void *instance) {
  EXPECT(user == &type_user);
  free(instance);
  atomic_fetch_add(&destroyed, 1);
}

/* Pauses waiting for the test (resumed by hand), and what their resumes saw. */
static weir_pause_t *_Atomic held;
static atomic_int held_count, aborted_logged, timed_out_logged;
static atomic_int resumed_null, resumed_live, resumed_again, logged;
static void *resume_later(void *arg);

static void on_resumed(weir_request_t *req, void *user) {
  atomic_int *flag = user;
  if (!req) {
    atomic_fetch_add(&resumed_null, 1);
    return;
  }
  EXPECT(weir_request_phase(req) == WEIR_PHASE_REQUEST);
  if (flag == &resumed_again) { /* a resume may pause again */
    atomic_fetch_add(&resumed_again, 1);
    weir_pause_t *p = NULL;
    EXPECT_STATUS(weir_request_pause(req, &p), WEIR_OK);
    pthread_t t;
    EXPECT(pthread_create(&t, NULL, resume_later, p) == 0);
    pthread_detach(t);
    return;
  }
  atomic_fetch_add(&resumed_live, 1);
  EXPECT(flag == &resumed_live);
  EXPECT(weir_request_phase(req) == WEIR_PHASE_REQUEST);
  weir_str q = weir_request_query(req);
  if (weir_str_is(q, "deny")) {
    EXPECT_STATUS(weir_request_respond_error(req, 403, "denied after a pause"), WEIR_OK);
  } else {
    EXPECT_STATUS(weir_request_set_header(req, "x-resumed", "1"), WEIR_OK);
  }
}

static void *resume_later(void *arg) {
  sleep_ms(20);
  CHECK_STATUS(weir_pause_resume(arg, on_resumed, &resumed_live), WEIR_OK);
  return NULL;
}

/* A paused upstream response: the resume edits the response's headers. */
static atomic_int resumed_response;
static void on_response_resumed(weir_request_t *req, void *user) {
  (void)user;
  if (!req) return;
  EXPECT(weir_request_phase(req) == WEIR_PHASE_RESPONSE);
  EXPECT_STATUS(weir_request_set_response_header(req, "x-response-resumed", "1"), WEIR_OK);
  EXPECT_STATUS(weir_request_respond(req, 200, NULL, 0), WEIR_ESTATE);
  atomic_fetch_add(&resumed_response, 1);
}

static void *resume_response_later(void *arg) {
  sleep_ms(20);
  CHECK_STATUS(weir_pause_resume(arg, on_response_resumed, NULL), WEIR_OK);
  return NULL;
}

static void *resume_to_pause_again(void *arg) {
  sleep_ms(10);
  CHECK_STATUS(weir_pause_resume(arg, on_resumed, &resumed_again), WEIR_OK);
  return NULL;
}

/* Every misuse of a request-phase request, none of which may change it. */
static void misuse_in_request_phase(weir_request_t *req) {
  weir_str s;
  EXPECT(weir_request_exchange(req) == NULL);
  EXPECT(weir_request_response_status(req) == 0);
  EXPECT_STATUS(weir_request_header(req, NULL, &s), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_header(req, "x-in", NULL), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_header(req, "x-absent", &s), WEIR_ENOTFOUND);
  EXPECT(s.ptr != NULL && s.len == 0);
  EXPECT_STATUS(weir_request_param(req, "nope", &s), WEIR_ENOTFOUND);
  EXPECT_STATUS(weir_request_value(req, "unset", &s), WEIR_ENOTFOUND);
  EXPECT_STATUS(weir_request_header_at(req, 1000, &s, &s), WEIR_ENOTFOUND);
  EXPECT_STATUS(weir_request_set_header(req, "bad name", "v"), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_set_header(req, "", "v"), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_set_header(req, "x-ok", "split\r\nx-evil: 1"), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_set_header(req, "x-ok", NULL), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_add_response_header(req, "x:y", "v"), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_remove_header(req, NULL), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_set_path(req, "no-slash"), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_set_path(req, "/a?b"), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_set_upstream(req, "missing"), WEIR_ENOTFOUND);
  EXPECT_STATUS(weir_request_set_endpoint(req, ""), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_set_endpoint(req, NULL), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_respond(req, 99, NULL, 0), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_respond(req, 200, NULL, 5), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_respond_error(req, 600, "x"), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_pause(req, NULL), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_pause_for(req, 0), WEIR_EINVAL);
  EXPECT_STATUS(weir_request_set_value(req, "", "v"), WEIR_EINVAL);
  char big[1100];
  memset(big, 'v', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  EXPECT_STATUS(weir_request_set_value(req, "big", big), WEIR_EINVAL);
  char key[16];
  for (int i = 0; i < 16; ++i) { /* the 16-value bound, with "tag" set before */
    snprintf(key, sizeof key, "k%d", i);
    weir_status st = weir_request_set_value(req, key, "v");
    EXPECT(st == (i < 15 ? WEIR_OK : WEIR_EINVAL));
  }
  /* Answering twice, or pausing after an answer, is a state error. */
  EXPECT_STATUS(weir_request_respond(req, 200, "misuse\n", 7), WEIR_OK);
  EXPECT_STATUS(weir_request_respond(req, 201, NULL, 0), WEIR_ESTATE);
  weir_pause_t *p = (weir_pause_t *)&s;
  EXPECT_STATUS(weir_request_pause(req, &p), WEIR_ESTATE);
  EXPECT(p == NULL);
  EXPECT_STATUS(weir_request_pause_for(req, 10), WEIR_ESTATE);
}

static void test_on_request(weir_request_t *req, void *instance) {
  struct instance *in = instance;
  EXPECT(weir_request_phase(req) == WEIR_PHASE_REQUEST);
  EXPECT(weir_str_is(weir_request_method(req), "GET"));
  weir_str route = weir_request_route(req);
  EXPECT(weir_str_is(route, "main") || weir_str_is(route, "short") || weir_str_is(route, "users"));
  EXPECT(weir_str_is(weir_request_client_ip(req), "127.0.0.1"));
  EXPECT(weir_request_request_id(req).len > 0);
  EXPECT(weir_request_header_count(req) >= 1);
  weir_str name, value;
  EXPECT_STATUS(weir_request_header_at(req, 0, &name, &value), WEIR_OK);
  EXPECT(name.len == 4 && strncasecmp(name.ptr, "host", 4) == 0);
  EXPECT(weir_str_is(value, "capi.test"));

  EXPECT_STATUS(weir_request_add_header(req, "x-mw-tag", in->tag), WEIR_OK);
  EXPECT_STATUS(weir_request_set_response_header(req, "x-mw", in->tag), WEIR_OK);
  EXPECT_STATUS(weir_request_remove_header(req, "x-drop"), WEIR_OK);
  weir_str user;
  if (weir_request_header(req, "X-User", &user) == WEIR_OK) {
    char copy[64];
    snprintf(copy, sizeof copy, "%.*s", (int)user.len, user.ptr);
    EXPECT_STATUS(weir_request_set_value(req, "consumer", copy), WEIR_OK);
    weir_str back;
    EXPECT_STATUS(weir_request_value(req, "consumer", &back), WEIR_OK);
    EXPECT(weir_str_is(back, copy));
  }
  weir_str id;
  if (weir_request_param(req, "id", &id) == WEIR_OK) {
    EXPECT(weir_str_is(route, "users"));
    char copy[64];
    snprintf(copy, sizeof copy, "%.*s", (int)id.len, id.ptr);
    EXPECT_STATUS(weir_request_set_header(req, "x-user-id", copy), WEIR_OK);
  }

  weir_str path = weir_request_path(req);
  if (weir_str_is(path, "/rewrite")) {
    EXPECT_STATUS(weir_request_set_path(req, "/rewritten"), WEIR_OK);
    EXPECT(weir_str_is(weir_request_path(req), "/rewrite")); /* the path as received */
  } else if (weir_str_is(path, "/local")) {
    EXPECT_STATUS(weir_request_respond(req, 218, "local body\n", 11), WEIR_OK);
  } else if (weir_str_is(path, "/misuse")) {
    EXPECT_STATUS(weir_request_set_value(req, "tag", in->tag), WEIR_OK);
    misuse_in_request_phase(req);
  } else if (weir_str_is(path, "/pause")) {
    weir_pause_t *p = NULL;
    EXPECT_STATUS(weir_request_pause(req, &p), WEIR_OK);
    EXPECT(p != NULL);
    weir_pause_t *again = NULL;
    EXPECT_STATUS(weir_request_pause(req, &again), WEIR_ESTATE); /* already paused */
    EXPECT_STATUS(weir_request_respond(req, 200, NULL, 0), WEIR_ESTATE);
    int twice = weir_str_is(weir_request_query(req), "again");
    pthread_t t;
    EXPECT(pthread_create(&t, NULL, twice ? resume_to_pause_again : resume_later, p) == 0);
    pthread_detach(t);
  } else if (weir_str_is(path, "/hold") || weir_str_is(path, "/timeout/hold")) {
    weir_pause_t *p = NULL;
    EXPECT_STATUS(weir_request_pause(req, &p), WEIR_OK);
    atomic_store(&held, p);
    atomic_fetch_add(&held_count, 1);
  } else if (weir_str_is(path, "/pin")) {
    /* An endpoint the upstream does not have: the policy picks. */
    EXPECT_STATUS(weir_request_set_endpoint(req, "127.0.0.1:1"), WEIR_OK);
  } else if (weir_str_is(path, "/wait")) {
    EXPECT_STATUS(weir_request_pause_for(req, 30), WEIR_OK);
  }
}

static void test_on_response(weir_request_t *req, void *instance) {
  (void)instance;
  EXPECT(weir_request_phase(req) == WEIR_PHASE_RESPONSE);
  uint16_t status = weir_request_response_status(req);
  EXPECT(status >= 200);
  EXPECT(weir_request_exchange(req) == NULL);
  EXPECT_STATUS(weir_request_set_header(req, "x-late", "1"), WEIR_ESTATE);
  EXPECT_STATUS(weir_request_set_path(req, "/late"), WEIR_ESTATE);
  EXPECT_STATUS(weir_request_set_upstream(req, "o"), WEIR_ESTATE);
  EXPECT_STATUS(weir_request_set_endpoint(req, "127.0.0.1:1"), WEIR_ESTATE);
  EXPECT_STATUS(weir_request_respond(req, 200, NULL, 0), WEIR_ESTATE);
  char text[8];
  snprintf(text, sizeof text, "%u", (unsigned)status);
  EXPECT_STATUS(weir_request_add_response_header(req, "x-mw-status", text), WEIR_OK);
  weir_str path = weir_request_path(req);
  weir_pause_t *p = NULL;
  if (weir_str_is(path, "/local")) {
    /* A response the gateway made itself does not wait. */
    EXPECT_STATUS(weir_request_pause(req, &p), WEIR_ESTATE);
    EXPECT_STATUS(weir_request_pause_for(req, 10), WEIR_ESTATE);
  } else if (weir_str_is(path, "/response-pause")) {
    EXPECT_STATUS(weir_request_pause(req, &p), WEIR_OK);
    pthread_t t;
    EXPECT(pthread_create(&t, NULL, resume_response_later, p) == 0);
    pthread_detach(t);
  }
}

static void test_on_log(weir_request_t *req, void *instance) {
  (void)instance;
  EXPECT(weir_request_phase(req) == WEIR_PHASE_LOG);
  const weir_exchange_info *x = weir_request_exchange(req);
  EXPECT(x != NULL);
  if (!x) return;
  EXPECT(x->size == sizeof *x);
  EXPECT(x->start_ms > 0);
  EXPECT(x->status == weir_request_response_status(req));
  EXPECT_STATUS(weir_request_set_response_header(req, "x-log", "1"), WEIR_ESTATE);
  EXPECT_STATUS(weir_request_respond_error(req, 500, "late"), WEIR_ESTATE);
  weir_str path = weir_request_path(req);
  if (!weir_str_is(path, "/misuse")) /* that one used up its values */
    EXPECT_STATUS(weir_request_set_value(req, "logged", "yes"), WEIR_OK);
  if (weir_str_is(path, "/hold") && x->aborted) atomic_fetch_add(&aborted_logged, 1);
  if (weir_str_is(path, "/timeout/hold") && x->status == 504) atomic_fetch_add(&timed_out_logged, 1);
  if (weir_str_is(path, "/capi") && x->status == 200) EXPECT(x->upstream.len > 0);
  atomic_fetch_add(&logged, 1);
}

static const weir_middleware_type kTestType = {
    .size = sizeof(weir_middleware_type),
    .create = test_create,
    .destroy = test_destroy,
    .on_request = test_on_request,
    .on_response = test_on_response,
    .on_log = test_on_log,
};

/* A type that takes no options: its instance is the registration's `user`. */
static atomic_int plain_ran;
static void plain_on_request(weir_request_t *req, void *instance) {
  EXPECT(instance == &plain_ran);
  atomic_fetch_add(&plain_ran, 1);
  EXPECT_STATUS(weir_request_add_header(req, "x-plain", "1"), WEIR_OK);
}
static void small_on_response(weir_request_t *req, void *instance) {
  (void)req, (void)instance;
  atomic_fetch_add(&small_on_response_ran, 1);
}

/* ---- configurations ---- */

static char access_log_path[64];

static weir_gateway_t *gateway_with(const char *middleware, uint16_t origin_port, uint16_t *port) {
  char cfg[4096];
  int n = snprintf(cfg, sizeof cfg,
                   "{\"workers\":2,"
                   "\"listeners\":[{\"name\":\"p\",\"address\":\"127.0.0.1\",\"port\":0}],"
                   "\"upstreams\":{\"o\":{\"endpoints\":[{\"address\":\"127.0.0.1:%u\"}]}},"
                   "\"middleware\":[%s],"
                   "\"routes\":["
                   "{\"name\":\"short\",\"match\":{\"prefix\":\"/timeout\"},\"upstream\":\"o\","
                   "\"timeout_ms\":300},"
                   "{\"name\":\"users\",\"match\":{\"path\":\"/users/:id\"},\"upstream\":\"o\"},"
                   "{\"name\":\"main\",\"match\":{\"prefix\":\"/\"},\"upstream\":\"o\"}]}",
                   (unsigned)origin_port, middleware);
  CHECK(n > 0 && (size_t)n < sizeof cfg);
  weir_gateway_t *gw = NULL;
  weir_status st = weir_gateway_create(cfg, (size_t)n, &gw);
  if (st != WEIR_OK) fprintf(stderr, "create: %s\n", weir_gateway_last_error(gw));
  CHECK_STATUS(st, WEIR_OK);
  CHECK_STATUS(weir_gateway_start(gw), WEIR_OK);
  CHECK_STATUS(weir_gateway_listener_port(gw, 0, port), WEIR_OK);
  return gw;
}

static void expect_config_error(const char *middleware, const char *in_message) {
  char cfg[2048];
  int n = snprintf(cfg, sizeof cfg,
                   "{\"listeners\":[{\"name\":\"p\",\"address\":\"127.0.0.1\",\"port\":0}],"
                   "\"upstreams\":{\"o\":{\"endpoints\":[{\"address\":\"127.0.0.1:2\"}]}},"
                   "\"routes\":[{\"name\":\"r\",\"match\":{\"prefix\":\"/\"},\"upstream\":\"o\","
                   "\"middleware\":[{\"type\":\"capi_test\",\"tag\":\"ok\"},%s]}]}",
                   middleware);
  CHECK(n > 0 && (size_t)n < sizeof cfg);
  weir_gateway_t *gw = NULL;
  CHECK_STATUS(weir_gateway_create(cfg, (size_t)n, &gw), WEIR_ECONFIG);
  const char *msg = weir_gateway_last_error(gw);
  if (!strstr(msg, in_message)) {
    fprintf(stderr, "error \"%s\" does not name \"%s\"\n", msg, in_message);
    CHECK(!"the error names the key path");
  }
  weir_gateway_destroy(gw);
}

/* ---- the tests ---- */

static void test_register_misuse(void) {
  weir_middleware_type mt = kTestType;
  CHECK_STATUS(weir_middleware_register(NULL, &mt, NULL), WEIR_EINVAL);
  CHECK_STATUS(weir_middleware_register("capi_test", NULL, NULL), WEIR_EINVAL);
  CHECK_STATUS(weir_middleware_register("", &mt, NULL), WEIR_EINVAL);
  CHECK_STATUS(weir_middleware_register("bad type", &mt, NULL), WEIR_EINVAL);
  char long_name[66];
  memset(long_name, 'a', 65);
  long_name[65] = '\0';
  CHECK_STATUS(weir_middleware_register(long_name, &mt, NULL), WEIR_EINVAL);
  mt.size = 0;
  CHECK_STATUS(weir_middleware_register("capi_test", &mt, NULL), WEIR_EINVAL);

  /* A NULL request gives empty views and errors, never a crash. */
  weir_str s = {NULL, 7};
  CHECK(weir_request_phase(NULL) == WEIR_PHASE_NONE);
  CHECK(weir_request_method(NULL).ptr != NULL && weir_request_method(NULL).len == 0);
  CHECK(weir_request_path(NULL).len == 0 && weir_request_query(NULL).len == 0);
  CHECK(weir_request_route(NULL).len == 0 && weir_request_client_ip(NULL).len == 0);
  CHECK(weir_request_request_id(NULL).len == 0);
  CHECK_STATUS(weir_request_header(NULL, "host", &s), WEIR_EINVAL);
  CHECK(s.ptr != NULL && s.len == 0);
  CHECK(weir_request_header_count(NULL) == 0);
  CHECK_STATUS(weir_request_header_at(NULL, 0, &s, &s), WEIR_EINVAL);
  CHECK_STATUS(weir_request_param(NULL, "id", &s), WEIR_EINVAL);
  CHECK_STATUS(weir_request_value(NULL, "k", &s), WEIR_EINVAL);
  CHECK(weir_request_response_status(NULL) == 0);
  CHECK(weir_request_exchange(NULL) == NULL);
  CHECK_STATUS(weir_request_set_header(NULL, "a", "b"), WEIR_EINVAL);
  CHECK_STATUS(weir_request_add_header(NULL, "a", "b"), WEIR_EINVAL);
  CHECK_STATUS(weir_request_remove_header(NULL, "a"), WEIR_EINVAL);
  CHECK_STATUS(weir_request_set_response_header(NULL, "a", "b"), WEIR_EINVAL);
  CHECK_STATUS(weir_request_add_response_header(NULL, "a", "b"), WEIR_EINVAL);
  CHECK_STATUS(weir_request_remove_response_header(NULL, "a"), WEIR_EINVAL);
  CHECK_STATUS(weir_request_set_path(NULL, "/"), WEIR_EINVAL);
  CHECK_STATUS(weir_request_set_upstream(NULL, "o"), WEIR_EINVAL);
  CHECK_STATUS(weir_request_set_endpoint(NULL, "127.0.0.1:1"), WEIR_EINVAL);
  CHECK_STATUS(weir_request_set_value(NULL, "k", "v"), WEIR_EINVAL);
  CHECK_STATUS(weir_request_respond(NULL, 200, NULL, 0), WEIR_EINVAL);
  CHECK_STATUS(weir_request_respond_error(NULL, 500, "x"), WEIR_EINVAL);
  weir_pause_t *p = (weir_pause_t *)&s;
  CHECK_STATUS(weir_request_pause(NULL, &p), WEIR_EINVAL);
  CHECK(p == NULL);
  CHECK_STATUS(weir_request_pause_for(NULL, 10), WEIR_EINVAL);
  CHECK_STATUS(weir_pause_resume(NULL, on_resumed, NULL), WEIR_EINVAL);
}

static void test_create_errors(void) {
  int before_created = atomic_load(&created), before_destroyed = atomic_load(&destroyed);
  expect_config_error("{\"type\":\"capi_test\",\"fail\":true}",
                      "routes[0].middleware[1].fail: refused by the test");
  expect_config_error("{\"type\":\"capi_test\",\"silent\":true}",
                      "routes[0].middleware[1]: create failed: invalid argument");
  expect_config_error("{\"type\":\"capi_plain\",\"extra\":1}",
                      "routes[0].middleware[1].extra: unknown key");
  expect_config_error("{\"type\":\"capi_unknown\"}", "routes[0].middleware[1].type");
  /* The entries that were created before the refusal are destroyed. */
  CHECK(atomic_load(&created) > before_created);
  CHECK(atomic_load(&created) - before_created == atomic_load(&destroyed) - before_destroyed);
}

static void test_requests(struct responder *origin) {
  snprintf(access_log_path, sizeof access_log_path, "/tmp/weir-mw-log-%ld.json", (long)getpid());
  unlink(access_log_path);
  char middleware[512];
  snprintf(middleware, sizeof middleware,
           "{\"type\":\"capi_test\",\"tag\":\"blue\"},{\"type\":\"capi_plain\"},"
           "{\"type\":\"capi_small\"},{\"type\":\"access_log\",\"path\":\"%s\"}",
           access_log_path);
  uint16_t port = 0;
  weir_gateway_t *gw = gateway_with(middleware, origin->port, &port);
  char buf[8192];

  /* Headers read, added and removed; the instance made from the options. */
  CHECK(request(port, "/capi?q=1", "x-user: alice\r\nx-drop: 1\r\n", buf, sizeof buf) == 200);
  CHECK(strstr(buf, "x-mw-tag: blue\r\n") != NULL); /* upstream saw the added header */
  CHECK(strstr(buf, "x-plain: 1\r\n") != NULL);
  CHECK(strstr(buf, "x-drop") == NULL);
  CHECK(strstr(buf, "GET /capi?q=1 HTTP/1.1") != NULL);
  CHECK(strstr(buf, "x-mw: blue\r\n") != NULL);        /* response header */
  CHECK(strstr(buf, "x-mw-status: 200\r\n") != NULL);  /* from on_response */
  CHECK(atomic_load(&plain_ran) >= 1);

  /* A route parameter, read and forwarded. */
  CHECK(request(port, "/users/42", NULL, buf, sizeof buf) == 200);
  CHECK(strstr(buf, "x-user-id: 42\r\n") != NULL);

  /* The path sent upstream, query kept. */
  CHECK(request(port, "/rewrite?keep=1", NULL, buf, sizeof buf) == 200);
  CHECK(strstr(buf, "GET /rewritten?keep=1 HTTP/1.1") != NULL);

  /* A local answer: the upstream never sees it, response hooks do. */
  CHECK(request(port, "/local", NULL, buf, sizeof buf) == 218);
  CHECK(strstr(buf, "\r\n\r\nlocal body\n") != NULL);
  CHECK(strstr(buf, "x-mw-status: 218\r\n") != NULL);
  CHECK(strstr(buf, "x-plain") == NULL); /* later middleware did not run */

  /* Misuse leaves a clean local answer. */
  CHECK(request(port, "/misuse", NULL, buf, sizeof buf) == 200);
  CHECK(strstr(buf, "\r\n\r\nmisuse\n") != NULL);

  /* Paused, resumed from a pthread: the resume's edit and the rest of the chain. */
  CHECK(request(port, "/pause", NULL, buf, sizeof buf) == 200);
  CHECK(strstr(buf, "x-resumed: 1\r\n") != NULL);
  CHECK(strstr(buf, "x-plain: 1\r\n") != NULL);
  CHECK(request(port, "/pause?deny", NULL, buf, sizeof buf) == 403);
  CHECK(strstr(buf, "denied after a pause") != NULL);
  CHECK(request(port, "/pause?again", NULL, buf, sizeof buf) == 200);
  CHECK(strstr(buf, "x-resumed: 1\r\n") != NULL);
  CHECK(atomic_load(&resumed_again) == 1);
  CHECK(atomic_load(&resumed_live) == 3);

  /* A response hook pauses the upstream's response; the resume edits it. */
  CHECK(request(port, "/response-pause", NULL, buf, sizeof buf) == 200);
  CHECK(strstr(buf, "x-response-resumed: 1\r\n") != NULL);
  CHECK(strstr(buf, "x-mw-status: 200\r\n") != NULL);
  CHECK(atomic_load(&resumed_response) == 1);

  /* A preferred endpoint the upstream lacks falls back to the policy. */
  CHECK(request(port, "/pin", NULL, buf, sizeof buf) == 200);

  /* pause_for continues by itself. */
  CHECK(request(port, "/wait", NULL, buf, sizeof buf) == 200);
  CHECK(strstr(buf, "x-plain: 1\r\n") != NULL);

  /* The client leaves during a pause: the log sees it aborted, and the
   * resume that comes later calls back with NULL. */
  int fd = connect_to(port);
  CHECK(fd >= 0);
  send_all(fd, "GET /hold HTTP/1.1\r\nHost: capi.test\r\n\r\n");
  CHECK(wait_for(&held_count, 1, 5.0));
  close(fd);
  CHECK(wait_for(&aborted_logged, 1, 5.0));
  weir_pause_t *p = atomic_exchange(&held, NULL);
  CHECK(p != NULL);
  CHECK_STATUS(weir_pause_resume(p, on_resumed, &resumed_null), WEIR_OK);
  CHECK(wait_for(&resumed_null, 1, 5.0));

  /* A pause past the route's timeout_ms: 504, then a resume sees NULL. */
  CHECK(request(port, "/timeout/hold", NULL, buf, sizeof buf) == 504);
  CHECK(strstr(buf, "did not resume in time") != NULL);
  CHECK(wait_for(&timed_out_logged, 1, 5.0));
  p = atomic_exchange(&held, NULL);
  CHECK(p != NULL);
  CHECK_STATUS(weir_pause_resume(p, NULL, NULL), WEIR_OK); /* fn may be NULL */

  /* The access log carries the values a C middleware set. */
  CHECK(request(port, "/capi", "x-user: bob\r\n", buf, sizeof buf) == 200);
  int before_stop = atomic_load(&logged);
  CHECK(before_stop >= 9);

  /* Paused while the gateway stops: the resume after that sees NULL. */
  fd = connect_to(port);
  CHECK(fd >= 0);
  send_all(fd, "GET /hold HTTP/1.1\r\nHost: capi.test\r\n\r\n");
  CHECK(wait_for(&held_count, 3, 5.0));
  CHECK_STATUS(weir_gateway_stop(gw, 100), WEIR_OK);
  weir_gateway_destroy(gw);
  close(fd);
  p = atomic_exchange(&held, NULL);
  CHECK(p != NULL);
  CHECK_STATUS(weir_pause_resume(p, on_resumed, &resumed_null), WEIR_OK);
  CHECK(wait_for(&resumed_null, 2, 5.0));
  CHECK(atomic_load(&resumed_live) == 3);

  /* Every instance is destroyed with the gateway that used it. */
  CHECK(atomic_load(&created) == atomic_load(&destroyed));
  CHECK(atomic_load(&small_on_response_ran) == 0);

  /* The access log is written by its own thread: read it until the lines are in. */
  int found = 0;
  double deadline = now_s() + 5.0;
  while (!found && now_s() < deadline) {
    FILE *f = fopen(access_log_path, "r");
    if (f) {
      char line[4096];
      int alice = 0, bob = 0;
      while (fgets(line, sizeof line, f)) {
        if (strstr(line, "\"consumer\":\"alice\"") && strstr(line, "\"logged\":\"yes\"")) alice = 1;
        if (strstr(line, "\"consumer\":\"bob\"")) bob = 1;
      }
      fclose(f);
      found = alice && bob;
    }
    if (!found) sleep_ms(20);
  }
  CHECK(found);
  unlink(access_log_path);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  CHECK_STATUS(weir_middleware_register("capi_test", &kTestType, &type_user), WEIR_OK);
  weir_middleware_type plain = {.size = sizeof plain, .on_request = plain_on_request};
  CHECK_STATUS(weir_middleware_register("capi_plain", &plain, &plain_ran), WEIR_OK);
  /* A caller that knows only the fields up to on_request: on_response is
   * past its size and must be treated as NULL. */
  weir_middleware_type small = {.size = offsetof(weir_middleware_type, on_response),
                                .on_response = small_on_response};
  CHECK_STATUS(weir_middleware_register("capi_small", &small, NULL), WEIR_OK);

  struct responder origin;
  responder_start(&origin, NULL); /* echoes the request head */
  fprintf(stderr, "capi-middleware: register_misuse\n");
  test_register_misuse();
  fprintf(stderr, "capi-middleware: create_errors\n");
  test_create_errors();
  fprintf(stderr, "capi-middleware: requests\n");
  test_requests(&origin);
  responder_stop(&origin);
  CHECK(atomic_load(&cb_failures) == 0);
  fprintf(stderr, "capi-middleware: all passed\n");
  return 0;
}
