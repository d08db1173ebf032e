/* Sockets for the C11 tests of the ABI: a tiny origin on a thread of the
 * test, and a client that sends one GET on a fresh connection. Every socket
 * wait is bounded (TEST_IO_TIMEOUT_MS). */
#ifndef WEIR_TESTS_CAPI_TEST_NET_H
#define WEIR_TESTS_CAPI_TEST_NET_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define TEST_IO_TIMEOUT_MS 5000

void set_io_timeouts(int fd);
struct sockaddr_in loopback(uint16_t port);
/* A connected socket with I/O timeouts, or -1 when refused. */
int connect_to(uint16_t port);
/* Sends all of the NUL-terminated `data`; exits the test when it cannot. */
void send_all(int fd, const char *data);

/* An origin: answers each request with `body`, or with the request head it
 * received when `body` is NULL, then closes the connection. */
struct responder {
  int fd;
  uint16_t port;
  const char *body;
  atomic_int stop;
  atomic_int served;
  pthread_t thread;
};
void responder_start(struct responder *r, const char *body);
void responder_stop(struct responder *r);

/* One GET with `extra` header lines (each ending in CRLF; NULL for none) on
 * a fresh connection, read until the gateway closes. The status, with the
 * whole response in `out`; -1 when refused or no status line arrived. */
int http_request(uint16_t port, const char *path, const char *extra, char *out, size_t cap);

#endif /* WEIR_TESTS_CAPI_TEST_NET_H */
