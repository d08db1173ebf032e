#!/usr/bin/env python3
"""Persistent connections on both sides (RFC 9112 9.3) and pipelining
(RFC 9112 9.3.2): upstream connections are pooled and reused, the client
connection serves many requests, pipelined responses come back in order."""

import http.client
import json
import threading
import time
import unittest

from harness import Origin, RawConn, gateway_for


def get(c, target, host=b"a.test"):
    c.send(b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
    return c.read_response()


class KeepAliveTest(unittest.TestCase):
    def test_sequential_requests_share_one_upstream_connection(self):
        with Origin() as origin, gateway_for(origin) as gw:
            before = origin.stats()
            with RawConn(gw.port) as c:
                for i in range(20):
                    resp = get(c, b"/echo/seq/%d" % i)
                    self.assertEqual(resp.status, 200)
                    self.assertEqual(resp.json()["target"], "/echo/seq/%d" % i)
                    self.assertNotIn("close", (resp.header("connection") or "").lower())
            after = origin.stats()
            self.assertEqual(after["requests"] - before["requests"], 20)
            self.assertEqual(after["connections_accepted"] - before["connections_accepted"], 1,
                             "the gateway must reuse its upstream connection")

    def test_idle_upstream_connection_expires(self):
        with Origin() as origin, gateway_for(origin, upstream={"idle_timeout_ms": 300}) as gw:
            with RawConn(gw.port) as c:
                self.assertEqual(get(c, b"/echo/idle").status, 200)
            self.assertEqual(origin.wait_connections_open(lambda n: n == 1, 2.0), 1)
            started = time.monotonic()
            self.assertEqual(origin.wait_connections_open(lambda n: n == 0, 5.0), 0,
                             "an idle pooled connection must close after idle_timeout_ms")
            self.assertLess(time.monotonic() - started, 3.0)
            # The next request connects afresh and works.
            with RawConn(gw.port) as c:
                self.assertEqual(get(c, b"/echo/again").status, 200)

    def test_http_client_keeps_one_socket(self):
        with Origin() as origin, gateway_for(origin) as gw:
            c = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
            local = None
            for i in range(10):
                c.request("POST" if i % 2 else "GET", f"/echo/hc/{i}", body=b"b" * i if i % 2 else None)
                resp = c.getresponse()
                body = json.loads(resp.read())
                self.assertEqual(body["target"], f"/echo/hc/{i}")
                self.assertIsNotNone(c.sock, "the gateway closed the client connection")
                if local is None:
                    local = c.sock.getsockname()
                self.assertEqual(c.sock.getsockname(), local, "http.client had to reconnect")
            c.close()
            self.assertEqual(origin.stats()["connections_accepted"], 1)

    def test_pool_is_shared_by_successive_client_connections(self):
        with Origin() as origin, gateway_for(origin) as gw:
            for i in range(10):
                with RawConn(gw.port) as c:
                    self.assertEqual(get(c, b"/echo/client/%d" % i).status, 200)
            self.assertEqual(origin.stats()["connections_accepted"], 1)

    def test_upstream_connection_close_is_not_reused(self):
        with Origin() as origin, gateway_for(origin) as gw:
            with RawConn(gw.port) as c:
                self.assertEqual(get(c, b"/headers-out?close=1").status, 200)
                self.assertEqual(get(c, b"/echo/next").status, 200)
                self.assertEqual(get(c, b"/echo/next2").status, 200)
            self.assertEqual(origin.stats()["connections_accepted"], 2)

    def test_pooled_connection_closed_by_origin_is_not_used(self):
        # The origin drops idle connections after 300 ms; the gateway must notice
        # the close of a pooled connection instead of failing the next request.
        with Origin("--idle-timeout-ms", "300") as origin, gateway_for(origin) as gw:
            with RawConn(gw.port) as c:
                self.assertEqual(get(c, b"/echo/1").status, 200)
                deadline = time.monotonic() + 5
                while origin.stats()["connections_open"] > 0 and time.monotonic() < deadline:
                    time.sleep(0.05)
                self.assertEqual(origin.stats()["connections_open"], 0)
                time.sleep(0.1)
                resp = get(c, b"/echo/2")
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(resp.json()["target"], "/echo/2")
            self.assertEqual(origin.stats()["connections_accepted"], 2)

    def test_pipelined_requests_answered_in_order(self):
        with Origin() as origin, gateway_for(origin) as gw:
            reqs = []
            for i in range(10):
                if i % 3 == 1:
                    body = b"body-%d" % i
                    reqs.append(b"POST /echo/pipe/%d HTTP/1.1\r\nHost: a.test\r\nContent-Length: %d\r\n\r\n%s"
                                % (i, len(body), body))
                else:
                    reqs.append(b"GET /echo/pipe/%d HTTP/1.1\r\nHost: a.test\r\n\r\n" % i)
            with RawConn(gw.port) as c:
                c.send(b"".join(reqs))  # one write: all ten arrive together
                for i in range(10):
                    resp = c.read_response()
                    self.assertEqual(resp.status, 200)
                    body = resp.json()
                    self.assertEqual(body["target"], "/echo/pipe/%d" % i)
                    if i % 3 == 1:
                        self.assertEqual(body["body"], "body-%d" % i)
                self.assertFalse(c.wait_closed(0.3))
                self.assertEqual(c.buf, b"")

    def test_pipelined_slow_first_keeps_order(self):
        with Origin() as origin, gateway_for(origin) as gw:
            with RawConn(gw.port) as c:
                c.send(b"GET /slow/300 HTTP/1.1\r\nHost: a.test\r\n\r\n" +
                       b"".join(b"GET /echo/after/%d HTTP/1.1\r\nHost: a.test\r\n\r\n" % i for i in range(5)))
                self.assertEqual(c.read_response().json(), {"slept_ms": 300})
                for i in range(5):
                    self.assertEqual(c.read_response().json()["target"], "/echo/after/%d" % i)

    def test_pipelined_head_then_get(self):
        with Origin() as origin, gateway_for(origin) as gw:
            with RawConn(gw.port) as c:
                c.send(b"HEAD /bytes/5000 HTTP/1.1\r\nHost: a.test\r\n\r\n"
                       b"GET /echo/x HTTP/1.1\r\nHost: a.test\r\n\r\n")
                head = c.read_response("HEAD")
                self.assertEqual((head.status, head.header("content-length")), (200, "5000"))
                self.assertEqual(c.read_response().json()["target"], "/echo/x")

    def test_concurrent_keepalive_clients(self):
        clients, rounds = 40, 5
        with Origin() as origin, gateway_for(origin) as gw:
            errors = []

            def run(n):
                try:
                    with RawConn(gw.port) as c:
                        for r in range(rounds):
                            target = b"/echo/c%d/r%d" % (n, r)
                            resp = get(c, target)
                            if resp.status != 200 or resp.json()["target"] != target.decode():
                                errors.append((n, r, resp))
                except Exception as e:  # noqa: BLE001 - reported below
                    errors.append((n, repr(e)))

            threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            self.assertFalse(any(t.is_alive() for t in threads), "clients hung")
            self.assertEqual(errors, [])
            stats = origin.stats()
            self.assertEqual(stats["requests"], clients * rounds)
            self.assertLessEqual(stats["connections_accepted"], clients)


if __name__ == "__main__":
    unittest.main(verbosity=2)
