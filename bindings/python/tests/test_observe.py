"""Metrics, Prometheus text, upstream state and the log handler through the
Python binding, with real requests through a started gateway to the test
origin."""

import threading
import unittest

from support import Origin, echo, eventually, get, started_gateway, config_for

import weir


class MetricsTest(unittest.TestCase):
    def setUp(self):
        self.origin = Origin().__enter__()
        self.addCleanup(self.origin.__exit__, None, None, None)
        self.gw, self.port = started_gateway(self.origin.port, workers=2)
        self.addCleanup(self.gw.close)

    def test_totals_count_real_requests(self):
        for _ in range(3):
            echo(self.port)
        self.assertEqual(get(self.port, "/status/503")[0], 503)
        m = eventually(lambda: (lambda m: m if m["requests"] == 4 else None)(self.gw.metrics()))
        self.assertIsNotNone(m, self.gw.metrics())
        self.assertEqual(m["responses_2xx"], 3)
        self.assertEqual(m["responses_5xx"], 1)
        self.assertEqual(m["upstream_requests"], 4)
        self.assertEqual(m["upstream_errors"], 1)
        self.assertEqual(m["gateway_errors"], 0)
        self.assertEqual(m["connections_accepted"], 4)
        self.assertGreater(m["bytes_sent"], 0)
        self.assertTrue(eventually(lambda: self.gw.metrics()["connections_open"] == 0))

    def test_prometheus_text_has_the_series(self):
        echo(self.port)
        echo(self.port)
        self.assertTrue(eventually(lambda: self.gw.metrics()["requests"] == 2))
        text = self.gw.prometheus_text()
        self.assertIn("# TYPE weir_requests_total counter\n", text)
        self.assertIn("# HELP weir_request_duration_seconds ", text)
        self.assertIn('weir_requests_total{route="all",status_class="2xx"} 2\n', text)
        self.assertIn('weir_request_duration_seconds_bucket{route="all",le="+Inf"} 2\n', text)
        self.assertIn('weir_request_duration_seconds_count{route="all"} 2\n', text)
        endpoint = f"127.0.0.1:{self.origin.port}"
        self.assertIn(f'weir_upstream_requests_total{{upstream="o",endpoint="{endpoint}"}} 2\n', text)
        self.assertIn(f'weir_upstream_endpoint_healthy{{upstream="o",endpoint="{endpoint}"}} 1\n', text)
        self.assertIn('weir_upstream_breaker_state{upstream="o",state="closed"} 1\n', text)
        # Every sample line is name{labels} value.
        for line in text.splitlines():
            if not line.startswith("#"):
                self.assertRegex(line, r'^weir_[a-z_]+(\{[^}]*\})? [0-9.e+-]+$')

    def test_a_reload_adds_the_series_of_a_new_route(self):
        echo(self.port)
        cfg = config_for(self.origin.port, 0, workers=2)
        cfg["routes"].insert(0, {"name": "extra", "match": {"prefix": "/status"}, "upstream": "o"})
        self.gw.reload(cfg)
        # The reload reaches the workers asynchronously: poll until it serves.
        self.assertTrue(eventually(lambda: get(self.port, "/status/204")[0] == 204 and
                                   'route="extra",status_class="2xx"' in self.gw.prometheus_text()))
        text = self.gw.prometheus_text()
        self.assertIn('weir_requests_total{route="all",status_class="2xx"} 1\n', text)

    def test_upstream_state(self):
        state = self.gw.upstream_state("o")
        self.assertEqual(state["breaker"], "closed")
        self.assertFalse(state["has_breaker"])
        [ep] = state["endpoints"]
        self.assertEqual(ep["address"], f"127.0.0.1:{self.origin.port}")
        self.assertEqual(ep["weight"], 1)
        self.assertTrue(ep["healthy"])
        self.assertFalse(ep["ejected"])
        self.assertEqual(ep["active_requests"], 0)
        with self.assertRaises(weir.InvalidArgumentError) as cm:
            self.gw.upstream_state("nope")
        self.assertIn("nope", str(cm.exception))


class BreakerStateTest(unittest.TestCase):
    def test_active_requests_and_breaker_counts(self):
        origin = Origin().__enter__()
        self.addCleanup(origin.__exit__, None, None, None)
        gw, port = started_gateway(origin.port, workers=2,
                                   upstream={"circuit_breaker": {"max_requests": 10}})
        self.addCleanup(gw.close)
        done = threading.Event()
        t = threading.Thread(target=lambda: (get(port, "/slow/1500"), done.set()))
        t.start()
        self.addCleanup(t.join)
        state = eventually(lambda: (lambda s: s if s["endpoints"][0]["active_requests"] == 1 else None)(
            gw.upstream_state("o")))
        self.assertIsNotNone(state, gw.upstream_state("o"))
        self.assertTrue(state["has_breaker"])
        self.assertEqual(state["requests"], 1)
        self.assertEqual(state["max_requests"], 10)
        self.assertEqual(state["breaker"], "closed")
        self.assertTrue(done.wait(10))
        self.assertTrue(eventually(lambda: gw.upstream_state("o")["endpoints"][0]["active_requests"] == 0))


class LogHandlerTest(unittest.TestCase):
    def tearDown(self):
        weir.set_log_handler(None)

    def test_worker_lines_reach_the_handler(self):
        origin = Origin().__enter__()
        self.addCleanup(origin.__exit__, None, None, None)
        lines = []
        main = threading.get_ident()
        lock = threading.Lock()

        def handler(level, message):
            with lock:
                lines.append((level, message, threading.get_ident()))

        weir.set_log_handler(handler, "info")
        gw, port = started_gateway(origin.port, route={"match": {"prefix": "/api"}})
        self.addCleanup(gw.close)
        self.assertEqual(get(port, "/nope")[0], 404)
        self.assertTrue(eventually(lambda: any("no route" in m for _, m, _ in list(lines))))
        level, message, thread = next(x for x in lines if "no route" in x[1])
        self.assertEqual(level, weir.LogLevel.INFO)
        self.assertNotEqual(thread, main)  # a worker thread called it
        # Above the handler's level nothing arrives; None restores stderr.
        weir.set_log_handler(handler, weir.LogLevel.ERROR)
        count = len(lines)
        self.assertEqual(get(port, "/nope")[0], 404)
        self.assertTrue(eventually(lambda: gw.metrics()["responses_4xx"] == 2))
        self.assertEqual(len(lines), count)
        weir.set_log_handler(None)
        with self.assertRaises(ValueError):
            weir.set_log_handler(handler, "loud")
        with self.assertRaises(TypeError):
            weir.set_log_handler(42)

    def test_a_failing_handler_does_not_break_requests(self):
        origin = Origin().__enter__()
        self.addCleanup(origin.__exit__, None, None, None)

        def handler(level, message):
            raise RuntimeError("handler bug")

        weir.set_log_handler(handler, "debug")
        gw, port = started_gateway(origin.port, route={"match": {"prefix": "/api"}})
        self.addCleanup(gw.close)
        for _ in range(3):
            self.assertEqual(get(port, "/nope")[0], 404)
        self.assertTrue(eventually(lambda: gw.metrics()["gateway_errors"] == 3))


if __name__ == "__main__":
    unittest.main()
