#!/usr/bin/env python3
"""Request limits: 431 for too large or too many header fields (RFC 6585 5),
414 for a long target (RFC 9110 15.5.15), 413 for a body over max_body_bytes
(RFC 9110 15.5.14), 408 for a head that does not arrive in time
(RFC 9110 15.5.9), and the idle keep-alive timeout."""

import contextlib
import time
import unittest

from harness import Origin, RawConn, gateway_for, is_gateway_error

LIMITS = {
    "max_header_bytes": 4096,
    "max_url_bytes": 1024,
    "max_headers": 20,
    "max_body_bytes": 1000,
    "header_timeout_ms": 500,
    "idle_timeout_ms": 800,
}


class LimitsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with contextlib.ExitStack() as stack:
            cls.origin = stack.enter_context(Origin())
            cls.gw = stack.enter_context(gateway_for(cls.origin, limits=LIMITS))
            cls.stack = stack.pop_all()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def rejected(self, request, status, expect_close=True):
        """Sends request; checks the gateway's own error response, that the
        origin saw nothing, and (by default) that the connection closes."""
        before = self.origin.stats()["requests"]
        with RawConn(self.gw.port) as c:
            c.send(request)
            resp = c.read_response()
            self.assertTrue(is_gateway_error(resp, status), resp)
            if expect_close:
                self.assertTrue(c.wait_closed(3), "connection must close after the error")
        self.assertEqual(self.origin.stats()["requests"], before)
        return resp

    def accepted(self, request):
        with RawConn(self.gw.port) as c:
            c.send(request)
            resp = c.read_response()
            self.assertEqual(resp.status, 200, resp)
            return resp

    def test_header_bytes_limit(self):
        self.accepted(b"GET /echo/ok HTTP/1.1\r\nHost: a.test\r\nX-Big: " + b"a" * 3000 + b"\r\n\r\n")
        self.rejected(b"GET /echo/big HTTP/1.1\r\nHost: a.test\r\nX-Big: " + b"a" * 8000 + b"\r\n\r\n", 431)

    def test_header_bytes_limit_over_many_writes(self):
        # The limit covers the whole head, however it is split on the wire.
        before = self.origin.stats()["requests"]
        with RawConn(self.gw.port) as c:
            c.send(b"GET /echo/split HTTP/1.1\r\nHost: a.test\r\n")
            for i in range(10):
                try:
                    c.send(b"X-H%d: %s\r\n" % (i, b"v" * 500))
                except (BrokenPipeError, ConnectionResetError):
                    break
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                c.send(b"\r\n")
            resp = c.read_response()
            self.assertTrue(is_gateway_error(resp, 431), resp)
        self.assertEqual(self.origin.stats()["requests"], before)

    def test_header_count_limit(self):
        fields = b"".join(b"X-F%d: v\r\n" % i for i in range(15))
        self.accepted(b"GET /echo/few HTTP/1.1\r\nHost: a.test\r\n" + fields + b"\r\n")
        fields = b"".join(b"X-F%d: v\r\n" % i for i in range(30))
        self.rejected(b"GET /echo/many HTTP/1.1\r\nHost: a.test\r\n" + fields + b"\r\n", 431)

    def test_url_limit(self):
        self.accepted(b"GET /echo/" + b"u" * 900 + b" HTTP/1.1\r\nHost: a.test\r\n\r\n")
        self.rejected(b"GET /echo/" + b"u" * 2000 + b" HTTP/1.1\r\nHost: a.test\r\n\r\n", 414)

    def test_body_limit_with_content_length(self):
        resp = self.accepted(b"POST /sink HTTP/1.1\r\nHost: a.test\r\nContent-Length: 1000\r\n\r\n" + b"b" * 1000)
        self.assertEqual(resp.json()["bytes"], 1000)
        # Known up front: refused before anything is forwarded and before the
        # body is sent.
        self.rejected(b"POST /sink HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5000\r\n\r\n", 413)

    def test_body_limit_with_chunked(self):
        with RawConn(self.gw.port) as c:
            c.send(b"POST /sink HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"320\r\n" + b"c" * 800 + b"\r\n")
            time.sleep(0.1)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                c.send(b"320\r\n" + b"c" * 800 + b"\r\n0\r\n\r\n")
            resp = c.read_response()
            self.assertTrue(is_gateway_error(resp, 413), resp)
            self.assertTrue(c.wait_closed(3))
        # The origin holds an unfinished upload: the gateway must drop that
        # upstream connection rather than pool it.
        self.assertLessEqual(self.origin.wait_connections_open(lambda n: n <= 1), 1)
        with RawConn(self.gw.port) as c:
            c.send(b"POST /sink HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"10\r\n" + b"d" * 16 + b"\r\n0\r\n\r\n")
            self.assertEqual(c.read_response().json()["bytes"], 16)

    def test_header_timeout_sends_408_and_closes(self):
        before = self.origin.stats()["requests"]
        with RawConn(self.gw.port) as c:
            start = time.monotonic()
            c.send(b"GET /echo/slow-head HTTP/1.1\r\nHost: a")
            resp = c.read_response()
            elapsed = time.monotonic() - start
            self.assertTrue(is_gateway_error(resp, 408), resp)
            self.assertGreaterEqual(elapsed, 0.4)
            self.assertLess(elapsed, 2.5)
            self.assertTrue(c.wait_closed(3))
        self.assertEqual(self.origin.stats()["requests"], before)

    def test_header_timeout_counts_from_first_byte_not_last(self):
        # A client trickling one byte at a time (slowloris) is still cut off.
        with RawConn(self.gw.port) as c:
            start = time.monotonic()
            c.send(b"GET /echo/trickle HTTP/1.1\r\n")
            closed = False
            for _ in range(30):
                time.sleep(0.1)
                try:
                    c.send(b"X")
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                    break
                if c.wait_closed(0.01):
                    closed = True
                    break
            if not closed:
                closed = c.wait_closed(2)
            self.assertTrue(closed, "trickled head never timed out")
            self.assertLess(time.monotonic() - start, 2.5)

    def test_idle_keepalive_timeout_closes(self):
        with RawConn(self.gw.port) as c:
            c.send(b"GET /echo/idle HTTP/1.1\r\nHost: a.test\r\n\r\n")
            self.assertEqual(c.read_response().status, 200)
            start = time.monotonic()
            self.assertTrue(c.wait_closed(4), "idle connection was never closed")
            elapsed = time.monotonic() - start
            self.assertGreaterEqual(elapsed, 0.3)
            self.assertEqual(c.buf, b"", "an idle close sends nothing")

    def test_activity_keeps_connection_open(self):
        # Requests 0.3 s apart never leave the connection idle for 0.8 s.
        with RawConn(self.gw.port) as c:
            for i in range(5):
                c.send(b"GET /echo/busy/%d HTTP/1.1\r\nHost: a.test\r\n\r\n" % i)
                self.assertEqual(c.read_response().json()["target"], "/echo/busy/%d" % i)
                time.sleep(0.3)

    def test_silent_connection_closes(self):
        with RawConn(self.gw.port) as c:
            self.assertTrue(c.wait_closed(4), "a connection that sends nothing must not stay open")


if __name__ == "__main__":
    unittest.main(verbosity=2)
