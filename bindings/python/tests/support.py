"""What the binding tests share: the test origin (tests/integration/harness.py),
gateway configurations, a started gateway on a free port, and an HTTP GET.

WEIR_ORIGIN names the origin binary and WEIR_LIB the library (meson's test()
sets both); every wait is bounded."""

import http.client
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "integration"))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..")))

import harness  # noqa: E402  (needs the path above)
import weir  # noqa: E402

Origin = harness.Origin
free_port = harness.free_port
HEADER = os.path.join(SOURCE_ROOT, "capi", "weir.h")
IO_TIMEOUT_S = 10.0


def config_for(origin_port, listen_port=None, **overrides):
    """One listener on 127.0.0.1:listen_port (a free port when None; 0 lets
    the kernel choose at start), every path to the origin."""
    cfg = harness.gateway_config(origin_port, **overrides)
    cfg["listeners"][0]["port"] = free_port() if listen_port is None else listen_port
    return cfg


def started_gateway(origin_port, **overrides):
    """(gateway, port): a started weir.Gateway in front of the origin, on a
    port the kernel chose ("port": 0), read back with Gateway.port()."""
    gw = weir.Gateway(config_for(origin_port, 0, **overrides))
    try:
        gw.start()
        return gw, gw.port()
    except BaseException:
        gw.close()
        raise


def get(port, path="/echo", method="GET", body=None, headers=None, timeout=IO_TIMEOUT_S):
    """(status, body bytes) of one request on a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def echo(port, path="/echo", **kw):
    status, body = get(port, path, **kw)
    if status != 200:
        raise AssertionError(f"{path}: status {status}: {body[:300]!r}")
    return json.loads(body)


def refused(port):
    """True when nothing listens on the port any more."""
    try:
        get(port, timeout=2.0)
    except (ConnectionRefusedError, ConnectionResetError):
        return True
    return False


def origin_requests(origin):
    return origin.stats()["requests"]


def eventually(predicate, timeout=5.0, interval=0.02):
    """Polls predicate() until it is true or timeout seconds pass; its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def open_fds():
    return len(os.listdir("/proc/self/fd"))
