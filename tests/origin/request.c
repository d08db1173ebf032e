#include "request.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

// Finds the blank line that ends a head; accepts CRLF and bare LF line ends.
static long find_head_end(const char *p, size_t n) {
  for (size_t i = 0; i + 1 < n; i++) {
    if (p[i] != '\n') continue;
    if (p[i + 1] == '\n') return (long)(i + 2);
    if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n') return (long)(i + 3);
  }
  return -1;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) *--e = '\0';
  return s;
}

static int parse_head(struct request *r) {
  char *save = NULL;
  char *line = strtok_r(r->head, "\n", &save);
  if (!line) return -1;
  line = trim(line);
  char *sp1 = strchr(line, ' ');
  if (!sp1) return -1;
  *sp1 = '\0';
  char *target = sp1 + 1;
  char *sp2 = strrchr(target, ' ');
  if (!sp2) return -1;
  *sp2 = '\0';
  const char *version = sp2 + 1;
  if (strncmp(version, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)version[7])) return -1;
  r->method = line;
  r->target = target;
  r->minor = version[7] - '0';
  r->nheaders = 0;
  while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
    char *t = trim(line);
    if (*t == '\0') break;
    char *colon = strchr(line, ':');
    if (!colon || r->nheaders == REQUEST_MAX_HEADERS) return -1;
    *colon = '\0';
    r->headers[r->nheaders].name = line;
    r->headers[r->nheaders].value = trim(colon + 1);
    r->nheaders++;
  }
  return 0;
}

// RFC 9112 6.3: chunked as the final coding wins over Content-Length.
static int setup_body(struct request *r) {
  const char *te = request_header(r, "transfer-encoding");
  const char *cl = request_header(r, "content-length");
  r->body = BODY_NONE;
  r->remaining = 0;
  r->in_chunk = 0;
  r->body_done = 0;
  r->body_len = 0;
  if (te) {
    size_t n = strlen(te);
    if (n < 7 || strcasecmp(te + n - 7, "chunked") != 0) return -1;
    r->body = BODY_CHUNKED;
  } else if (cl) {
    char *end = NULL;
    unsigned long long v = strtoull(cl, &end, 10);
    if (end == cl || *end != '\0') return -1;
    r->body = BODY_LENGTH;
    r->remaining = v;
  }
  if (r->body == BODY_NONE || (r->body == BODY_LENGTH && r->remaining == 0)) r->body_done = 1;
  return 0;
}

int request_read_head(struct conn *c, struct request *r) {
  r->head = NULL;
  long end;
  while ((end = find_head_end(conn_data(c), conn_avail(c))) < 0) {
    // Leading empty lines before a request line are ignored (RFC 9112 2.2).
    while (conn_avail(c) > 0 && (conn_data(c)[0] == '\r' || conn_data(c)[0] == '\n'))
      conn_consume(c, 1);
    size_t before = conn_avail(c);
    long n = conn_fill(c, REQUEST_MAX_HEAD);
    // Between requests, end of stream and the idle timeout are a quiet close.
    if (n <= 0) return before == 0 ? 0 : -1;
  }
  r->head = malloc((size_t)end + 1);
  if (!r->head) return -1;
  memcpy(r->head, conn_data(c), (size_t)end);
  r->head[end] = '\0';
  conn_consume(c, (size_t)end);
  if (parse_head(r) < 0 || setup_body(r) < 0) return -1;
  if (r->minor >= 1)
    r->keep_alive = !request_header_has_token(r, "connection", "close");
  else
    r->keep_alive = request_header_has_token(r, "connection", "keep-alive");
  return 1;
}

void request_free(struct request *r) {
  free(r->head);
  r->head = NULL;
}

const char *request_header(const struct request *r, const char *name) {
  for (int i = 0; i < r->nheaders; i++)
    if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
  return NULL;
}

int request_header_has_token(const struct request *r, const char *name, const char *token) {
  size_t tl = strlen(token);
  for (int i = 0; i < r->nheaders; i++) {
    if (strcasecmp(r->headers[i].name, name) != 0) continue;
    const char *p = r->headers[i].value;
    while (*p) {
      while (*p == ' ' || *p == '\t' || *p == ',') p++;
      const char *s = p;
      while (*p && *p != ',') p++;
      const char *e = p;
      while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
      if ((size_t)(e - s) == tl && strncasecmp(s, token, tl) == 0) return 1;
    }
  }
  return 0;
}

// Makes sure a whole line is buffered; returns its length without the LF.
static long need_line(struct conn *c) {
  for (;;) {
    char *nl = memchr(conn_data(c), '\n', conn_avail(c));
    if (nl) return nl - conn_data(c);
    if (conn_avail(c) > 4096) return -1;
    if (conn_fill(c, REQUEST_MAX_HEAD) <= 0) return -1;
  }
}

static ssize_t take(struct conn *c, struct request *r, const char **data) {
  if (conn_avail(c) == 0 && conn_fill(c, REQUEST_MAX_HEAD) <= 0) return -1;
  size_t n = conn_avail(c);
  if (n > r->remaining) n = (size_t)r->remaining;
  *data = conn_data(c);
  conn_consume(c, n);
  r->remaining -= n;
  r->body_len += n;
  return (ssize_t)n;
}

ssize_t request_body_read(struct conn *c, struct request *r, const char **data) {
  if (r->body_done) return 0;
  if (r->body == BODY_LENGTH) {
    ssize_t n = take(c, r, data);
    if (n > 0 && r->remaining == 0) r->body_done = 1;
    return n;
  }
  for (;;) {
    if (r->in_chunk && r->remaining > 0) return take(c, r, data);
    if (r->in_chunk) {  // chunk data done: its CRLF follows
      long len = need_line(c);
      if (len < 0 || len > 1) return -1;
      conn_consume(c, (size_t)len + 1);
      r->in_chunk = 0;
    }
    long len = need_line(c);
    if (len < 0) return -1;
    char *end = NULL;
    unsigned long long size = strtoull(conn_data(c), &end, 16);
    if (end == conn_data(c)) return -1;
    conn_consume(c, (size_t)len + 1);
    if (size > 0) {
      r->in_chunk = 1;
      r->remaining = size;
      continue;
    }
    for (;;) {  // trailer section, ended by an empty line (RFC 9112 7.1.2)
      len = need_line(c);
      if (len < 0) return -1;
      int empty = len == 0 || (len == 1 && conn_data(c)[0] == '\r');
      conn_consume(c, (size_t)len + 1);
      if (empty) break;
    }
    r->body_done = 1;
    return 0;
  }
}

int request_body_drain(struct conn *c, struct request *r) {
  const char *data;
  ssize_t n;
  while ((n = request_body_read(c, r, &data)) > 0) {
  }
  return n < 0 ? -1 : 0;
}
