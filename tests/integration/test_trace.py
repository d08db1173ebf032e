#!/usr/bin/env python3
"""The trace middleware (W3C Trace Context) through the gateway."""
import json
import os
import re
import tempfile
import time
import unittest

from harness import Origin, RawConn, gateway_for

TP = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def seen_headers(gw, extra=""):
    with RawConn(gw.port) as c:
        c.send(f"GET /echo/t HTTP/1.1\r\nHost: t\r\n{extra}Connection: close\r\n\r\n".encode())
        r = c.read_response()
    assert r.status == 200, r
    return {k.lower(): v for k, v in r.json()["headers"]}


class TraceTest(unittest.TestCase):
    def test_new_trace_when_absent(self):
        with Origin() as o, gateway_for(o, middleware=[{"type": "trace"}]) as gw:
            a = TP.match(seen_headers(gw)["traceparent"])
            b = TP.match(seen_headers(gw)["traceparent"])
            self.assertTrue(a and b)
            self.assertNotEqual(a.group(1), b.group(1))
            self.assertEqual(a.group(3), "01")

    def test_valid_parent_keeps_trace_and_gets_a_new_span(self):
        incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        with Origin() as o, gateway_for(o, middleware=[{"type": "trace"}]) as gw:
            h = seen_headers(gw, f"traceparent: {incoming}\r\ntracestate: congo=t61rcWkgMzE\r\n")
            m = TP.match(h["traceparent"])
            self.assertEqual(m.group(1), "4bf92f3577b34da6a3ce929d0e0e4736")
            self.assertNotEqual(m.group(2), "00f067aa0ba902b7")
            self.assertEqual(m.group(3), "01")
            self.assertEqual(h["tracestate"], "congo=t61rcWkgMzE")

    def test_invalid_parent_starts_over_and_drops_tracestate(self):
        bad = ["00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  # upper case
               "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # zero trace id
               "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # version ff
               "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"]  # extra on 00
        with Origin() as o, gateway_for(o, middleware=[{"type": "trace"}]) as gw:
            for tp in bad:
                h = seen_headers(gw, f"traceparent: {tp}\r\ntracestate: a=b\r\n")
                m = TP.match(h["traceparent"])
                self.assertTrue(m, h["traceparent"])
                self.assertNotEqual(m.group(1), "4bf92f3577b34da6a3ce929d0e0e4736")
                self.assertNotIn("tracestate", h)

    def test_sample_ratio_zero_marks_unsampled(self):
        with Origin() as o, gateway_for(o, middleware=[{"type": "trace", "sample_ratio": 0}]) as gw:
            self.assertEqual(TP.match(seen_headers(gw)["traceparent"]).group(3), "00")

    def test_ids_reach_the_access_log(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "access.log")
            mw = [{"type": "trace"}, {"type": "access_log", "path": path}]
            with Origin() as o, gateway_for(o, middleware=mw) as gw:
                m = TP.match(seen_headers(gw)["traceparent"])
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and not (os.path.exists(path) and os.path.getsize(path)):
                    time.sleep(0.05)
                line = json.loads(open(path).read().splitlines()[0])
                self.assertEqual(line["trace_id"], m.group(1))
                self.assertEqual(line["span_id"], m.group(2))
                self.assertNotIn("values", line)  # the ids have fields of their own


if __name__ == "__main__":
    unittest.main(verbosity=2)
