#!/usr/bin/env python3
"""The test origin itself, without the gateway: every other test trusts its
answers, so its endpoints are checked here first."""

import contextlib
import socket
import unittest
import zlib

from harness import ConnectionClosed, Origin, RawConn, pattern, pattern_crc32


def req(target, method=b"GET", extra=b"", body=b""):
    return method + b" " + target + b" HTTP/1.1\r\nHost: origin\r\n" + extra + b"\r\n" + body


class OriginTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with contextlib.ExitStack() as stack:
            cls.origin = stack.enter_context(Origin())
            cls.stack = stack.pop_all()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def conn(self):
        return RawConn(self.origin.port, timeout=5)

    def test_echo_reports_the_request(self):
        with self.conn() as c:
            c.send(req(b"/echo/a?b=c", b"PUT", b"X-A: 1\r\nContent-Length: 3\r\n", b"xyz"))
            body = c.read_response().json()
            self.assertEqual(body["method"], "PUT")
            self.assertEqual(body["target"], "/echo/a?b=c")
            self.assertEqual(body["version"], "HTTP/1.1")
            self.assertEqual(body["headers"], [["Host", "origin"], ["X-A", "1"], ["Content-Length", "3"]])
            self.assertEqual((body["body_len"], body["body"], body["body_framing"]), (3, "xyz", "length"))
            self.assertEqual(body["body_crc32"], zlib.crc32(b"xyz"))

    def test_echo_chunked_body_with_binary_bytes(self):
        data = bytes(range(256))
        with self.conn() as c:
            c.send(req(b"/echo", b"POST", b"Transfer-Encoding: chunked\r\n",
                       b"%x;ext\r\n%s\r\n0\r\nT: 1\r\n\r\n" % (len(data), data)))
            body = c.read_response().json()
            self.assertEqual(body["body"].encode("latin-1"), data)
            self.assertEqual(body["body_framing"], "chunked")

    def test_pattern_bodies(self):
        with self.conn() as c:
            for path in (b"/bytes/100000", b"/chunked/100000"):
                c.send(req(path))
                self.assertEqual(c.read_response().body, pattern(0, 100000))
        with self.conn() as c:
            c.send(req(b"/close-delimited/70000"))
            resp = c.read_response()
            self.assertIsNone(resp.header("content-length"))
            self.assertEqual(resp.body, pattern(0, 70000))

    def test_http10_gets_no_chunks(self):
        with self.conn() as c:
            c.send(b"GET /chunked/40000 HTTP/1.0\r\n\r\n")
            resp = c.read_response()
            self.assertIsNone(resp.header("transfer-encoding"))
            self.assertEqual(resp.body, pattern(0, 40000))

    def test_sink_checksum(self):
        n = 3_000_000
        with self.conn() as c:
            c.send(req(b"/sink", b"POST", b"Content-Length: %d\r\n" % n, pattern(0, n)))
            self.assertEqual(c.read_response().json(), {"bytes": n, "crc32": pattern_crc32(n)})

    def test_status_and_head(self):
        with self.conn() as c:
            c.send(req(b"/status/204") + req(b"/status/404") + req(b"/bytes/10", b"HEAD"))
            self.assertEqual(c.read_response().status, 204)
            self.assertEqual(c.read_response().body, b"status 404\n")
            head = c.read_response("HEAD")
            self.assertEqual(head.header("content-length"), "10")
            self.assertFalse(c.wait_closed(0.2))
            self.assertEqual(c.buf, b"")

    def test_abort_mid_sends_half_then_resets(self):
        with self.conn() as c:
            c.send(req(b"/abort-mid/100000"))
            _, status, _, headers, _ = c.read_head()
            self.assertEqual(status, 200)
            self.assertEqual(len(c.read_until_close()), 50000)

    def test_raw_responses_are_byte_exact(self):
        expected_start = {
            "cl-and-te": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "bare-lf": b"HTTP/1.1 200 OK\nContent-Length: 5\n\nhello",
            "no-status": b"HTTP/1.1 OK\r\n",
        }
        for name, start in expected_start.items():
            with self.conn() as c:
                c.send(req(b"/raw/" + name.encode()))
                self.assertTrue(c.read_until_close().startswith(start), name)
        with self.conn() as c:
            c.send(req(b"/raw/huge-header"))
            self.assertGreater(len(c.read_until_close()), 200 * 1024)

    def test_websocket_accept_matches_rfc6455_example(self):
        # RFC 6455 1.3: this key must give this accept value.
        with self.conn() as c:
            c.send(req(b"/ws", extra=b"Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                      b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"))
            resp = c.read_response()
            self.assertEqual(resp.status, 101)
            self.assertEqual(resp.header("sec-websocket-accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            c.send(bytes([0x81, 0x83, 1, 2, 3, 4]) + bytes(b ^ m for b, m in zip(b"abc", (1, 2, 3))))
            self.assertEqual(c.read_exact(5), b"\x81\x03abc")

    def test_stats_count_connections_and_requests(self):
        with Origin() as origin:
            self.assertEqual(origin.stats(), {"connections_accepted": 0, "connections_open": 0, "requests": 0})
            with RawConn(origin.port) as c:
                for i in range(3):
                    c.send(req(b"/echo/%d" % i))
                    c.read_response()
                # An earlier /stats probe may still be closing on the origin's side.
                self.assertEqual(origin.wait_connections_open(lambda n: n == 1), 1)
                self.assertEqual(origin.stats(), {"connections_accepted": 1, "connections_open": 1, "requests": 3})

    def test_idle_timeout_option(self):
        with Origin("--idle-timeout-ms", "200") as origin, RawConn(origin.port) as c:
            self.assertTrue(c.wait_closed(2))
            self.assertEqual(c.buf, b"", "an idle close sends nothing")

    def test_many_concurrent_keepalive_connections(self):
        socks = []
        try:
            for _ in range(500):
                socks.append(socket.create_connection(("127.0.0.1", self.origin.port), timeout=10))
            for s in socks:
                s.sendall(req(b"/bytes/10"))
            for s in socks:
                data = b""
                while not data.endswith(bytes(range(10))):
                    chunk = s.recv(4096)
                    if not chunk:
                        raise ConnectionClosed("origin closed a keep-alive connection")
                    data += chunk
        finally:
            for s in socks:
                s.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
