// SHA-1 (FIPS 180-4), only for the WebSocket handshake (RFC 6455 section 4.2.2),
// where it is a fixed part of the protocol, not a security measure.
#pragma once

#include <stddef.h>
#include <stdint.h>

void sha1(const void *data, size_t len, uint8_t digest[20]);
