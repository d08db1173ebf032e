#!/usr/bin/env python3
"""The embedding examples, run as real processes in front of the test origin:
examples/embed_cpp (in-process handlers and a proxied route, built in C++
code), examples/attach_loop (the C ABI on the host's own libuv loop) and
examples/metrics_endpoint (the gateway serving its own metrics and upstream
state from handlers on its workers).
Each must answer, proxy, and exit 0 on SIGTERM (and SIGINT) within bounds.

Binaries come from WEIR_EMBED_CPP, WEIR_ATTACH_LOOP, WEIR_METRICS_ENDPOINT and
WEIR_ORIGIN."""

import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from harness import (STOP_TIMEOUT_S, Origin, RawConn, exchange, free_port, is_gateway_error,
                     read_first_line, require_binary)

WEIR_EMBED_CPP = os.environ.get("WEIR_EMBED_CPP", "")
WEIR_ATTACH_LOOP = os.environ.get("WEIR_ATTACH_LOOP", "")
WEIR_METRICS_ENDPOINT = os.environ.get("WEIR_METRICS_ENDPOINT", "")


def get(port, path, extra=b""):
    return exchange(port, b"GET " + path.encode() + b" HTTP/1.1\r\nHost: example\r\n" + extra +
                    b"Connection: close\r\n\r\n")


class Example:
    """An example binary that prints `listening on PORT` once it serves.
    `stop(sig)` sends the signal and returns the exit status (bounded)."""

    def __init__(self, argv):
        self.argv = argv
        self.proc = None
        self.port = None
        self.stderr_file = tempfile.TemporaryFile()
        self.env = None  # the environment of the process; None: this one's

    def start(self):
        """Runs the binary once; True when it reported its port."""
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=self.stderr_file,
                                     env=self.env)
        line = read_first_line(self.proc)
        if line.startswith(b"listening on "):
            self.port = int(line[len(b"listening on "):])
            return True
        self.stop(signal.SIGKILL)
        return False

    def stderr_text(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM):
        """The exit status after `sig`; None if it did not exit within the bound."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT_S)
                return None
        self.proc.stdout.close()
        return self.proc.returncode

    def __enter__(self):
        if self.proc is None and not self.start():
            raise RuntimeError(f"{self.argv} did not start:\n{self.stderr_text()}")
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.stop(signal.SIGKILL)
        self.stderr_file.close()
        return False


def start_attach_loop(origin):
    """attach_loop on a free port (it has no port 0: the C ABI reports no port),
    retrying when another process takes the port first."""
    require_binary("WEIR_ATTACH_LOOP", WEIR_ATTACH_LOOP)
    for _attempt in range(3):
        ex = Example([WEIR_ATTACH_LOOP, "--port", str(free_port()),
                      "--upstream", f"127.0.0.1:{origin.port}"])
        if ex.start():
            return ex
        text = ex.stderr_text()
        ex.__exit__(None, None, None)
        if "listen" not in text.lower():
            raise RuntimeError(f"attach_loop did not start:\n{text}")
    raise RuntimeError("attach_loop found no free port in 3 attempts")


class ExitMixin:
    def assert_clean_exit(self, ex, sig=signal.SIGTERM):
        started = time.monotonic()
        status = ex.stop(sig)
        text = ex.stderr_text()
        self.assertIsNotNone(status, f"no exit within {STOP_TIMEOUT_S} s of {sig!r}\n{text}")
        self.assertEqual(status, 0, f"exit status after {sig!r}; stderr:\n{text}")
        self.assertLess(time.monotonic() - started, 5.0)
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            self.assertNotIn(marker, text)


class EmbedCppTest(ExitMixin, unittest.TestCase):
    def setUp(self):
        require_binary("WEIR_EMBED_CPP", WEIR_EMBED_CPP)

    def example(self, origin):
        return Example([WEIR_EMBED_CPP, "--port", "0", "--upstream", f"127.0.0.1:{origin.port}"])

    def test_handlers_proxy_and_sigterm(self):
        with Origin() as origin, self.example(origin) as ex:
            resp = get(ex.port, "/hello")
            self.assertEqual(resp.status, 200, resp)
            self.assertEqual(resp.body, b"hello from an in-process handler\n")
            self.assertEqual(resp.header("content-type"), "text/plain")

            for user_id in ("42", "ada-lovelace"):
                resp = get(ex.port, "/users/" + user_id)
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(resp.json(), {"id": user_id})

            # /api/... goes to the origin with the prefix stripped.
            before = origin.stats()["requests"]
            resp = get(ex.port, "/api/echo/x?y=1", b"X-Trace: t1\r\n")
            self.assertEqual(resp.status, 200, resp)
            seen = resp.json()
            self.assertEqual(seen["target"], "/echo/x?y=1")
            self.assertIn(["X-Trace", "t1"], seen["headers"])
            self.assertEqual(origin.stats()["requests"], before + 1)

            # The handlers answer only their own paths and methods.
            self.assertTrue(is_gateway_error(get(ex.port, "/nowhere"), 404))
            self.assertEqual(get(ex.port, "/users/1/more").status, 404)
            resp = exchange(ex.port, b"POST /hello HTTP/1.1\r\nHost: example\r\n"
                                     b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            self.assertIn(resp.status, (404, 405))
            self.assertEqual(origin.stats()["requests"], before + 1)

            self.assert_clean_exit(ex, signal.SIGTERM)

    def test_keep_alive_mixes_handlers_and_proxy(self):
        with Origin() as origin, self.example(origin) as ex, RawConn(ex.port) as c:
            for i in range(5):
                c.send(f"GET /users/{i} HTTP/1.1\r\nHost: example\r\n\r\n".encode())
                self.assertEqual(c.read_response().json(), {"id": str(i)})
                c.send(f"GET /api/echo/{i} HTTP/1.1\r\nHost: example\r\n\r\n".encode())
                self.assertEqual(c.read_response().json()["target"], f"/echo/{i}")
            self.assert_clean_exit(ex, signal.SIGTERM)

    def test_sigint_exits_cleanly(self):
        with Origin() as origin, self.example(origin) as ex:
            self.assertEqual(get(ex.port, "/hello").status, 200)
            self.assert_clean_exit(ex, signal.SIGINT)

    def test_usage_error(self):
        proc = subprocess.run([WEIR_EMBED_CPP, "--port", "0"], capture_output=True, timeout=10)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"usage", proc.stderr)


def poll(fn, timeout=5.0):
    """fn()'s first truthy value within `timeout` seconds, else its last."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


