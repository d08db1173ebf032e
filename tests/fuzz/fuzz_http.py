#!/usr/bin/env python3
"""Mutational fuzzing of the gateway over real sockets, both directions.

Requests: valid and tricky request heads are mutated (byte flips, insertions,
deletions, duplicated lines, hostile tokens) and sent in random pieces.
Responses: the test origin's /raw-body answers with whatever bytes the test
sends, so mutated responses reach the gateway's upstream parser.

Properties checked: the gateway never crashes or hangs, every answer it
gives starts with a well-formed status line, a clean request still works
after every batch, and no file descriptor is left behind. Deterministic:
FUZZ_SEED picks the sequence, FUZZ_CASES its length, FUZZ_SECONDS caps time.
"""
import os
import random
import re
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from harness import Origin, gateway_for  # noqa: E402

SEED = int(os.environ.get("FUZZ_SEED", "20261124"))
CASES = int(os.environ.get("FUZZ_CASES", "5000"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "60"))
STATUS_LINE = re.compile(rb"^HTTP/1\.1 [1-5][0-9][0-9] [^\r\n]*\r\n")

REQUESTS = [
    b"GET /echo/a?x=1 HTTP/1.1\r\nHost: fuzz\r\n\r\n",
    b"POST /echo/b HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /echo/c HTTP/1.1\r\nHost: fuzz\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"GET /echo/d HTTP/1.1\r\nHost: fuzz\r\n\r\nGET /echo/e HTTP/1.1\r\nHost: fuzz\r\n\r\n",
    b"GET http://fuzz/echo/f HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n",
    b"POST /echo/g HTTP/1.1\r\nHost: fuzz\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
    b"GET /ws HTTP/1.1\r\nHost: fuzz\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    b"HEAD /bytes/100 HTTP/1.0\r\n\r\n",
    b"GET /%2e%2e/echo/../h;x=1//i HTTP/1.1\r\nHost: fuzz\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n",
]

RESPONSES = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\n\r\nclose-delimited body",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nX-A: b\r\n\r\n",
    b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nConnection: close, x-a\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nok",
]

TOKENS = [b"\r", b"\n", b"\r\n", b"\x00", b" ", b"\t", b":", b",", b";", b"\x7f", b"\xff",
          b"chunked", b"Transfer-Encoding: chunked\r\n", b"Content-Length: 0\r\n",
          b"Content-Length: 99999999999999999999\r\n", b"Content-Length: -1\r\n", b"Host: x\r\n",
          b"\r\n ", b"%", b"%2f", b"/../", b"HTTP/1.0", b"HTTP/9.9", b"ffffffffffffffff\r\n",
          b"Connection: close\r\n", b"Upgrade: websocket\r\n", b"Expect: 100-continue\r\n"]


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(pos, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[pos:pos] = rng.choice(TOKENS)
        elif op == 2 and data:
            del data[pos:pos + rng.randint(1, 8)]
        elif op == 3:
            lines = bytes(data).split(b"\r\n")
            if len(lines) > 1:
                i = rng.randrange(len(lines))
                lines.insert(i, lines[i])
                data = bytearray(b"\r\n".join(lines))
        elif op == 4:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
        else:
            data = data[:pos]
    return bytes(data)


def exchange(port, data, rng, timeout=3.0):
    """Sends `data` in random pieces; returns what came back before the
    connection closed or went quiet. Raises on a hang longer than timeout."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        i = 0
        try:
            while i < len(data):
                n = rng.randint(1, max(1, len(data) - i))
                s.sendall(data[i:i + n])
                i += n
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the gateway may refuse and close before the whole input is sent
        out = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


class FuzzTest(unittest.TestCase):
    def check_answer(self, out, case):
        if out:
            self.assertRegex(out[:200], STATUS_LINE, f"malformed answer to case {case!r}: {out[:200]!r}")

    def sanity(self, gw):
        with socket.create_connection(("127.0.0.1", gw.port), timeout=5) as s:
            s.sendall(b"GET /echo/sane HTTP/1.1\r\nHost: ok\r\nConnection: close\r\n\r\n")
            out = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        self.assertTrue(out.startswith(b"HTTP/1.1 200 "), out[:200])

    def test_requests_and_responses(self):
        rng = random.Random(SEED)
        started = time.monotonic()
        with Origin() as origin, gateway_for(origin, route={"timeout_ms": 2000},
                                            upstream={"idle_timeout_ms": 300}) as gw:
            self.sanity(gw)
            baseline = gw.fd_count()
            done = 0
            for case in range(CASES):
                if time.monotonic() - started > SECONDS:
                    break
                if case % 4 == 3:
                    body = mutate(rng, rng.choice(RESPONSES))
                    data = (b"POST /raw-body HTTP/1.1\r\nHost: fuzz\r\nContent-Length: %d\r\n\r\n"
                            % len(body)) + body
                else:
                    data = mutate(rng, rng.choice(REQUESTS))
                out = exchange(gw.port, data, rng)
                self.check_answer(out, data)
                self.assertTrue(gw.alive(), f"gateway died on case {data!r}\n{gw.stderr_text()[-4000:]}")
                done += 1
                if case % 100 == 99:
                    self.sanity(gw)
            self.sanity(gw)
            # Every connection of the run is closed (pooled upstream ones
            # expire after 300 ms): no descriptor leaked.
            count = gw.wait_fd_count(lambda n: n <= baseline, timeout=10)
            if count > baseline:
                import subprocess
                ss = subprocess.run(["ss", "-tanp"], capture_output=True, text=True).stdout
                mine = "\n".join(l for l in ss.splitlines() if f"pid={gw.pid}," in l)
                self.fail(f"file descriptors left open ({count} > {baseline}):\n{mine}")
            self.assertGreater(done, min(CASES, 200), "too few cases ran to mean anything")
            print(f"fuzz: {done} cases, seed {SEED}", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
