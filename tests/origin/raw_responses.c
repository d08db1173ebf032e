#include "raw_responses.h"

#include <stdlib.h>
#include <string.h>

struct raw_response {
  const char *name;
  const char *bytes;
};

static const struct raw_response table[] = {
    // RFC 9112 6.3: both headers present is a smuggling signal.
    {"cl-and-te", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n0\r\n\r\n"},
    // RFC 9112 6.3 (5): differing Content-Length values are unrecoverable.
    {"two-cl", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"},
    {"bad-cl", "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhello"},
    // RFC 9112 7.1: chunk-size is 1*HEXDIG.
    {"bad-chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"},
    // RFC 9112 5.2: obs-fold is deprecated; a proxy rejects or rewrites it.
    {"obs-fold", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Folded: a\r\n b\r\n\r\nhello"},
    {"bare-lf", "HTTP/1.1 200 OK\nContent-Length: 5\n\nhello"},
    // A coding the gateway cannot frame without chunked on top.
    {"te-gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhello"},
    // RFC 9112 4: status-line = HTTP-version SP status-code SP [reason-phrase].
    {"no-status", "HTTP/1.1 OK\r\nContent-Length: 5\r\n\r\nhello"},
};

int raw_response_send(struct conn *c, const char *name) {
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp(table[i].name, name) == 0) {
      conn_writes(c, table[i].bytes);
      return 0;
    }
  if (strcmp(name, "huge-header") == 0) {  // 200 KiB in one header line
    const size_t n = 200 * 1024;
    char *fill = malloc(n);
    if (!fill) return 0;
    memset(fill, 'a', n);
    conn_writes(c, "HTTP/1.1 200 OK\r\nX-Huge: ");
    conn_write(c, fill, n);
    conn_writes(c, "\r\nContent-Length: 5\r\n\r\nhello");
    free(fill);
    return 0;
  }
  return -1;
}
