#!/usr/bin/env python3
"""examples/canary_gateway/gateway.json, run as it is (ports aside) in front
of two real origins, with HS256 tokens signed here."""
import base64
import hashlib
import hmac
import json
import os
import time
import unittest

from harness import Gateway, Origin, RawConn

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                       "canary_gateway", "gateway.json")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(secret, sub, iss="https://auth.example.com", ttl=600):
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64url(json.dumps({"sub": sub, "iss": iss, "exp": int(time.time()) + ttl}).encode())
    signing = f"{header}.{claims}".encode()
    sig = b64url(hmac.new(secret.encode(), signing, hashlib.sha256).digest())
    return f"{header}.{claims}.{sig}"


class CanaryExampleTest(unittest.TestCase):
    def setUp(self):
        with open(EXAMPLE) as f:
            self.cfg = json.load(f)
        self.secret = self.cfg["routes"][0]["middleware"][0]["secret"]

    def request(self, gw, auth=None, path="/api/users/1"):
        with RawConn(gw.port) as c:
            extra = f"Authorization: Bearer {auth}\r\n" if auth else ""
            c.send(f"GET {path} HTTP/1.1\r\nHost: api\r\n{extra}Connection: close\r\n\r\n".encode())
            return c.read_response()

    def test_canary_scenario(self):
        with Origin() as stable, Origin() as canary:
            self.cfg["upstreams"]["users"]["endpoints"][0]["address"] = f"127.0.0.1:{stable.port}"
            self.cfg["upstreams"]["users-v2"]["endpoints"][0]["address"] = f"127.0.0.1:{canary.port}"
            # The test origin answers under /echo: only the path changes.
            self.cfg["routes"][0]["rewrite"] = {"replace_prefix": {"from": "/api", "to": "/echo/api"}}
            with Gateway(self.cfg) as gw:
                # No token, a forged one, a wrong issuer: refused at the edge.
                self.assertEqual(self.request(gw).status, 401)
                self.assertEqual(self.request(gw, token("wrong-secret", "mallory")).status, 401)
                self.assertEqual(self.request(gw, token(self.secret, "eve", iss="https://evil")).status, 401)
                self.assertEqual(canary.stats()["requests"] + stable.stats()["requests"], 0)

                # 400 users, one request each: about 5% on the canary.
                on_canary = 0
                for i in range(400):
                    before = canary.stats()["requests"]
                    r = self.request(gw, token(self.secret, f"user-{i}"))
                    self.assertEqual(r.status, 200)
                    on_canary += canary.stats()["requests"] - before
                # Binomial(400, 0.05): mean 20, sd 4.4; 5 sd either side.
                self.assertGreater(on_canary, 0)
                self.assertLess(abs(on_canary - 20), 22, on_canary)

                # A user stays on their side, whatever token they present
                # (the split hashes the sub claim), and sub reaches the upstream.
                sides = set()
                for n in range(8):
                    t = token(self.secret, "alice", ttl=600 + n)
                    before = canary.stats()["requests"]
                    r = self.request(gw, t)
                    self.assertEqual(r.status, 200)
                    headers = {k.lower(): v for k, v in r.json()["headers"]}
                    self.assertEqual(headers.get("x-user-id"), "alice")
                    sides.add(canary.stats()["requests"] > before)
                self.assertEqual(len(sides), 1, "a user must not flip between sides")

                # Per-user rate limit: bob's burst of 10 passes, then 429.
                tb = token(self.secret, "bob")
                statuses = [self.request(gw, tb).status for _ in range(14)]
                self.assertEqual(statuses[:10], [200] * 10)
                self.assertIn(429, statuses[10:])
                # Another user is not affected.
                self.assertEqual(self.request(gw, token(self.secret, "carol")).status, 200)


if __name__ == "__main__":
    unittest.main(verbosity=2)
