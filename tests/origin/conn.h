// A blocking, buffered TCP connection: the origin runs one thread per
// connection, so plain blocking reads with socket timeouts are enough.
#pragma once

#include <stddef.h>
#include <stdint.h>

struct conn {
  int fd;
  char *buf;
  size_t cap;    // allocated bytes
  size_t start;  // first unconsumed byte
  size_t end;    // one past the last received byte
};

// Takes ownership of fd; sets receive/send timeouts so a stuck peer cannot
// hold a thread forever.
int conn_init(struct conn *c, int fd, unsigned timeout_ms);
void conn_free(struct conn *c);

static inline size_t conn_avail(const struct conn *c) { return c->end - c->start; }
static inline char *conn_data(const struct conn *c) { return c->buf + c->start; }
static inline void conn_consume(struct conn *c, size_t n) { c->start += n; }

// Reads more bytes into the buffer, growing it up to max_cap.
// Returns bytes read, 0 at end of stream, -1 on error, timeout or full buffer.
long conn_fill(struct conn *c, size_t max_cap);

int conn_write(struct conn *c, const void *data, size_t len);  // 0 or -1
int conn_writes(struct conn *c, const char *s);                // a C string
int conn_printf(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

// Closes with RST instead of FIN (SO_LINGER 0): an upstream that dies.
void conn_reset(struct conn *c);
