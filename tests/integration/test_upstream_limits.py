#!/usr/bin/env python3
"""Per-upstream limits through the gateway, in front of real servers: the
pending queue (waiting for a connection, its bound, its timeout, clients that
leave it, the breaker's gateway-wide limit across workers),
max_requests_per_connection, panic mode with every endpoint down, the circuit
breaker's fallback answer, and retries that replay a request body."""
import threading
import time
import unittest

from harness import Origin, RawConn, gateway_for, is_gateway_error
from test_health import ep, get, wait_until
from test_retries import FixedStatusServer

JOIN_TIMEOUT_S = 15


def post(gw, body, chunked=False, method="POST", path="/echo/replay"):
    with RawConn(gw.port) as c:
        if chunked:
            half = len(body) // 2
            pieces = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (body[:half], body[half:]) if p)
            c.send(b"%s %s HTTP/1.1\r\nHost: l\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                   % (method.encode(), path.encode()) + pieces + b"0\r\n\r\n")
        else:
            c.send(b"%s %s HTTP/1.1\r\nHost: l\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                   % (method.encode(), path.encode(), len(body)) + body)
        return c.read_response()


class Background:
    """Runs fn() in a thread; .result() joins and returns its value (or raises)."""

    def __init__(self, fn):
        self.value = None
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self.thread.start()

    def _run(self, fn):
        try:
            self.value = fn()
        except Exception as e:  # re-raised in result()
            self.error = e

    def result(self):
        self.thread.join(JOIN_TIMEOUT_S)
        if self.thread.is_alive():
            raise AssertionError("request did not finish")
        if self.error:
            raise self.error
        return self.value


class StatusAfterBodyServer(FixedStatusServer):
    """FixedStatusServer that reads each whole request (Content-Length or
    chunked body) before it answers; it keeps the bodies."""

    def __init__(self, status):
        self.bodies = []
        super().__init__(status)

    def handle(self, conn):
        conn.settimeout(10)
        f = conn.makefile("rb")
        try:
            while True:
                line = f.readline()
                if not line:
                    return
                headers = {}
                while True:
                    h = f.readline()
                    if h in (b"\r\n", b""):
                        break
                    name, _, value = h.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = b""
                if headers.get("transfer-encoding", "").lower() == "chunked":
                    while True:
                        size = int(f.readline().split(b";")[0], 16)
                        if size == 0:
                            while f.readline() not in (b"\r\n", b""):
                                pass
                            break
                        body += f.read(size)
                        f.read(2)
                elif "content-length" in headers:
                    body = f.read(int(headers["content-length"]))
                with self.lock:
                    self.bodies.append(body)
                answer = b"after-body"
                conn.sendall(b"HTTP/1.1 %d X\r\nContent-Length: %d\r\n\r\n%s" % (self.status, len(answer), answer))
        except (OSError, ValueError):
            pass
        finally:
            f.close()
            conn.close()


class PendingQueueTest(unittest.TestCase):
    def test_request_waits_for_the_busy_connection_and_reuses_it(self):
        with Origin() as o:
            up = {"max_connections": 1, "max_idle": 1, "max_pending": 4, "pending_timeout_ms": 8000}
            with gateway_for(o, upstream=up) as gw:
                slow = Background(lambda: get(gw, "/slow/600"))
                self.assertEqual(o.wait_connections_open(lambda n: n >= 1), 1)
                r = get(gw, "/echo/waiter")
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.json()["target"], "/echo/waiter")
                self.assertEqual(slow.result().status, 200)
                # The waiter took the connection the slow request freed.
                self.assertEqual(o.stats()["connections_accepted"], 1)

    def test_pending_timeout_is_a_503_naming_the_reason(self):
        with Origin() as o:
            up = {"max_connections": 1, "max_idle": 1, "pending_timeout_ms": 200}
            with gateway_for(o, upstream=up) as gw:
                slow = Background(lambda: get(gw, "/slow/2000"))
                o.wait_connections_open(lambda n: n >= 1)
                r = get(gw, "/echo/late")
                self.assertTrue(is_gateway_error(r, 503), r)
                self.assertEqual(r.header("x-weir-breaker"), "pending_timeout")
                self.assertIn("waiting for an upstream connection", r.json()["error"])
                self.assertEqual(slow.result().status, 200)
                self.assertEqual(get(gw).status, 200)

    def test_over_max_pending_is_refused_at_once(self):
        with Origin() as o:
            up = {"max_connections": 1, "max_idle": 1, "max_pending": 1, "pending_timeout_ms": 8000}
            with gateway_for(o, upstream=up) as gw:
                slow = Background(lambda: get(gw, "/slow/1000"))
                o.wait_connections_open(lambda n: n >= 1)
                # Two more: one waits, the other finds the queue full.
                b = Background(lambda: get(gw, "/echo/b"))
                c = Background(lambda: get(gw, "/echo/c"))
                answers = [b.result(), c.result()]
                self.assertEqual(slow.result().status, 200)
                refused = [r for r in answers if r.status == 503]
                self.assertEqual(len(refused), 1, answers)
                self.assertTrue(is_gateway_error(refused[0], 503), refused[0])
                self.assertEqual(refused[0].header("x-weir-breaker"), "max_pending")
                self.assertEqual(sorted(r.status for r in answers), [200, 503])

    def test_waiting_clients_that_leave_do_not_block_the_queue(self):
        with Origin() as o:
            up = {"max_connections": 1, "max_idle": 1, "max_pending": 8, "pending_timeout_ms": 8000}
            with gateway_for(o, upstream=up) as gw:
                slow = Background(lambda: get(gw, "/slow/800"))
                o.wait_connections_open(lambda n: n >= 1)
                for i in range(4):  # queued, then gone
                    with RawConn(gw.port) as c:
                        c.send(f"GET /echo/gone{i} HTTP/1.1\r\nHost: l\r\n\r\n".encode())
                        time.sleep(0.05)
                stays = Background(lambda: get(gw, "/echo/stays"))
                self.assertEqual(stays.result().status, 200)
                self.assertEqual(slow.result().status, 200)
                self.assertEqual([get(gw).status for _ in range(3)], [200] * 3)
                self.assertTrue(gw.alive())

    def test_breaker_connection_limit_is_shared_by_workers(self):
        with Origin() as o:
            up = {"circuit_breaker": {"max_connections": 1}, "pending_timeout_ms": 8000}
            with gateway_for(o, workers=2, upstream=up) as gw:
                slow = Background(lambda: get(gw, "/slow/500"))
                o.wait_connections_open(lambda n: n >= 1)
                # Fresh client connections land on either worker; every one
                # waits for the one upstream connection the gateway may hold.
                others = [Background(lambda i=i: get(gw, f"/echo/w{i}")) for i in range(6)]
                self.assertEqual([b.result().status for b in others], [200] * 6)
                self.assertEqual(slow.result().status, 200)
                self.assertLessEqual(o.stats()["connections_open"], 1)


class ConnectionReuseTest(unittest.TestCase):
    def requests_on_one_client_connection(self, gw, n):
        statuses = []
        with RawConn(gw.port) as c:
            for i in range(n):
                c.send(f"GET /echo/{i} HTTP/1.1\r\nHost: l\r\n\r\n".encode())
                statuses.append(c.read_response().status)
        return statuses

    def test_max_requests_per_connection_retires_upstream_connections(self):
        with Origin() as o:
            with gateway_for(o, upstream={"max_requests_per_connection": 2}) as gw:
                self.assertEqual(self.requests_on_one_client_connection(gw, 6), [200] * 6)
                self.assertEqual(o.stats()["connections_accepted"], 3)
        with Origin() as o:  # without the option one connection serves all
            with gateway_for(o) as gw:
                self.assertEqual(self.requests_on_one_client_connection(gw, 6), [200] * 6)
                self.assertEqual(o.stats()["connections_accepted"], 1)


class PanicModeTest(unittest.TestCase):
    def all_down(self, panic):
        servers = [FixedStatusServer(503), FixedStatusServer(503)]
        up = {"endpoints": [ep(s.port) for s in servers], "panic": panic,
              "health_check": {"path": "/status/200", "interval_ms": 100, "timeout_ms": 100,
                               "unhealthy": 1, "healthy": 1}}
        return servers, up

    def test_spread_sends_to_endpoints_marked_down(self):
        servers, up = self.all_down("spread")
        try:
            with gateway_for(servers[0].port, upstream=up) as gw:
                self.assertTrue(wait_until(lambda: gw.stderr_text().count("unhealthy") >= 2), gw.stderr_text())
                answers = [get(gw) for _ in range(4)]
                self.assertEqual([(r.status, r.body) for r in answers], [(503, b"fixed")] * 4)
        finally:
            for s in servers:
                s.close()

    def test_fail_answers_503_without_trying(self):
        servers, up = self.all_down("fail")
        try:
            with gateway_for(servers[0].port, upstream=up) as gw:
                self.assertTrue(wait_until(lambda: gw.stderr_text().count("unhealthy") >= 2), gw.stderr_text())
                for _ in range(4):
                    r = get(gw)
                    self.assertTrue(is_gateway_error(r, 503), r)
                    self.assertEqual(r.json()["error"], "no upstream endpoint available")
        finally:
            for s in servers:
                s.close()


class BreakerFallbackTest(unittest.TestCase):
    def test_fallback_while_open_then_half_open_and_closed(self):
        bad = FixedStatusServer(503)
        try:
            cb = {"error_percent": 50, "min_requests": 4, "window_ms": 10000, "open_ms": 500,
                  "half_open_requests": 1,
                  "fallback": {"status": 200, "body": "{\"items\":[]}",
                               "headers": {"content-type": "application/json", "x-degraded": "1"}}}
            with gateway_for(bad.port, upstream={"endpoints": [ep(bad.port)], "circuit_breaker": cb}) as gw:
                for _ in range(4):  # closed: the upstream's answers pass
                    self.assertEqual(get(gw).body, b"fixed")
                self.assertEqual(bad.count, 4)
                r = get(gw)  # open: the fallback, not the upstream
                self.assertEqual(r.status, 200)
                self.assertEqual(r.body, b"{\"items\":[]}")
                self.assertEqual(r.header("content-type"), "application/json")
                self.assertEqual(r.header("x-degraded"), "1")
                self.assertEqual(r.header("x-weir-breaker"), "open")
                self.assertEqual(bad.count, 4)
                bad.status = 200
                time.sleep(0.6)  # open_ms over: half-open, one probe reaches the upstream
                probe = get(gw)
                self.assertEqual((probe.status, probe.body), (200, b"fixed"))
                self.assertIsNone(probe.header("x-weir-breaker"))
                answers = [get(gw) for _ in range(5)]  # closed again
                self.assertEqual([(r.status, r.body) for r in answers], [(200, b"fixed")] * 5)
                self.assertIn("circuit breaker closed", gw.stderr_text())
        finally:
            bad.close()


class RetryReplayTest(unittest.TestCase):
    RETRY = {"attempts": 1, "on": ["503"], "backoff_ms": 0, "non_idempotent": True}

    def run_bodies(self, retry, bodies, chunked):
        bad = StatusAfterBodyServer(503)
        try:
            with Origin() as good:
                up = {"endpoints": [ep(bad.port), ep(good.port)]}
                with gateway_for(good, upstream=up, route={"retry": retry}) as gw:
                    answers = [post(gw, body, chunked) for body in bodies]
                    return answers, list(bad.bodies), good.stats()["requests"]
        finally:
            bad.close()

    def check_replayed(self, chunked):
        bodies = [(b"%d:" % i) + bytes(range(256)) * (8 + i) for i in range(4)]
        answers, first_tries, good_requests = self.run_bodies(self.RETRY, bodies, chunked)
        self.assertEqual([r.status for r in answers], [200] * 4)
        for body, r in zip(bodies, answers):
            echo = r.json()
            self.assertEqual(echo["body"].encode("latin-1"), body)
            self.assertEqual(echo["body_framing"], "chunked" if chunked else "length")
        # Round robin over two endpoints: some requests went to the failing
        # one first, with their whole body, and were replayed.
        self.assertGreater(len(first_tries), 0)
        for b in first_tries:
            self.assertIn(b, bodies)
        self.assertEqual(good_requests, 4)

    def test_content_length_body_is_replayed_to_the_next_endpoint(self):
        self.check_replayed(chunked=False)

    def test_chunked_body_is_replayed_to_the_next_endpoint(self):
        self.check_replayed(chunked=True)

    def test_body_over_the_bound_is_not_retried(self):
        retry = dict(self.RETRY, buffer_bytes=1024)
        for chunked in (False, True):
            with self.subTest(chunked=chunked):
                bodies = [bytes(range(256)) * 16 for _ in range(4)]  # 4096 bytes each
                answers, first_tries, good_requests = self.run_bodies(retry, bodies, chunked)
                refused = [r for r in answers if r.status == 503]
                self.assertEqual(len(refused), len(first_tries))
                # The first try streamed the whole body; only the replay is off.
                self.assertEqual(first_tries, [bodies[0]] * len(first_tries))
                self.assertGreater(len(refused), 0)
                self.assertTrue(all(r.body == b"after-body" for r in refused), refused)
                self.assertEqual(good_requests, 4 - len(refused))

    def test_buffer_bytes_zero_disables_replay(self):
        bodies = [b"small body %d" % i for i in range(4)]
        answers, first_tries, _ = self.run_bodies(dict(self.RETRY, buffer_bytes=0), bodies, False)
        self.assertGreater(len(first_tries), 0)
        self.assertEqual(sum(r.status == 503 for r in answers), len(first_tries))


if __name__ == "__main__":
    unittest.main(verbosity=2)
