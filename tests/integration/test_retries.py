#!/usr/bin/env python3
"""Route retries through the gateway: when they happen, where they land, and
what bounds them (idempotency, attempts, budget, the route timeout)."""
import socket
import threading
import time
import unittest

from harness import Origin, RawConn, check_config, free_port, gateway_config, gateway_for


class FixedStatusServer:
    """A real HTTP/1.1 server on 127.0.0.1 that answers every request with one
    status and counts the requests it saw."""

    def __init__(self, status):
        self.status = status
        self.count = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        conn.settimeout(10)
        buf = b""
        try:
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                _, buf = buf.split(b"\r\n\r\n", 1)
                with self.lock:
                    self.count += 1
                body = b"fixed"
                conn.sendall(b"HTTP/1.1 %d X\r\nContent-Length: %d\r\n\r\n%s" % (self.status, len(body), body))
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.sock.close()


def dead_port():
    return free_port()  # nothing listens there: connections are refused


def ep(port):
    return {"address": f"127.0.0.1:{port}", "weight": 1}


class RetriesTest(unittest.TestCase):
    def send(self, gw, n, method="GET", path="/echo/r"):
        statuses = []
        with RawConn(gw.port) as c:
            for _ in range(n):
                body = b"" if method == "GET" else b"x"
                length = b"" if method == "GET" else b"Content-Length: 1\r\n"
                c.send(b"%s %s HTTP/1.1\r\nHost: r\r\n%s\r\n%s" % (method.encode(), path.encode(), length, body))
                r = c.read_response(method=method)
                statuses.append(r.status)
                if (r.header("connection") or "").lower() == "close":
                    break
        return statuses

    def test_connect_failure_retries_on_another_endpoint(self):
        with Origin() as good:
            up = {"endpoints": [ep(dead_port()), ep(good.port)]}
            with gateway_for(good, upstream=up,
                             route={"retry": {"attempts": 2, "on": ["connect_failure"], "backoff_ms": 1}}) as gw:
                self.assertEqual(self.send(gw, 20), [200] * 20)
            # Without a retry policy, the dead endpoint's turns fail.
            with gateway_for(good, upstream=up) as gw:
                statuses = []
                for _ in range(10):
                    statuses += self.send(gw, 1)
                self.assertIn(502, statuses)

    def test_status_retry_drops_the_failed_answer(self):
        bad = FixedStatusServer(503)
        try:
            with Origin() as good:
                up = {"endpoints": [ep(bad.port), ep(good.port)]}
                with gateway_for(good, upstream=up,
                                 route={"retry": {"attempts": 1, "on": ["503"], "backoff_ms": 0}}) as gw:
                    before = good.stats()["requests"]
                    self.assertEqual(self.send(gw, 20), [200] * 20)
                    self.assertEqual(good.stats()["requests"] - before, 20)
                    self.assertGreater(bad.count, 0)
        finally:
            bad.close()

    def test_attempts_bound_the_tries_and_the_last_answer_passes(self):
        bad = FixedStatusServer(503)
        try:
            with gateway_for(bad.port, upstream={"endpoints": [ep(bad.port)]},
                             route={"retry": {"attempts": 3, "on": ["5xx"], "backoff_ms": 1}}) as gw:
                self.assertEqual(self.send(gw, 1), [503])
                self.assertEqual(bad.count, 4)  # the first try and three retries
        finally:
            bad.close()

    def test_post_is_not_retried_unless_allowed(self):
        with Origin() as good:
            up = {"endpoints": [ep(dead_port()), ep(good.port)]}
            retry = {"attempts": 2, "on": ["connect_failure"], "backoff_ms": 1}
            with gateway_for(good, upstream=up, route={"retry": retry}) as gw:
                statuses = []
                for _ in range(10):
                    statuses += self.send(gw, 1, method="POST")
                self.assertIn(502, statuses)
            retry["non_idempotent"] = True
            with gateway_for(good, upstream=up, route={"retry": retry}) as gw:
                statuses = []
                for _ in range(10):
                    statuses += self.send(gw, 1, method="POST")
                self.assertEqual(statuses, [200] * 10)

    def test_budget_can_forbid_retries(self):
        bad = FixedStatusServer(503)
        try:
            retry = {"attempts": 3, "on": ["5xx"], "backoff_ms": 1, "budget_percent": 1, "min_retries": 0}
            with gateway_for(bad.port, upstream={"endpoints": [ep(bad.port)]}, route={"retry": retry}) as gw:
                self.assertEqual(self.send(gw, 1), [503])
                self.assertEqual(bad.count, 1)  # 1% of one request in flight is no retry
        finally:
            bad.close()

    def test_route_timeout_bounds_all_tries(self):
        with Origin() as slow:
            retry = {"attempts": 5, "on": ["timeout"], "per_try_timeout_ms": 200, "backoff_ms": 1}
            with gateway_for(slow, route={"timeout_ms": 700, "retry": retry}) as gw:
                started = time.monotonic()
                statuses = self.send(gw, 1, path="/slow/3000")
                took = time.monotonic() - started
                self.assertEqual(statuses, [504])
                self.assertLess(took, 1.5, "the route timeout must bound every try together")
                self.assertGreater(took, 0.6)

    def test_retry_config_errors_name_the_key(self):
        cfg = gateway_config(1, route={"retry": {"attempts": 2, "on": ["sometimes"]}})
        cfg["listeners"][0]["port"] = free_port()
        out = check_config(cfg)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("routes[0].retry.on[0]", out.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
