#define _POSIX_C_SOURCE 200809L

#include "test_net.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

void set_io_timeouts(int fd) {
  struct timeval tv = {TEST_IO_TIMEOUT_MS / 1000, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

struct sockaddr_in loopback(uint16_t port) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sa;
}

int connect_to(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  set_io_timeouts(fd);
  struct sockaddr_in sa = loopback(port);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void send_all(int fd, const char *data) {
  size_t n = strlen(data);
  CHECK(send(fd, data, n, MSG_NOSIGNAL) == (ssize_t)n);
}

static void respond_once(struct responder *r, int conn) {
  set_io_timeouts(conn);
  char req[8192];
  size_t got = 0;
  while (got < sizeof req - 1) {
    ssize_t n = recv(conn, req + got, sizeof req - 1 - got, 0);
    if (n <= 0) return;
    got += (size_t)n;
    req[got] = '\0';
    if (strstr(req, "\r\n\r\n")) break;
  }
  const char *body = r->body ? r->body : req;
  size_t len = r->body ? strlen(r->body) : got;
  char head[256];
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                   "Connection: close\r\n\r\n",
                   len);
  if (send(conn, head, (size_t)n, MSG_NOSIGNAL) == n &&
      send(conn, body, len, MSG_NOSIGNAL) == (ssize_t)len)
    atomic_fetch_add(&r->served, 1);
}

static void *responder_main(void *arg) {
  struct responder *r = arg;
  while (!atomic_load(&r->stop)) {
    struct pollfd p = {r->fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int conn = accept(r->fd, NULL, NULL);
    if (conn < 0) continue;
    respond_once(r, conn);
    close(conn);
  }
  return NULL;
}

void responder_start(struct responder *r, const char *body) {
  memset(r, 0, sizeof *r);
  r->body = body;
  r->fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(r->fd >= 0);
  struct sockaddr_in sa = loopback(0);
  CHECK(bind(r->fd, (struct sockaddr *)&sa, sizeof sa) == 0);
  CHECK(listen(r->fd, 64) == 0);
  socklen_t len = sizeof sa;
  CHECK(getsockname(r->fd, (struct sockaddr *)&sa, &len) == 0);
  r->port = ntohs(sa.sin_port);
  CHECK(pthread_create(&r->thread, NULL, responder_main, r) == 0);
}

void responder_stop(struct responder *r) {
  atomic_store(&r->stop, 1);
  CHECK(pthread_join(r->thread, NULL) == 0);
  close(r->fd);
}

int http_request(uint16_t port, const char *path, const char *extra, char *out, size_t cap) {
  out[0] = '\0';
  int fd = connect_to(port);
  if (fd < 0) return -1;
  char req[1024];
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: capi.test\r\nConnection: close\r\n%s\r\n", path,
                   extra ? extra : "");
  CHECK(n > 0 && (size_t)n < sizeof req);
  if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
    close(fd);
    return -1;
  }
  size_t got = 0;
  while (got < cap - 1) { /* until the gateway closes (Connection: close) or the timeout */
    ssize_t r = recv(fd, out + got, cap - 1 - got, 0);
    if (r <= 0) break;
    got += (size_t)r;
  }
  out[got] = '\0';
  close(fd);
  int status = -1;
  if (sscanf(out, "HTTP/1.1 %d ", &status) != 1) return -1;
  return status;
}
