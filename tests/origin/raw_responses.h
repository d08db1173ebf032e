// /raw/NAME: byte-exact malformed responses, one per framing rule a proxy
// must enforce on the upstream side (RFC 9112 sections 4, 5, 6 and 7).
#pragma once

#include "conn.h"

// Writes the named response; returns 0, or -1 if NAME is unknown.
// The connection must be closed afterwards.
int raw_response_send(struct conn *c, const char *name);
