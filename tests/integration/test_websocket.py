#!/usr/bin/env python3
"""WebSocket through the gateway: the HTTP/1.1 upgrade (RFC 9110 7.8,
RFC 6455 4), then frames relayed both ways until the close handshake
(RFC 6455 5.5.1)."""

import base64
import hashlib
import os
import struct
import unittest

from harness import Origin, RawConn, gateway_for

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def client_frame(opcode, payload, fin=True):
    """A masked client frame (RFC 6455 5.3: clients always mask)."""
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i & 3] for i, b in enumerate(payload))
    return head + mask + masked


def read_frame(c):
    """(fin, opcode, payload) of one server frame, which must be unmasked."""
    b0, b1 = c.read_exact(2)
    if b1 & 0x80:
        raise AssertionError("server frames must not be masked (RFC 6455 5.1)")
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", c.read_exact(2))[0]
    elif n == 127:
        n = struct.unpack("!Q", c.read_exact(8))[0]
    return bool(b0 & 0x80), b0 & 0x0F, c.read_exact(n)


def handshake(c, path=b"/ws"):
    key = base64.b64encode(os.urandom(16))
    c.send(b"GET " + path + b" HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\n"
           b"Connection: Upgrade\r\nSec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
    return key, c.read_response()


class WebSocketTest(unittest.TestCase):
    def test_handshake_and_echo(self):
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port, timeout=5) as c:
            key, resp = handshake(c)
            self.assertEqual(resp.status, 101, resp)
            self.assertEqual((resp.header("upgrade") or "").lower(), "websocket")
            self.assertIn("upgrade", (resp.header("connection") or "").lower())
            accept = base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
            self.assertEqual(resp.header("sec-websocket-accept"), accept)

            c.send(client_frame(0x1, b"hello through weir"))
            self.assertEqual(read_frame(c), (True, 0x1, b"hello through weir"))

            big = os.urandom(70000)  # 64-bit length form
            c.send(client_frame(0x2, big))
            self.assertEqual(read_frame(c), (True, 0x2, big))

            mid = os.urandom(300)  # 16-bit length form
            c.send(client_frame(0x2, mid))
            self.assertEqual(read_frame(c), (True, 0x2, mid))

            c.send(client_frame(0x9, b"ping"))
            self.assertEqual(read_frame(c), (True, 0xA, b"ping"))

            # Fragments (RFC 6455 5.4), sent in one write.
            c.send(client_frame(0x1, b"frag-", fin=False) + client_frame(0x0, b"ment"))
            self.assertEqual(read_frame(c), (False, 0x1, b"frag-"))
            self.assertEqual(read_frame(c), (True, 0x0, b"ment"))

            close = struct.pack("!H", 1000) + b"bye"
            c.send(client_frame(0x8, close))
            self.assertEqual(read_frame(c), (True, 0x8, close))
            self.assertTrue(c.wait_closed(5), "the tunnel must end when the origin closes")

    def test_many_small_frames_in_one_write(self):
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port, timeout=5) as c:
            _, resp = handshake(c)
            self.assertEqual(resp.status, 101)
            msgs = [b"m%d" % i for i in range(200)]
            c.send(b"".join(client_frame(0x1, m) for m in msgs))
            for m in msgs:
                self.assertEqual(read_frame(c), (True, 0x1, m))

    def test_client_closing_the_tunnel_frees_upstream(self):
        with Origin() as origin, gateway_for(origin) as gw:
            c = RawConn(gw.port, timeout=5)
            _, resp = handshake(c)
            self.assertEqual(resp.status, 101)
            self.assertEqual(origin.stats()["connections_open"], 1)
            c.close()
            self.assertEqual(origin.wait_connections_open(lambda n: n == 0), 0)
            with RawConn(gw.port) as c2:
                c2.send(b"GET /echo/after HTTP/1.1\r\nHost: a.test\r\n\r\n")
                self.assertEqual(c2.read_response().json()["target"], "/echo/after")

    def test_declined_upgrade_stays_http(self):
        # /echo answers 200 instead of 101: no tunnel. The connection either
        # stays plain HTTP/1.1 or is closed as announced (RFC 9112 9.6).
        with Origin() as origin, gateway_for(origin) as gw:
            c = RawConn(gw.port, timeout=5)
            _, resp = handshake(c, b"/echo/no-upgrade")
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.json()["target"], "/echo/no-upgrade")
            if "close" in (resp.header("connection") or "").lower():
                self.assertTrue(c.wait_closed(3))
                c.close()
                c = RawConn(gw.port, timeout=5)
            with c:
                c.send(b"GET /echo/then HTTP/1.1\r\nHost: a.test\r\n\r\n")
                self.assertEqual(c.read_response().json()["target"], "/echo/then")


if __name__ == "__main__":
    unittest.main(verbosity=2)
