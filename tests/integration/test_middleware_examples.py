#!/usr/bin/env python3
"""The custom-middleware examples, run as real processes in front of the test
origin: examples/custom_middleware_c (a C middleware type named in a config
file), examples/python_gateway and examples/go_gateway (auth written in the
host language). Each must pass allowed requests with its header, refuse the
others, and exit 0 on SIGTERM.

WEIR_CUSTOM_MIDDLEWARE_C is the C example's binary and its config file sits
in WEIR_EXAMPLES_DIR/custom_middleware_c; WEIR_PYTHON_BINDING and WEIR_LIB
let the Python example import weir; WEIR_BUILD_DIR and WEIR_GO build the Go
example with its build.sh. SANITIZER_PRELOAD (a sanitizer build) is preloaded
into the interpreters, which are not instrumented."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import unittest

from harness import Origin, require_binary
from test_examples import Example, ExitMixin, get

EXAMPLES = os.environ.get("WEIR_EXAMPLES_DIR", "")
BUILD_DIR = os.environ.get("WEIR_BUILD_DIR", "")


def interpreter_env(**extra):
    """The environment of an example that runs in an interpreter: with the
    sanitizer runtime first in a sanitizer build."""
    env = dict(os.environ, **extra)
    preload = os.environ.get("SANITIZER_PRELOAD")
    if preload:
        env.update(LD_PRELOAD=preload, ASAN_OPTIONS="detect_leaks=0")
    return env


def header_of(seen, name):
    return {k.lower(): v for k, v in seen["headers"]}.get(name)


class CustomMiddlewareCTest(ExitMixin, unittest.TestCase):
    def test_adds_a_header_and_blocks_a_prefix(self):
        binary = os.environ.get("WEIR_CUSTOM_MIDDLEWARE_C", "")
        require_binary("WEIR_CUSTOM_MIDDLEWARE_C", binary)
        with open(os.path.join(EXAMPLES, "custom_middleware_c", "gateway.json")) as f:
            cfg = json.load(f)
        with Origin() as origin, tempfile.TemporaryDirectory() as tmp:
            # The example's own file, pointed at this test's ports.
            cfg["listeners"][0]["port"] = 0
            cfg["upstreams"]["app"]["endpoints"] = [{"address": f"127.0.0.1:{origin.port}"}]
            path = os.path.join(tmp, "gateway.json")
            with open(path, "w") as f:
                json.dump(cfg, f)
            with Example([binary, "--config", path]) as ex:
                resp = get(ex.port, "/echo/allowed")
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(header_of(resp.json(), "x-guarded-by"), "custom_middleware_c")
                before = origin.stats()["requests"]
                resp = get(ex.port, "/admin/users")
                self.assertEqual(resp.status, 403, resp)
                self.assertEqual(json.loads(resp.body)["error"], "forbidden by the guard")
                self.assertEqual(origin.stats()["requests"], before)
                self.assert_clean_exit(ex)

            # A bad option is refused with its key path, before serving.
            cfg["middleware"][1]["deny_prefix"] = "admin"
            with open(path, "w") as f:
                json.dump(cfg, f)
            proc = subprocess.run([binary, "--config", path], capture_output=True, timeout=10)
            self.assertEqual(proc.returncode, 1)
            self.assertIn(b"middleware[1].deny_prefix: expected a path starting with /", proc.stderr)


class HostLanguageGatewayMixin(ExitMixin):
    """An example gateway whose auth is written in Python or Go: `key_header`
    carries the credential `good_key`, which belongs to consumer "alice"."""

    def check_auth(self, ex, origin, header, good):
        resp = get(ex.port, "/echo/open")
        self.assertEqual(resp.status, 401, resp)
        before = origin.stats()["requests"]
        resp = get(ex.port, "/echo/open", f"{header}: wrong\r\n".encode())
        self.assertEqual(resp.status, 401, resp)
        self.assertEqual(origin.stats()["requests"], before)
        resp = get(ex.port, "/echo/private?x=1", f"{header}: {good}\r\n".encode())
        self.assertEqual(resp.status, 200, resp)
        seen = resp.json()
        self.assertEqual(seen["target"], "/echo/private?x=1")
        self.assertEqual(header_of(seen, "x-consumer"), "alice")
        self.assertIsNone(header_of(seen, header.lower()))  # the credential stays at the edge
        self.assert_clean_exit(ex)


class PythonGatewayTest(HostLanguageGatewayMixin, unittest.TestCase):
    def test_bearer_auth_in_python(self):
        script = os.path.join(EXAMPLES, "python_gateway", "gateway.py")
        env = interpreter_env(PYTHONPATH=os.environ.get("WEIR_PYTHON_BINDING", ""))
        with Origin() as origin:
            ex = Example([sys.executable, script, "--upstream", f"127.0.0.1:{origin.port}",
                          "--port", "0", "--token", "s3cret=alice"])
            ex.env = env
            with ex:
                resp = get(ex.port, "/healthz")
                self.assertEqual((resp.status, resp.body), (200, b"ok\n"), resp)
                self.check_auth(ex, origin, "Authorization", "Bearer s3cret")


class GoGatewayTest(HostLanguageGatewayMixin, unittest.TestCase):
    def test_api_key_auth_in_go(self):
        build = os.path.join(EXAMPLES, "go_gateway", "build.sh")
        done = subprocess.run(["bash", build, BUILD_DIR], capture_output=True, timeout=240)
        self.assertEqual(done.returncode, 0, done.stderr.decode("utf-8", "replace"))
        binary = os.path.join(BUILD_DIR, "examples", "go_gateway", "go_gateway")
        with Origin() as origin:
            ex = Example([binary, "-upstream", f"127.0.0.1:{origin.port}", "-port", "0",
                          "-key", "k-alice=alice"])
            ex.env = interpreter_env(LD_LIBRARY_PATH=BUILD_DIR)
            with ex:
                self.check_auth(ex, origin, "X-Api-Key", "k-alice")


if __name__ == "__main__":
    unittest.main(verbosity=2)
