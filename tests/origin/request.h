// Reading one HTTP/1.x request from a connection: the head, then the body
// framed by Content-Length or chunked coding (RFC 9112 sections 6 and 7).
// The origin is a test peer, so it is lenient where the gateway must be strict.
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "conn.h"

#define REQUEST_MAX_HEADERS 1024
#define REQUEST_MAX_HEAD (1024 * 1024)

struct header {
  const char *name;
  const char *value;
};

enum body_kind { BODY_NONE, BODY_LENGTH, BODY_CHUNKED };

struct request {
  char *head;  // owned copy of the head, split in place
  const char *method;
  const char *target;
  int minor;  // HTTP/1.<minor>
  struct header headers[REQUEST_MAX_HEADERS];
  int nheaders;
  int keep_alive;
  enum body_kind body;
  uint64_t remaining;  // bytes left in the body or the current chunk
  int in_chunk;        // inside chunk data (chunked bodies)
  int body_done;
  uint64_t body_len;   // bytes delivered so far
};

// 1: a head was read; 0: the peer closed or stayed idle past the timeout
// before sending anything; -1: a broken or incomplete head.
int request_read_head(struct conn *c, struct request *r);
void request_free(struct request *r);

// Case-insensitive lookup of the first header with this name, or NULL.
const char *request_header(const struct request *r, const char *name);
// Whether a comma-separated header (e.g. Connection) holds a token.
int request_header_has_token(const struct request *r, const char *name, const char *token);

// Returns the next piece of body bytes (pointing into the connection buffer,
// valid until the next read), 0 at end of body, -1 on error.
ssize_t request_body_read(struct conn *c, struct request *r, const char **data);
// Reads and throws away the rest of the body; 0 or -1.
int request_body_drain(struct conn *c, struct request *r);