class MetricsEndpointTest(ExitMixin, unittest.TestCase):
    def setUp(self):
        require_binary("WEIR_METRICS_ENDPOINT", WEIR_METRICS_ENDPOINT)

    def test_metrics_and_upstream_state_from_handlers(self):
        with Origin() as origin, Example([WEIR_METRICS_ENDPOINT, "--port", "0", "--upstream",
                                          f"127.0.0.1:{origin.port}"]) as ex:
            for i in range(3):
                self.assertEqual(get(ex.port, f"/api/echo/{i}").status, 200)
            self.assertEqual(get(ex.port, "/api/status/503").status, 503)
            endpoint = f"127.0.0.1:{origin.port}"
            want = [
                'weir_requests_total{route="api",status_class="2xx"} 3\n',
                'weir_requests_total{route="api",status_class="5xx"} 1\n',
                f'weir_upstream_requests_total{{upstream="remote",endpoint="{endpoint}"}} 4\n',
                f'weir_upstream_errors_total{{upstream="remote",endpoint="{endpoint}"}} 1\n',
            ]
            text = poll(lambda: (lambda t: t if all(w in t for w in want) else "")(
                get(ex.port, "/metrics").body.decode()))
            self.assertTrue(text, get(ex.port, "/metrics").body.decode())
            resp = get(ex.port, "/metrics")
            self.assertEqual(resp.header("content-type"), "text/plain; version=0.0.4")
            self.assertIn("# TYPE weir_request_duration_seconds histogram\n", resp.body.decode())

            # A request in flight shows in the upstream's state, read by a
            # handler on a worker (it asks both workers, itself included).
            with RawConn(ex.port) as c:
                c.send(b"GET /api/slow/1500 HTTP/1.1\r\nHost: example\r\n\r\n")
                state = poll(lambda: (lambda s: s if s["endpoints"][0]["active_requests"] == 1 else None)(
                    get(ex.port, "/upstreams/remote").json()))
                self.assertIsNotNone(state, get(ex.port, "/upstreams/remote").body)
                self.assertEqual(state["breaker"], "closed")
                self.assertEqual(state["endpoints"][0]["address"], endpoint)
                self.assertTrue(state["endpoints"][0]["healthy"])
                self.assertEqual(c.read_response().status, 200)
            state = poll(lambda: (lambda s: s if s["endpoints"][0]["active_requests"] == 0 else None)(
                get(ex.port, "/upstreams/remote").json()))
            self.assertIsNotNone(state)
            self.assertEqual(get(ex.port, "/upstreams/nope").status, 404)
            self.assert_clean_exit(ex, signal.SIGTERM)


class AttachLoopTest(ExitMixin, unittest.TestCase):
    def test_proxies_and_sigterm(self):
        with Origin() as origin:
            ex = start_attach_loop(origin)
            with ex:
                resp = get(ex.port, "/echo/attached?q=2")
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(resp.json()["target"], "/echo/attached?q=2")
                with RawConn(ex.port) as c:  # several exchanges on one connection
                    for i in range(5):
                        c.send(f"GET /bytes/{1000 + i} HTTP/1.1\r\nHost: example\r\n\r\n".encode())
                        resp = c.read_response()
                        self.assertEqual((resp.status, len(resp.body)), (200, 1000 + i))
                self.assert_clean_exit(ex, signal.SIGTERM)
                self.assertRaises(OSError, get, ex.port, "/echo/after")

    def test_sigterm_drains_the_request_in_flight(self):
        with Origin() as origin:
            ex = start_attach_loop(origin)
            with ex, RawConn(ex.port) as c:
                c.send(b"GET /slow/400 HTTP/1.1\r\nHost: example\r\n\r\n")
                time.sleep(0.15)  # the request is at the origin now
                result = {}
                stopper = threading.Thread(target=lambda: result.update(rc=ex.stop()))
                stopper.start()
                resp = c.read_response()
                stopper.join(STOP_TIMEOUT_S * 2 + 1)
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(json.loads(resp.body), {"slept_ms": 400})
                self.assertEqual(result.get("rc"), 0, ex.stderr_text())

    def test_sigint_exits_cleanly(self):
        with Origin() as origin:
            ex = start_attach_loop(origin)
            with ex:
                self.assertEqual(get(ex.port, "/echo").status, 200)
                self.assert_clean_exit(ex, signal.SIGINT)

    def test_usage_error(self):
        require_binary("WEIR_ATTACH_LOOP", WEIR_ATTACH_LOOP)
        proc = subprocess.run([WEIR_ATTACH_LOOP, "--port", "1", "--upstream", "x\",\"y"],
                              capture_output=True, timeout=10)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"usage", proc.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
