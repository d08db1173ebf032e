#!/usr/bin/env python3
"""SIGHUP reloads the config file; SIGUSR1 reopens access log files (log
rotation); SIGTERM drains in-flight exchanges, then exits 0."""
import json
import os
import signal
import socket
import tempfile
import threading
import time
import unittest

from harness import Origin, RawConn, gateway_for, read_json_lines


def origin_requests(origin):
    return origin.stats()["requests"]


class SignalsTest(unittest.TestCase):
    def get(self, port, path="/echo"):
        with RawConn(port) as c:
            c.send(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
            return c.read_response()

    def test_sigusr1_reopens_the_access_log_for_rotation(self):
        with Origin() as origin, tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "access.log")
            with gateway_for(origin, middleware=[{"type": "access_log", "path": log}]) as gw:
                self.assertEqual(self.get(gw.port, "/echo/first").status, 200)
                [first] = read_json_lines(log, 1)
                rotated = log + ".1"
                os.rename(log, rotated)  # what logrotate does first
                os.kill(gw.pid, signal.SIGUSR1)
                # The writer reopens at its next flush, creating the file anew.
                deadline = time.monotonic() + 5
                while not os.path.exists(log) and time.monotonic() < deadline:
                    time.sleep(0.01)
                self.assertTrue(os.path.exists(log), gw.stderr_text())
                self.assertEqual(self.get(gw.port, "/echo/second").status, 200)
                [second] = read_json_lines(log, 1)
            self.assertEqual(first["path"], "/echo/first")
            self.assertEqual(second["path"], "/echo/second")
            with open(rotated) as f:
                self.assertEqual([json.loads(l)["path"] for l in f if l.strip()], ["/echo/first"])

    def test_sighup_switches_upstream_and_keeps_old_config_on_error(self):
        with Origin() as a, Origin() as b, gateway_for(a) as gw:
            self.assertEqual(self.get(gw.port).status, 200)
            before_b = origin_requests(b)
            cfg = dict(gw.config)
            cfg["upstreams"] = {"o": dict(gw.config["upstreams"]["o"])}
            cfg["upstreams"]["o"]["endpoints"] = [{"address": f"127.0.0.1:{b.port}", "weight": 1}]
            gw.write_config(cfg)
            os.kill(gw.pid, signal.SIGHUP)
            deadline = time.monotonic() + 5
            while origin_requests(b) == before_b and time.monotonic() < deadline:
                self.assertEqual(self.get(gw.port).status, 200)
                time.sleep(0.05)
            self.assertGreater(origin_requests(b), before_b, gw.stderr_text())
            self.assertIn("reload ok", gw.stderr_text())

            # A broken file is refused; the running config keeps serving.
            with open(os.path.join(gw.dir.name, "gateway.json"), "w") as f:
                f.write('{"routes": [ {"name": 5} ]}')
            os.kill(gw.pid, signal.SIGHUP)
            deadline = time.monotonic() + 5
            while "reload failed" not in gw.stderr_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertIn("reload failed", gw.stderr_text())
            self.assertIn("routes[0].name", gw.stderr_text())
            served = origin_requests(b)
            self.assertEqual(self.get(gw.port).status, 200)
            self.assertEqual(origin_requests(b), served + 1)

    def test_sigterm_drains_in_flight_request(self):
        with Origin() as origin:
            gw = gateway_for(origin).__enter__()
            try:
                result = {}

                def slow():
                    try:
                        result["resp"] = self.get(gw.port, "/slow/800")
                    except Exception as e:  # noqa: BLE001 - reported below
                        result["error"] = e

                t = threading.Thread(target=slow)
                t.start()
                time.sleep(0.3)  # the request is in flight at the origin
                gw.proc.send_signal(signal.SIGTERM)
                t.join(10)
                self.assertNotIn("error", result, result.get("error"))
                self.assertEqual(result["resp"].status, 200)
                self.assertEqual(gw.proc.wait(10), 0)
                # The listener is gone.
                with self.assertRaises(OSError):
                    socket.create_connection(("127.0.0.1", gw.port), timeout=1).close()
            finally:
                if gw.proc.poll() is None:
                    gw.proc.kill()
                    gw.proc.wait(5)
                gw.dir.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
