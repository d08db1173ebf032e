// The origin's endpoints (see README.md in this folder).
#pragma once

#include "conn.h"
#include "request.h"

enum serve_result {
  SERVE_KEEP_ALIVE,  // ready for the next request on this connection
  SERVE_CLOSE,       // close the connection normally
  SERVE_RESET,       // close with RST
};

// Call once before any connection is served.
void handlers_init(void);

// first: this is the first request on the connection.
enum serve_result handle_request(struct conn *c, struct request *r, int first);
