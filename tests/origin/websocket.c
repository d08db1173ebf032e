#include "websocket.h"

#include <stdlib.h>
#include <string.h>

#include "sha1.h"

#define WS_MAX_PAYLOAD (16u * 1024 * 1024)

static void base64(const uint8_t *in, size_t len, char *out) {
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < len) v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < len) v |= in[i + 2];
    out[o++] = tab[(v >> 18) & 63];
    out[o++] = tab[(v >> 12) & 63];
    out[o++] = i + 1 < len ? tab[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < len ? tab[v & 63] : '=';
  }
  out[o] = '\0';
}

static int need(struct conn *c, size_t n) {
  while (conn_avail(c) < n)
    if (conn_fill(c, WS_MAX_PAYLOAD + 64) <= 0) return -1;
  return 0;
}

// One frame in, the same frame out unmasked (RFC 6455 5.1: servers never mask).
// Returns the opcode, or -1 when the stream ends or breaks.
static int echo_frame(struct conn *c) {
  if (need(c, 2) < 0) return -1;
  const uint8_t *h = (const uint8_t *)conn_data(c);
  uint8_t b0 = h[0];
  int masked = h[1] & 0x80;
  uint64_t len = h[1] & 0x7f;
  size_t hlen = 2;
  if (len == 126) hlen += 2;
  if (len == 127) hlen += 8;
  if (masked) hlen += 4;
  if (need(c, hlen) < 0) return -1;
  h = (const uint8_t *)conn_data(c);
  if (len == 126) len = (uint64_t)h[2] << 8 | h[3];
  if (len == 127) {
    len = 0;
    for (int i = 0; i < 8; i++) len = len << 8 | h[2 + i];
  }
  if (len > WS_MAX_PAYLOAD) return -1;
  uint8_t mask[4] = {0};
  if (masked) memcpy(mask, h + hlen - 4, 4);
  if (need(c, hlen + len) < 0) return -1;
  uint8_t *payload = (uint8_t *)conn_data(c) + hlen;
  for (uint64_t i = 0; i < len; i++) payload[i] ^= mask[i & 3];
  int opcode = b0 & 0x0f;
  uint8_t out[10];
  size_t olen = 0;
  out[olen++] = opcode == 0x9 ? (uint8_t)((b0 & 0xf0) | 0xA) : b0;  // ping -> pong
  if (len < 126) {
    out[olen++] = (uint8_t)len;
  } else if (len < 65536) {
    out[olen++] = 126;
    out[olen++] = (uint8_t)(len >> 8);
    out[olen++] = (uint8_t)len;
  } else {
    out[olen++] = 127;
    for (int i = 7; i >= 0; i--) out[olen++] = (uint8_t)(len >> (8 * i));
  }
  int rc = conn_write(c, out, olen);
  if (rc == 0) rc = conn_write(c, payload, (size_t)len);
  conn_consume(c, hlen + (size_t)len);
  return rc < 0 ? -1 : opcode;
}

int websocket_serve(struct conn *c, struct request *r) {
  const char *key = request_header(r, "sec-websocket-key");
  if (!key || !request_header_has_token(r, "upgrade", "websocket") ||
      !request_header_has_token(r, "connection", "upgrade")) {
    conn_writes(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 22\r\nConnection: close\r\n\r\n"
                   "websocket upgrade only");
    return 0;
  }
  // RFC 6455 4.2.2: accept = base64(SHA-1(key + the fixed GUID)).
  static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  char joined[256];
  size_t klen = strlen(key);
  if (klen > sizeof joined - sizeof guid) return 0;
  memcpy(joined, key, klen);
  memcpy(joined + klen, guid, sizeof guid - 1);
  uint8_t digest[20];
  sha1(joined, klen + sizeof guid - 1, digest);
  char accept[32];
  base64(digest, sizeof digest, accept);
  if (conn_printf(c,
                  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
                  accept) < 0)
    return 0;
  for (;;) {
    int opcode = echo_frame(c);
    if (opcode < 0 || opcode == 0x8) return 0;
  }
}
