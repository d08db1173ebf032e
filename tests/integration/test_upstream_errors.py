#!/usr/bin/env python3
"""Upstream failures and how the client sees them: 502 for refused or broken
upstream connections, 503 for connect timeouts, 504 for response timeouts
(RFC 9110 15.6.3-15.6.5); broken exchanges never poison the pool, and a
client that goes away frees everything it held."""

import contextlib
import socket
import struct
import time
import unittest

from harness import Origin, RawConn, free_port, gateway_for, is_gateway_error

GET = b"GET %s HTTP/1.1\r\nHost: a.test\r\n\r\n"


@contextlib.contextmanager
def unresponsive_listener():
    """A port that never completes a TCP handshake: a listener with backlog 0
    whose accept queue is already full, so Linux drops further SYNs and a
    connect() waits until its own timeout."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    fillers = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        for _ in range(4):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            fillers.append(s)
        time.sleep(0.2)
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.settimeout(0.5)
        try:
            probe.connect(("127.0.0.1", port))
            raise AssertionError("the full-backlog listener still completed a handshake; "
                                 "this kernel does not drop SYNs on a full accept queue")
        except socket.timeout:
            pass
        finally:
            probe.close()
        yield port
    finally:
        for s in fillers:
            s.close()
        listener.close()


class UpstreamErrorsTest(unittest.TestCase):
    def test_refused_connection_is_502(self):
        port = free_port()  # nothing listens there
        with gateway_for(port) as gw:
            for _ in range(2):  # a failed connect leaves nothing behind
                with RawConn(gw.port) as c:
                    start = time.monotonic()
                    c.send(GET % b"/echo/down")
                    resp = c.read_response()
                    self.assertTrue(is_gateway_error(resp, 502), resp)
                    self.assertLess(time.monotonic() - start, 2.0)

    def test_connect_timeout_is_503(self):
        with unresponsive_listener() as port, \
                gateway_for(port, upstream={"connect_timeout_ms": 300}) as gw, RawConn(gw.port) as c:
            start = time.monotonic()
            c.send(GET % b"/echo/hang")
            resp = c.read_response()
            elapsed = time.monotonic() - start
            self.assertTrue(is_gateway_error(resp, 503), resp)
            self.assertGreaterEqual(elapsed, 0.25)
            self.assertLess(elapsed, 3.0)

    def test_reset_without_response_is_502(self):
        with Origin() as origin, gateway_for(origin) as gw:
            for path in (b"/reset", b"/close"):
                with RawConn(gw.port) as c:
                    c.send(GET % path)
                    resp = c.read_response()
                    self.assertTrue(is_gateway_error(resp, 502), (path, resp))
                with RawConn(gw.port) as c:
                    c.send(GET % b"/echo/after")
                    self.assertEqual(c.read_response().json()["target"], "/echo/after")

    def test_response_timeout_is_504_and_late_response_is_dropped(self):
        with Origin() as origin, gateway_for(origin, route={"timeout_ms": 500}) as gw:
            with RawConn(gw.port) as c:
                start = time.monotonic()
                c.send(GET % b"/slow/3000")
                resp = c.read_response()
                elapsed = time.monotonic() - start
                self.assertTrue(is_gateway_error(resp, 504), resp)
                self.assertGreaterEqual(elapsed, 0.45)
                self.assertLess(elapsed, 2.5)
            # The timed-out upstream connection still owes a response; reusing
            # it would hand that response to the wrong request.
            time.sleep(3.0)
            with RawConn(gw.port) as c:
                c.send(GET % b"/echo/next")
                resp = c.read_response()
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(resp.json()["target"], "/echo/next")

    def test_upstream_abort_mid_body(self):
        n = 4_000_000
        with Origin() as origin, gateway_for(origin) as gw:
            with RawConn(gw.port) as c:
                c.send(GET % b"/echo/warm")
                c.read_response()
                accepted = origin.stats()["connections_accepted"]
                c.send(GET % (b"/abort-mid/%d" % n))
                version, status, _, headers, _ = c.read_head()
                if status == 200:
                    # The head was already on its way: the only honest signal
                    # left is to end the client connection short of the length.
                    self.assertIn(("content-length", str(n)), [(k.lower(), v) for k, v in headers])
                    body = c.read_until_close(limit=n + 1)
                    self.assertLess(len(body), n)
                else:
                    self.assertEqual(status, 502)
            with RawConn(gw.port) as c:
                c.send(GET % b"/echo/after-abort")
                self.assertEqual(c.read_response().json()["target"], "/echo/after-abort")
            self.assertEqual(origin.stats()["connections_accepted"], accepted + 1)

    def test_client_gone_mid_download_frees_everything(self):
        with Origin() as origin, gateway_for(origin) as gw:
            with RawConn(gw.port) as c:
                c.send(GET % b"/echo/warm")
                c.read_response()
            baseline = gw.wait_fd_count(lambda n: False, timeout=0.3)
            accepted = origin.stats()["connections_accepted"]
            c = RawConn(gw.port)
            c.send(GET % (b"/bytes/%d" % (200 * 1024 * 1024)))
            got = 0
            while got < 1 << 20:
                got += len(c.sock.recv(65536))
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()  # RST: the client is gone
            # The half-sent upstream response cannot be reused: its connection closes.
            self.assertEqual(origin.wait_connections_open(lambda n: n == 0, timeout=5), 0)
            with RawConn(gw.port) as c2:
                c2.send(GET % b"/echo/after-client-gone")
                self.assertEqual(c2.read_response().json()["target"], "/echo/after-client-gone")
            self.assertEqual(origin.stats()["connections_accepted"], accepted + 1)
            self.assertLessEqual(gw.wait_fd_count(lambda n: n <= baseline), baseline)
            self.assertTrue(gw.alive())


if __name__ == "__main__":
    unittest.main(verbosity=2)
