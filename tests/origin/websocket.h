// The /ws endpoint: an RFC 6455 handshake, then every frame echoed back.
#pragma once

#include "conn.h"
#include "request.h"

// Answers the handshake and echoes frames until a close frame or an error.
// Always ends the connection (returns 0 for "do not keep alive").
int websocket_serve(struct conn *c, struct request *r);
