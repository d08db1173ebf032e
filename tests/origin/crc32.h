// CRC-32 (IEEE 802.3, the one zlib.crc32 computes), so tests written in
// Python can check body contents with the standard library.
#pragma once

#include <stddef.h>
#include <stdint.h>

// Start with crc = 0; feed pieces in order.
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);
