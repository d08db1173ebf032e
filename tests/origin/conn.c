#include "conn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int conn_init(struct conn *c, int fd, unsigned timeout_ms) {
  struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  c->fd = fd;
  c->cap = 64 * 1024;
  c->buf = malloc(c->cap);
  c->start = c->end = 0;
  return c->buf ? 0 : -1;
}

void conn_free(struct conn *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  free(c->buf);
  c->buf = NULL;
}

long conn_fill(struct conn *c, size_t max_cap) {
  if (c->start > 0 && c->start == c->end) c->start = c->end = 0;
  if (c->end == c->cap && c->start > 0) {
    memmove(c->buf, c->buf + c->start, c->end - c->start);
    c->end -= c->start;
    c->start = 0;
  }
  if (c->end == c->cap) {
    if (c->cap >= max_cap) return -1;
    size_t ncap = c->cap * 2 > max_cap ? max_cap : c->cap * 2;
    char *nb = realloc(c->buf, ncap);
    if (!nb) return -1;
    c->buf = nb;
    c->cap = ncap;
  }
  for (;;) {
    ssize_t n = recv(c->fd, c->buf + c->end, c->cap - c->end, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    c->end += (size_t)n;
    return (long)n;
  }
}

int conn_write(struct conn *c, const void *data, size_t len) {
  const char *p = data;
  while (len > 0) {
    ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int conn_writes(struct conn *c, const char *s) { return conn_write(c, s, strlen(s)); }

int conn_printf(struct conn *c, const char *fmt, ...) {
  char small[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return -1;
  if ((size_t)n < sizeof small) return conn_write(c, small, (size_t)n);
  char *big = malloc((size_t)n + 1);
  if (!big) return -1;
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  int rc = conn_write(c, big, (size_t)n);
  free(big);
  return rc;
}

void conn_reset(struct conn *c) {
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(c->fd);
  c->fd = -1;
}
