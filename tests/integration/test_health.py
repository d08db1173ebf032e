#!/usr/bin/env python3
"""Active health checks, outlier ejection and both circuit breakers, through
the gateway in front of real servers."""
import socket
import threading
import time
import unittest

from harness import Origin, RawConn, gateway_for, wait_until
from test_retries import FixedStatusServer


def ep(port):
    return {"address": f"127.0.0.1:{port}", "weight": 1}


def get(gw, path="/echo/h"):
    with RawConn(gw.port) as c:
        c.send(f"GET {path} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n".encode())
        return c.read_response()


class HealthTest(unittest.TestCase):
    def test_active_check_takes_an_endpoint_out_and_back(self):
        bad = FixedStatusServer(503)
        try:
            with Origin() as good:
                up = {"endpoints": [ep(bad.port), ep(good.port)],
                      "health_check": {"path": "/status/200", "interval_ms": 100, "timeout_ms": 100,
                                       "unhealthy": 2, "healthy": 1}}
                with gateway_for(good, upstream=up) as gw:
                    # Probes fail on the 503 server: it is marked down, and
                    # every request goes to the good origin (the bad one's
                    # answers would be 503s with the body "fixed").
                    self.assertTrue(wait_until(lambda: "unhealthy" in gw.stderr_text()), gw.stderr_text())
                    answers = [get(gw) for _ in range(20)]
                    self.assertEqual([r.status for r in answers], [200] * 20)
                    self.assertFalse(any(r.body == b"fixed" for r in answers))
                    # It recovers: its answers come back into the rotation.
                    bad.status = 200
                    self.assertTrue(wait_until(lambda: "healthy" in gw.stderr_text().split("unhealthy")[-1]),
                                    gw.stderr_text())
                    answers = [get(gw) for _ in range(20)]
                    self.assertTrue(any(r.body == b"fixed" for r in answers))
        finally:
            bad.close()

    def test_outlier_ejection_after_consecutive_5xx(self):
        bad = FixedStatusServer(503)
        try:
            with Origin() as good:
                up = {"endpoints": [ep(bad.port), ep(good.port)],
                      "outlier": {"consecutive_5xx": 3, "base_ejection_ms": 2000,
                                  "max_ejection_percent": 50}}
                with gateway_for(good, upstream=up) as gw:
                    statuses = [get(gw).status for _ in range(10)]
                    self.assertEqual(statuses.count(503), 3, statuses)  # ejected after the third
                    self.assertEqual(bad.count, 3)
                    self.assertEqual([get(gw).status for _ in range(10)], [200] * 10)
                    self.assertEqual(bad.count, 3)
        finally:
            bad.close()

    def test_error_rate_breaker_opens_half_opens_and_closes(self):
        bad = FixedStatusServer(503)
        try:
            cb = {"error_percent": 50, "min_requests": 4, "window_ms": 10000, "open_ms": 500,
                  "half_open_requests": 1}
            with gateway_for(bad.port, upstream={"endpoints": [ep(bad.port)], "circuit_breaker": cb}) as gw:
                for _ in range(4):
                    self.assertEqual(get(gw).status, 503)
                self.assertEqual(bad.count, 4)
                r = get(gw)  # open: refused at the gateway
                self.assertEqual(r.status, 503)
                self.assertEqual(r.header("x-weir-breaker"), "open")
                self.assertEqual(bad.count, 4)
                bad.status = 200
                time.sleep(0.6)  # open_ms over: one probe goes through and closes it
                self.assertEqual(get(gw).status, 200)
                self.assertEqual([get(gw).status for _ in range(5)], [200] * 5)
                self.assertIn("circuit breaker closed", gw.stderr_text())
        finally:
            bad.close()

    def test_max_requests_refuses_with_a_reason(self):
        with Origin() as slow:
            with gateway_for(slow, upstream={"circuit_breaker": {"max_requests": 1}}) as gw:
                first = {}
                t = threading.Thread(target=lambda: first.setdefault("r", get(gw, "/slow/800")))
                t.start()
                time.sleep(0.3)
                r = get(gw)
                t.join(5)
                self.assertEqual(first["r"].status, 200)
                self.assertEqual(r.status, 503)
                self.assertEqual(r.header("x-weir-breaker"), "max_requests")
                self.assertEqual(get(gw).status, 200)  # the slot came back


if __name__ == "__main__":
    unittest.main(verbosity=2)
