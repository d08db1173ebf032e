#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crc32.h"
#include "raw_responses.h"
#include "stats.h"
#include "strbuf.h"
#include "websocket.h"

#define ECHO_BODY_MAX (1024 * 1024)  // /echo returns the body itself up to this size
#define CHUNK_SIZE (16 * 1024)

// Body bytes are i % 251 (a prime, so the pattern does not line up with
// power-of-two buffer sizes and a misplaced buffer shows up in the content).
#define PATTERN_PERIOD 251
static unsigned char pattern[PATTERN_PERIOD * 256];
void handlers_init(void) {
  for (size_t i = 0; i < sizeof pattern; i++) pattern[i] = (unsigned char)(i % PATTERN_PERIOD);
}

static int write_pattern(struct conn *c, unsigned long long from, unsigned long long n) {
  while (n > 0) {
    size_t off = (size_t)(from % PATTERN_PERIOD);
    size_t take = sizeof pattern - PATTERN_PERIOD;
    if (take > n) take = (size_t)n;
    if (conn_write(c, pattern + off, take) < 0) return -1;
    from += take;
    n -= take;
  }
  return 0;
}

static const char *reason(int status) {
  switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

enum framing { FRAME_LENGTH, FRAME_CHUNKED, FRAME_CLOSE, FRAME_NONE };

// Writes a status line and headers. A chunked body falls back to
// close-delimited for HTTP/1.0 clients, which cannot decode chunks
// (RFC 9112 7: chunked is an HTTP/1.1 coding).
static int send_head(struct conn *c, struct request *r, int status, const char *extra,
                     enum framing framing, unsigned long long length) {
  if (framing == FRAME_CHUNKED && r->minor == 0) framing = FRAME_CLOSE;
  if (framing == FRAME_CLOSE) r->keep_alive = 0;
  struct strbuf h;
  sb_init(&h);
  sb_printf(&h, "HTTP/1.1 %d %s\r\nServer: weir-test-origin\r\n", status, reason(status));
  if (framing == FRAME_LENGTH) sb_printf(&h, "Content-Length: %llu\r\n", length);
  if (framing == FRAME_CHUNKED) sb_puts(&h, "Transfer-Encoding: chunked\r\n");
  if (!r->keep_alive)
    sb_puts(&h, "Connection: close\r\n");
  else if (r->minor == 0)
    sb_puts(&h, "Connection: keep-alive\r\n");
  if (extra) sb_puts(&h, extra);
  sb_puts(&h, "\r\n");
  int rc = h.failed ? -1 : conn_write(c, h.data, h.len);
  sb_free(&h);
  return rc;
}

static int is_head(const struct request *r) { return strcmp(r->method, "HEAD") == 0; }

static enum serve_result done(const struct request *r, int rc) {
  if (rc < 0) return SERVE_CLOSE;
  return r->keep_alive ? SERVE_KEEP_ALIVE : SERVE_CLOSE;
}

static enum serve_result reply(struct conn *c, struct request *r, int status, const char *type,
                               const char *body, size_t len) {
  char extra[128];
  snprintf(extra, sizeof extra, "Content-Type: %s\r\n", type);
  int rc = send_head(c, r, status, extra, FRAME_LENGTH, len);
  if (rc == 0 && !is_head(r)) rc = conn_write(c, body, len);
  return done(r, rc);
}

static enum serve_result reply_json(struct conn *c, struct request *r, int status, struct strbuf *sb) {
  if (sb->failed) return SERVE_CLOSE;
  enum serve_result res = reply(c, r, status, "application/json", sb->data, sb->len);
  sb_free(sb);
  return res;
}

static enum serve_result echo(struct conn *c, struct request *r) {
  struct strbuf body;
  sb_init(&body);
  uint32_t crc = 0;
  const char *data;
  ssize_t n;
  while ((n = request_body_read(c, r, &data)) > 0) {
    crc = crc32_update(crc, data, (size_t)n);
    if (body.len < ECHO_BODY_MAX) sb_append(&body, data, (size_t)n);
  }
  if (n < 0) {
    sb_free(&body);
    return SERVE_CLOSE;
  }
  struct strbuf sb;
  sb_init(&sb);
  sb_puts(&sb, "{\"method\":");
  sb_json_string(&sb, r->method, strlen(r->method));
  sb_puts(&sb, ",\"target\":");
  sb_json_string(&sb, r->target, strlen(r->target));
  sb_printf(&sb, ",\"version\":\"HTTP/1.%d\",\"headers\":[", r->minor);
  for (int i = 0; i < r->nheaders; i++) {
    sb_puts(&sb, i ? ",[" : "[");
    sb_json_string(&sb, r->headers[i].name, strlen(r->headers[i].name));
    sb_puts(&sb, ",");
    sb_json_string(&sb, r->headers[i].value, strlen(r->headers[i].value));
    sb_puts(&sb, "]");
  }
  sb_printf(&sb, "],\"body_len\":%llu,\"body_crc32\":%u,\"body_framing\":\"%s\",\"body\":",
            (unsigned long long)r->body_len, crc,
            r->body == BODY_CHUNKED ? "chunked" : r->body == BODY_LENGTH ? "length" : "none");
  sb_json_string(&sb, body.data ? body.data : "", body.len);
  sb_puts(&sb, "}");
  sb_free(&body);
  return reply_json(c, r, 200, &sb);
}

// Each piece of the request body goes back as a chunk as soon as it arrives.
static enum serve_result stream_echo(struct conn *c, struct request *r) {
  int chunked = r->minor >= 1;
  if (send_head(c, r, 200, "Content-Type: application/octet-stream\r\n", FRAME_CHUNKED, 0) < 0)
    return SERVE_CLOSE;
  const char *data;
  ssize_t n;
  while ((n = request_body_read(c, r, &data)) > 0) {
    if (is_head(r)) continue;
    if (chunked && conn_printf(c, "%zx\r\n", (size_t)n) < 0) return SERVE_CLOSE;
    if (conn_write(c, data, (size_t)n) < 0) return SERVE_CLOSE;
    if (chunked && conn_write(c, "\r\n", 2) < 0) return SERVE_CLOSE;
  }
  if (n < 0) return SERVE_CLOSE;
  if (chunked && !is_head(r)) return done(r, conn_write(c, "0\r\n\r\n", 5));
  return done(r, 0);
}

static enum serve_result sink(struct conn *c, struct request *r) {
  uint32_t crc = 0;
  const char *data;
  ssize_t n;
  while ((n = request_body_read(c, r, &data)) > 0) crc = crc32_update(crc, data, (size_t)n);
  if (n < 0) return SERVE_CLOSE;
  struct strbuf sb;
  sb_init(&sb);
  sb_printf(&sb, "{\"bytes\":%llu,\"crc32\":%u}", (unsigned long long)r->body_len, crc);
  return reply_json(c, r, 200, &sb);
}

// The request body, byte for byte, is the whole response; then close. Lets a
// test (or a fuzzer) make the origin answer with any bytes at all.
static enum serve_result raw_body(struct conn *c, struct request *r) {
  const char *data;
  ssize_t n;
  while ((n = request_body_read(c, r, &data)) > 0)
    if (conn_write(c, data, (size_t)n) < 0) return SERVE_CLOSE;
  return SERVE_CLOSE;
}

static enum serve_result bytes(struct conn *c, struct request *r, unsigned long long n) {
  int rc = send_head(c, r, 200, "Content-Type: application/octet-stream\r\n", FRAME_LENGTH, n);
  if (rc == 0 && !is_head(r)) rc = write_pattern(c, 0, n);
  return done(r, rc);
}

static enum serve_result chunked(struct conn *c, struct request *r, unsigned long long n) {
  int as_chunks = r->minor >= 1;
  int rc = send_head(c, r, 200, "Content-Type: application/octet-stream\r\n", FRAME_CHUNKED, 0);
  if (is_head(r)) return done(r, rc);
  for (unsigned long long off = 0; rc == 0 && off < n; off += CHUNK_SIZE) {
    unsigned long long len = n - off < CHUNK_SIZE ? n - off : CHUNK_SIZE;
    if (as_chunks) rc = conn_printf(c, "%llx\r\n", len);
    if (rc == 0) rc = write_pattern(c, off, len);
    if (rc == 0 && as_chunks) rc = conn_write(c, "\r\n", 2);
  }
  if (rc == 0 && as_chunks) rc = conn_write(c, "0\r\n\r\n", 5);
  return done(r, rc);
}

// RFC 9112 6.3 (8): no length and no chunking, the body ends at close.
static enum serve_result close_delimited(struct conn *c, struct request *r, unsigned long long n) {
  int rc = send_head(c, r, 200, "Content-Type: application/octet-stream\r\n", FRAME_CLOSE, 0);
  if (rc == 0 && !is_head(r)) write_pattern(c, 0, n);
  return SERVE_CLOSE;
}

static enum serve_result slow(struct conn *c, struct request *r, unsigned long long ms) {
  if (ms > 600000) ms = 600000;
  struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
  struct strbuf sb;
  sb_init(&sb);
  sb_printf(&sb, "{\"slept_ms\":%llu}", ms);
  return reply_json(c, r, 200, &sb);
}

static enum serve_result status(struct conn *c, struct request *r, unsigned long long code) {
  if (code < 200 || code > 599) return reply(c, r, 400, "text/plain", "bad status\n", 11);
  if (code == 204 || code == 304) {
    // RFC 9110 15.3.5, 15.4.5: never a body; 304 may not even carry a length.
    return done(r, send_head(c, r, (int)code, NULL, FRAME_NONE, 0));
  }
  char body[32];
  int len = snprintf(body, sizeof body, "status %llu\n", code);
  return reply(c, r, (int)code, "text/plain", body, (size_t)len);
}

static enum serve_result stats(struct conn *c, struct request *r, int first) {
  if (first) atomic_fetch_add(&g_stats.control_connections, 1);
  // Connections that only carried /stats are the test's own probes, not traffic.
  unsigned long accepted = atomic_load(&g_stats.connections_accepted) -
                           atomic_load(&g_stats.control_connections);
  unsigned long open = atomic_load(&g_stats.connections_open);
  struct strbuf sb;
  sb_init(&sb);
  sb_printf(&sb, "{\"connections_accepted\":%lu,\"connections_open\":%lu,\"requests\":%lu}",
            accepted, open > 0 ? open - 1 : 0, atomic_load(&g_stats.requests));
  return reply_json(c, r, 200, &sb);
}

static enum serve_result abort_mid(struct conn *c, struct request *r, unsigned long long n) {
  if (send_head(c, r, 200, "Content-Type: application/octet-stream\r\n", FRAME_LENGTH, n) == 0)
    write_pattern(c, 0, n / 2);
  return SERVE_RESET;
}

// Hop-by-hop fields (RFC 9110 7.6.1) that the gateway must not pass on;
// X-End-To-End must survive.
static enum serve_result headers_out(struct conn *c, struct request *r, const char *query) {
  int close = query && strstr(query, "close=1") != NULL;
  if (close) r->keep_alive = 0;
  const char *extra =
      close ? "Connection: close, x-hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n"
              "Proxy-Connection: keep-alive\r\nX-End-To-End: yes\r\n"
            : "Connection: keep-alive, x-hop, upgrade\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n"
              "Proxy-Connection: keep-alive\r\nUpgrade: h2c\r\nX-End-To-End: yes\r\n";
  int rc = send_head(c, r, 200, extra, FRAME_LENGTH, 3);
  if (rc == 0 && !is_head(r)) rc = conn_write(c, "ok\n", 3);
  return done(r, rc);
}

static int number_after(const char *path, const char *prefix, unsigned long long *out) {
  size_t pl = strlen(prefix);
  if (strncmp(path, prefix, pl) != 0) return 0;
  char *end = NULL;
  *out = strtoull(path + pl, &end, 10);
  return end != path + pl && *end == '\0';
}

enum serve_result handle_request(struct conn *c, struct request *r, int first) {
  // Absolute-form targets (RFC 9112 3.2.2): route on the path part.
  const char *target = r->target;
  if (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0) {
    const char *slash = strchr(strstr(target, "//") + 2, '/');
    target = slash ? slash : "/";
  }
  char path[1024];
  size_t plen = strcspn(target, "?");
  if (plen >= sizeof path) plen = sizeof path - 1;
  memcpy(path, target, plen);
  path[plen] = '\0';
  const char *query = target[plen] == '?' ? target + plen + 1 : NULL;

  if (strcmp(path, "/stats") == 0) {
    if (request_body_drain(c, r) < 0) return SERVE_CLOSE;
    return stats(c, r, first);
  }
  atomic_fetch_add(&g_stats.requests, 1);
  if (strncmp(path, "/echo", 5) == 0 || strcmp(path, "/") == 0) return echo(c, r);
  if (strcmp(path, "/stream-echo") == 0) return stream_echo(c, r);
  if (strcmp(path, "/sink") == 0) return sink(c, r);
  if (strcmp(path, "/raw-body") == 0) return raw_body(c, r);
  // Every other endpoint answers after the whole request body is read.
  if (request_body_drain(c, r) < 0) return SERVE_CLOSE;
  unsigned long long n;
  if (number_after(path, "/bytes/", &n)) return bytes(c, r, n);
  if (number_after(path, "/chunked/", &n)) return chunked(c, r, n);
  if (number_after(path, "/close-delimited/", &n)) return close_delimited(c, r, n);
  if (number_after(path, "/slow/", &n)) return slow(c, r, n);
  if (number_after(path, "/status/", &n)) return status(c, r, n);
  if (number_after(path, "/abort-mid/", &n)) return abort_mid(c, r, n);
  // No response at all: the connection ends with RST or with FIN.
  if (strcmp(path, "/reset") == 0) return SERVE_RESET;
  if (strcmp(path, "/close") == 0) return SERVE_CLOSE;
  if (strcmp(path, "/ws") == 0) return websocket_serve(c, r) ? SERVE_KEEP_ALIVE : SERVE_CLOSE;
  if (strncmp(path, "/raw/", 5) == 0 && raw_response_send(c, path + 5) == 0) return SERVE_CLOSE;
  if (strcmp(path, "/headers-out") == 0) return headers_out(c, r, query);
  return reply(c, r, 404, "text/plain", "no such endpoint\n", 17);
}
