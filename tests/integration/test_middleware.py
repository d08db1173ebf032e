#!/usr/bin/env python3
"""The middleware pipeline through the real gateway: the config's global and
per-route lists, disabling by name, the log phase, and each built-in
(docs/middleware.md)."""

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import tempfile
import threading
import time
import unittest

from harness import Origin, check_config, free_port, gateway_config, Gateway, gateway_for, is_gateway_error, read_json_lines


def call(gw, method="GET", path="/echo", headers=None, body=None):
    c = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, r.getheaders(), data
    finally:
        c.close()


def hdr(headers, name):
    vals = [v for k, v in headers if k.lower() == name]
    return vals[0] if vals else None


def hdrs(headers, name):
    return [v for k, v in headers if k.lower() == name]


def seen(body, name):
    """Values of a request header as the origin received it (/echo)."""
    return [v for k, v in json.loads(body)["headers"] if k.lower() == name]


def two_routes(origin, global_mw, first_mw=None, second_mw=None, **over):
    cfg = gateway_config(origin.port, **over)
    cfg["middleware"] = global_mw
    cfg["routes"] = [
        {"name": "one", "match": {"prefix": "/echo/one"}, "upstream": "o", "middleware": first_mw or []},
        {"name": "two", "match": {"path": "/echo/two/:id"}, "upstream": "o", "middleware": second_mw or []},
    ]
    return Gateway(cfg)


class OriginCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = contextlib.ExitStack()
        cls.origin = cls.stack.enter_context(Origin())

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()


class PipelineTest(OriginCase):
    def test_global_then_route_and_disable(self):
        glob = [{"type": "api_key", "name": "auth", "keys": [{"key": "k" * 16, "consumer": "c"}]},
                {"type": "headers", "request": {"add": {"x-order": "global"}}}]
        with two_routes(self.origin, glob,
                        first_mw=[{"type": "headers", "request": {"add": {"x-order": "route"}}}],
                        second_mw=[{"disable": ["auth"]}]) as gw:
            st, _, _ = call(gw, path="/echo/one")
            self.assertEqual(st, 401)
            st, _, body = call(gw, path="/echo/one", headers={"x-api-key": "k" * 16})
            self.assertEqual(st, 200)
            self.assertEqual(seen(body, "x-order"), ["global", "route"])
            st, _, body = call(gw, path="/echo/two/5")
            self.assertEqual(st, 200, body)  # auth disabled on this route only
            self.assertEqual(seen(body, "x-order"), ["global"])

    def check_error(self, cfg, expected):
        cfg["listeners"][0]["port"] = 8080
        p = check_config(cfg)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(expected, p.stderr)

    def test_errors_name_the_key_path(self):
        cfg = gateway_config(1)
        cfg["routes"][0]["middleware"] = [{"type": "request_id"},
                                          {"type": "rate_limit", "rate_per_s": -1}]
        self.check_error(cfg, "routes[0].middleware[1].rate_per_s: expected a positive number")
        cfg["routes"][0]["middleware"] = [{"type": "nope"}]
        self.check_error(cfg, 'routes[0].middleware[0].type: unknown middleware type "nope"')
        cfg["routes"][0]["middleware"] = [{"type": "cors", "allow_origins": ["*"], "bogus": 1}]
        self.check_error(cfg, "routes[0].middleware[0].bogus: unknown key")
        cfg["routes"][0]["middleware"] = [{"disable": ["missing"]}]
        self.check_error(cfg, 'routes[0].middleware[0].disable[0]: no global middleware named "missing"')
        cfg["routes"][0]["middleware"] = []
        cfg["middleware"] = [{"type": "fault", "delay_ms": 0, "abort_status": 503}]
        self.check_error(cfg, "middleware[0].delay_ms: must be 1..600000")
        cfg["middleware"] = [{"type": "fault", "percent": 5}]
        self.check_error(cfg, "middleware[0].abort_status: required (or delay_ms)")


class RequestIdTest(OriginCase):
    def test_generated_ids_are_distinct_lowercase_hex(self):
        with gateway_for(self.origin, middleware=[{"type": "request_id"}]) as gw:
            c = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
            ids = []
            for _ in range(200):
                c.request("GET", "/echo")
                r = c.getresponse()
                r.read()
                ids.append(r.getheader("x-request-id"))
            c.close()
        for made in ids:
            self.assertRegex(made, r"^[0-9a-f]{16}$")
        self.assertEqual(len(set(ids)), len(ids))
        self.assertEqual(set("".join(ids)), set("0123456789abcdef"))

    def test_kept_generated_and_in_errors(self):
        mw = [{"type": "request_id"},
              {"type": "api_key", "keys": [{"key": "s" * 16, "consumer": "c"}]}]
        with gateway_for(self.origin, middleware=mw) as gw:
            st, h, body = call(gw, headers={"x-request-id": "abc.DEF_1-2", "x-api-key": "s" * 16})
            self.assertEqual(st, 200)
            self.assertEqual(hdr(h, "x-request-id"), "abc.DEF_1-2")
            self.assertEqual(seen(body, "x-request-id"), ["abc.DEF_1-2"])
            for bad in ("has space", "x" * 129, "semi;colon"):
                st, h, body = call(gw, headers={"x-request-id": bad, "x-api-key": "s" * 16})
                made = hdr(h, "x-request-id")
                self.assertNotEqual(made, bad)
                self.assertRegex(made, r"^[0-9a-f]{16}$")
                self.assertEqual(seen(body, "x-request-id"), [made])
            # The gateway's own error body carries the same id.
            st, h, body = call(gw, headers={"x-request-id": "rid-401"})
            self.assertEqual(st, 401)
            self.assertEqual(json.loads(body)["request_id"], "rid-401")
            self.assertEqual(hdr(h, "x-request-id"), "rid-401")

    def test_upstream_error_body_uses_adopted_id(self):
        dead = free_port()
        with gateway_for(dead, middleware=[{"type": "request_id"}]) as gw:
            st, _, body = call(gw, headers={"x-request-id": "from-client"})
            self.assertEqual(st, 502)
            self.assertEqual(json.loads(body)["request_id"], "from-client")


class HeadersTest(OriginCase):
    def test_templates_and_edits(self):
        route_mw = [{"type": "headers",
                     "request": {"set": {"x-route": "{route}/{param.id}", "x-client": "{client_ip}"},
                                 "add": {"x-multi": "b"}, "remove": ["x-secret"]},
                     "response": {"set": {"x-rid": "id={request_id}"}, "remove": ["content-type"],
                                  "add": {"x-added": "1"}}}]
        with two_routes(self.origin, [{"type": "request_id"}], second_mw=route_mw) as gw:
            st, h, body = call(gw, path="/echo/two/42",
                               headers={"x-route": "spoof", "x-secret": "s", "x-multi": "a",
                                        "x-request-id": "rq1"})
            self.assertEqual(st, 200)
            self.assertEqual(seen(body, "x-route"), ["two/42"])
            self.assertEqual(seen(body, "x-client"), ["127.0.0.1"])
            self.assertEqual(seen(body, "x-secret"), [])
            self.assertEqual(seen(body, "x-multi"), ["a", "b"])
            self.assertEqual(hdr(h, "x-rid"), "id=rq1")
            self.assertIsNone(hdr(h, "content-type"))
            self.assertEqual(hdr(h, "x-added"), "1")

    def test_response_set_replaces_the_upstreams_field_add_goes_beside(self):
        # /headers-out answers with X-End-To-End: yes.
        for edit, want in (("set", ["gw"]), ("add", ["yes", "gw"])):
            mw = [{"type": "headers", "response": {edit: {"x-end-to-end": "gw"}}}]
            cfg = gateway_config(self.origin.port)
            cfg["routes"] = [{"name": "r", "match": {"prefix": "/"}, "upstream": "o", "middleware": mw}]
            with Gateway(cfg) as gw:
                st, h, _ = call(gw, path="/headers-out")
                self.assertEqual(st, 200)
                self.assertEqual(hdrs(h, "x-end-to-end"), want, edit)

    def test_unknown_variable_is_an_error(self):
        cfg = gateway_config(1, middleware=[{"type": "headers", "request": {"set": {"x": "{nope}"}}}])
        cfg["listeners"][0]["port"] = 8080
        p = check_config(cfg)
        self.assertIn('middleware[0].request.set.x: unknown variable "nope"', p.stderr)


class CorsTest(OriginCase):
    MW = [{"type": "cors", "allow_origins": ["https://app.test", "https://*.example.com"],
           "allow_methods": ["GET", "PUT"], "allow_headers": ["x-a"], "expose_headers": ["x-b"],
           "allow_credentials": True, "max_age_ms": 600000}]

    def test_preflight_answered_at_the_edge(self):
        with gateway_for(self.origin, middleware=self.MW) as gw:
            before = self.origin.stats()["requests"]
            st, h, body = call(gw, "OPTIONS", "/echo", {"origin": "https://a.example.com",
                                                       "access-control-request-method": "PUT"})
            self.assertEqual(st, 204)
            self.assertEqual(hdr(h, "access-control-allow-origin"), "https://a.example.com")
            self.assertEqual(hdr(h, "access-control-allow-methods"), "GET, PUT")
            self.assertEqual(hdr(h, "access-control-allow-headers"), "x-a")
            self.assertEqual(hdr(h, "access-control-allow-credentials"), "true")
            self.assertEqual(hdr(h, "access-control-max-age"), "600")
            self.assertIn("Origin", hdrs(h, "vary"))
            st, h, _ = call(gw, "OPTIONS", "/echo", {"origin": "https://evil.test",
                                                     "access-control-request-method": "PUT"})
            self.assertEqual(st, 204)
            self.assertIsNone(hdr(h, "access-control-allow-origin"))
            st, h, _ = call(gw, "OPTIONS", "/echo", {"origin": "https://example.com",
                                                     "access-control-request-method": "PUT"})
            self.assertIsNone(hdr(h, "access-control-allow-origin"))  # the pattern needs a label
            self.assertEqual(self.origin.stats()["requests"], before)

    def test_simple_request(self):
        with gateway_for(self.origin, middleware=self.MW) as gw:
            st, h, _ = call(gw, headers={"origin": "https://app.test"})
            self.assertEqual(st, 200)
            self.assertEqual(hdr(h, "access-control-allow-origin"), "https://app.test")
            self.assertEqual(hdr(h, "access-control-expose-headers"), "x-b")
            self.assertIn("Origin", hdrs(h, "vary"))
            st, h, _ = call(gw, headers={"origin": "http://app.test"})
            self.assertIsNone(hdr(h, "access-control-allow-origin"))
            self.assertIn("Origin", hdrs(h, "vary"))


class AuthTest(OriginCase):
    def test_api_key(self):
        mw = [{"type": "api_key", "query": "apikey", "header": "x-key",
               "keys": [{"key": "0123456789abcdef", "consumer": "alice"},
                        {"key": "fedcba9876543210", "consumer": "bob"}]}]
        with gateway_for(self.origin, middleware=mw) as gw:
            st, h, body = call(gw)
            self.assertEqual(st, 401)
            self.assertTrue(hdr(h, "www-authenticate"))
            self.assertIn("request_id", json.loads(body))
            st, _, _ = call(gw, headers={"x-key": "0123456789abcdeX"})
            self.assertEqual(st, 401)
            st, _, _ = call(gw, headers={"x-key": "fedcba9876543210"})
            self.assertEqual(st, 200)
            st, _, _ = call(gw, path="/echo?apikey=0123456789abcdef")
            self.assertEqual(st, 200)

    def test_basic_auth(self):
        salt = "NaCl"
        digest = hashlib.sha256((salt + "pa:ss").encode()).hexdigest()
        mw = [{"type": "basic_auth", "realm": "api", "users": [{"user": "ann", "salt": salt, "sha256": digest}]}]
        good = "Basic " + base64.b64encode(b"ann:pa:ss").decode()
        with gateway_for(self.origin, middleware=mw) as gw:
            st, h, _ = call(gw)
            self.assertEqual(st, 401)
            self.assertEqual(hdr(h, "www-authenticate"), 'Basic realm="api", charset="UTF-8"')
            st, _, _ = call(gw, headers={"authorization": good})
            self.assertEqual(st, 200)
            st, _, _ = call(gw, headers={"authorization": "basic " + base64.b64encode(b"ann:pa:sx").decode()})
            self.assertEqual(st, 401)
            st, _, _ = call(gw, headers={"authorization": "Basic " + base64.b64encode(b"bob:pa:ss").decode()})
            self.assertEqual(st, 401)
            st, _, _ = call(gw, headers={"authorization": "Basic !!!"})
            self.assertEqual(st, 401)

    @staticmethod
    def hs256(claims, secret):
        def b64(b):
            return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
        head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = b64(json.dumps(claims).encode())
        sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{b64(sig)}"

    def test_jwt(self):
        secret = "s" * 32
        mw = [{"type": "jwt", "algorithms": ["HS256"], "secret": secret, "issuer": "me",
               "forward_claims": {"sub": "x-user-id", "evil": "x-evil"}}]
        with gateway_for(self.origin, middleware=mw) as gw:
            st, h, _ = call(gw)
            self.assertEqual(st, 401)
            self.assertEqual(hdr(h, "www-authenticate"), 'Bearer realm="weir"')
            tok = self.hs256({"sub": "u1", "iss": "me", "exp": int(time.time()) + 60,
                              "evil": "a\r\nx-injected: 1"}, secret)
            st, _, body = call(gw, headers={"authorization": "Bearer " + tok,
                                            "x-user-id": "spoofed", "x-evil": "spoofed"})
            self.assertEqual(st, 200)
            self.assertEqual(seen(body, "x-user-id"), ["u1"])
            self.assertEqual(seen(body, "x-evil"), [])  # unsafe claim dropped, spoof removed
            self.assertEqual(seen(body, "x-injected"), [])
            bad = self.hs256({"sub": "u1", "iss": "me"}, "t" * 32)
            st, h, _ = call(gw, headers={"authorization": "Bearer " + bad, "x-user-id": "spoofed"})
            self.assertEqual(st, 401)
            self.assertIn('error="invalid_token"', hdr(h, "www-authenticate"))
            expired = self.hs256({"sub": "u1", "iss": "me", "exp": 1000}, secret)
            st, _, _ = call(gw, headers={"authorization": "Bearer " + expired})
            self.assertEqual(st, 401)
            # The good token again comes from the cache of verified tokens;
            # the same bytes with one changed, or with characters outside
            # b64token, are not in it and are refused.
            for _ in range(3):
                st, _, body = call(gw, headers={"authorization": "Bearer  " + tok})
                self.assertEqual(st, 200)
                self.assertEqual(seen(body, "x-user-id"), ["u1"])
            flipped = tok[:-1] + ("A" if tok[-1] != "A" else "B")
            st, h, _ = call(gw, headers={"authorization": "Bearer " + flipped})
            self.assertEqual(st, 401)
            self.assertIn('error="invalid_token"', hdr(h, "www-authenticate"))
            for odd in (tok + "!", tok[:10] + "*" + tok[10:], tok + " x"):
                st, h, _ = call(gw, headers={"authorization": "Bearer " + odd})
                self.assertEqual(st, 401, odd)
                self.assertEqual(hdr(h, "www-authenticate"), 'Bearer realm="weir"')

    def test_jwt_many_tokens_and_one_expiring_while_cached(self):
        # Each worker keeps a 16-entry front of the verified tokens: forty
        # tokens in turn replace each other's entries there, and every
        # request still gets its own token's claims. A token found in the
        # front is still refused once it expires.
        secret = "s" * 32
        mw = [{"type": "jwt", "algorithms": ["HS256"], "secret": secret,
               "forward_claims": {"sub": "x-user-id"}}]
        with gateway_for(self.origin, middleware=mw, workers=2) as gw:
            exp = int(time.time()) + 60
            toks = [self.hs256({"sub": f"u{i}", "exp": exp}, secret) for i in range(40)]
            for rnd in range(3):
                for i, tok in enumerate(toks):
                    st, _, body = call(gw, headers={"authorization": "Bearer " + tok})
                    self.assertEqual(st, 200)
                    self.assertEqual(seen(body, "x-user-id"), [f"u{i}"])
            soon = int(time.time()) + 2
            short = self.hs256({"sub": "brief", "exp": soon}, secret)
            for _ in range(4):  # verified, then served from the caches
                st, _, body = call(gw, headers={"authorization": "Bearer " + short})
                self.assertEqual(st, 200)
                self.assertEqual(seen(body, "x-user-id"), ["brief"])
            time.sleep(max(0.0, soon - time.time()) + 0.2)
            for _ in range(4):  # whichever worker answers
                st, h, _ = call(gw, headers={"authorization": "Bearer " + short})
                self.assertEqual(st, 401)
                self.assertIn('error="invalid_token"', hdr(h, "www-authenticate"))


class IpFilterTest(OriginCase):
    def test_deny_and_allow(self):
        with gateway_for(self.origin, middleware=[{"type": "ip_filter", "deny": ["127.0.0.0/8"]}]) as gw:
            st, _, body = call(gw)
            self.assertEqual(st, 403)
            self.assertIn("request_id", json.loads(body))
        with gateway_for(self.origin, middleware=[{"type": "ip_filter", "allow": ["::1", "127.0.0.1"]}]) as gw:
            self.assertEqual(call(gw)[0], 200)

    def test_trusted_proxies(self):
        mw = [{"type": "ip_filter", "allow": ["10.0.0.0/8"], "trusted_proxies": ["127.0.0.1", "192.168.0.0/16"]},
              {"type": "headers", "request": {"set": {"x-client": "{client_ip}"}}}]
        with gateway_for(self.origin, middleware=mw) as gw:
            self.assertEqual(call(gw)[0], 403)
            st, _, body = call(gw, headers={"x-forwarded-for": "10.1.2.3"})
            self.assertEqual(st, 200)
            self.assertEqual(seen(body, "x-client"), ["10.1.2.3"])
            st, _, body = call(gw, headers={"x-forwarded-for": "8.8.8.8, 10.1.2.3, 192.168.1.1"})
            self.assertEqual(st, 200)
            self.assertEqual(seen(body, "x-client"), ["10.1.2.3"])
            # A client-written hop left of an untrusted one does not count.
            st, _, _ = call(gw, headers={"x-forwarded-for": "10.1.1.1, 8.8.8.8"})
            self.assertEqual(st, 403)


class BodyLimitAndFaultTest(OriginCase):
    def test_body_limit(self):
        with gateway_for(self.origin, route={"middleware": [{"type": "body_limit", "max_body_bytes": 10}]}) as gw:
            self.assertEqual(call(gw, "POST", "/echo", body=b"x" * 10)[0], 200)
            st, _, body = call(gw, "POST", "/echo", body=b"x" * 11)
            self.assertEqual(st, 413)
            self.assertEqual(json.loads(body)["error"], "request body too large")

    def test_fault(self):
        mw = [{"type": "fault", "abort_status": 503, "header": "x-fault"}]
        with gateway_for(self.origin, middleware=mw) as gw:
            self.assertEqual(call(gw)[0], 200)
            self.assertEqual(call(gw, headers={"x-fault": "1"})[0], 503)
        mw = [{"type": "fault", "abort_status": 500, "percent": 50}]
        with gateway_for(self.origin, middleware=mw) as gw:
            codes = [call(gw)[0] for _ in range(20)]
            self.assertEqual(codes.count(500), 10)

    def test_fault_delay_pauses_only_the_chosen_requests(self):
        mw = [{"type": "fault", "delay_ms": 300, "header": "x-slow"},
              {"type": "headers", "request": {"set": {"x-after": "1"}}}]
        with gateway_for(self.origin, middleware=mw, workers=1) as gw:
            # A delayed request does not hold up others on the same worker.
            results = {}

            def slow():
                t0 = time.monotonic()
                st, _, body = call(gw, headers={"x-slow": "1"})
                results["slow"] = (st, time.monotonic() - t0, body)

            t = threading.Thread(target=slow)
            t.start()
            time.sleep(0.05)
            t0 = time.monotonic()
            st, _, body = call(gw)
            fast = time.monotonic() - t0
            t.join(10)
            self.assertEqual(st, 200)
            self.assertLess(fast, 0.25)
            st, took, body = results["slow"]
            self.assertEqual(st, 200)
            self.assertGreaterEqual(took, 0.29)
            # The hooks after the delay still ran.
            self.assertEqual(seen(body, "x-after"), ["1"])

    def test_fault_delay_then_abort(self):
        mw = [{"type": "fault", "delay_ms": 200, "abort_status": 503}]
        with gateway_for(self.origin, middleware=mw) as gw:
            t0 = time.monotonic()
            st, _, body = call(gw)
            self.assertEqual(st, 503)
            self.assertGreaterEqual(time.monotonic() - t0, 0.19)
            self.assertEqual(json.loads(body)["error"], "fault injected")


class RateLimitTest(OriginCase):
    def test_token_bucket(self):
        mw = [{"type": "rate_limit", "key": "ip", "rate_per_s": 0.1, "burst": 2}]
        with gateway_for(self.origin, middleware=mw) as gw:
            st, h, _ = call(gw)
            self.assertEqual(st, 200)
            self.assertEqual(hdr(h, "ratelimit-limit"), "2")
            self.assertEqual(hdr(h, "ratelimit-remaining"), "1")
            self.assertEqual(call(gw)[0], 200)
            st, h, body = call(gw)
            self.assertEqual(st, 429)
            self.assertTrue(is_gateway_error_body(body))
            self.assertGreaterEqual(int(hdr(h, "retry-after")), 1)
            self.assertEqual(hdr(h, "ratelimit-remaining"), "0")
            self.assertEqual(len(hdrs(h, "ratelimit-limit")), 1)

    def test_several_entries_all_apply(self):
        route_mw = [{"type": "rate_limit", "key": "ip", "rate_per_s": 0.1, "burst": 5},
                    {"type": "rate_limit", "key": "header:x-user", "rate_per_s": 0.1, "burst": 1}]
        with gateway_for(self.origin, route={"middleware": route_mw}) as gw:
            st, h, _ = call(gw, headers={"x-user": "a"})
            self.assertEqual(st, 200)
            self.assertEqual(hdr(h, "ratelimit-remaining"), "0")  # the tighter limit is told
            self.assertEqual(call(gw, headers={"x-user": "a"})[0], 429)
            self.assertEqual(call(gw, headers={"x-user": "b"})[0], 200)
            self.assertEqual(call(gw)[0], 200)  # no x-user: only the ip limit applies
            self.assertEqual(call(gw)[0], 200)
            self.assertEqual(call(gw)[0], 429)  # the ip limit: 5 passed

    def test_the_tighter_limit_is_told_whatever_the_order(self):
        tight = {"type": "rate_limit", "key": "ip", "rate_per_s": 0.1, "burst": 1}
        loose = {"type": "rate_limit", "key": "ip", "rate_per_s": 0.1, "burst": 5}
        for order in ([tight, loose], [loose, tight]):
            with gateway_for(self.origin, route={"middleware": order}) as gw:
                st, h, _ = call(gw)
                self.assertEqual(st, 200)
                self.assertEqual(hdr(h, "ratelimit-limit"), "1", order)
                self.assertEqual(hdr(h, "ratelimit-remaining"), "0", order)
                self.assertEqual(len(hdrs(h, "ratelimit-remaining")), 1)

    def test_consumer_key(self):
        mw = [{"type": "api_key", "keys": [{"key": "a" * 16, "consumer": "a"}, {"key": "b" * 16, "consumer": "b"}]},
              {"type": "rate_limit", "key": "consumer", "rate_per_s": 0.1, "burst": 1}]
        with gateway_for(self.origin, middleware=mw) as gw:
            self.assertEqual(call(gw, headers={"x-api-key": "a" * 16})[0], 200)
            self.assertEqual(call(gw, headers={"x-api-key": "a" * 16})[0], 429)
            self.assertEqual(call(gw, headers={"x-api-key": "b" * 16})[0], 200)


def is_gateway_error_body(body):
    d = json.loads(body)
    return "error" in d and "request_id" in d


class AccessLogTest(OriginCase):
    def read_lines(self, path, n, timeout=5.0):
        return read_json_lines(path, n, timeout)

    def test_lines_for_every_exchange(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "access.log")
            cfg = gateway_config(self.origin.port)
            cfg["middleware"] = [{"type": "request_id"}, {"type": "access_log", "path": log}]
            cfg["routes"] = [
                {"name": "open", "match": {"prefix": "/echo"}, "upstream": "o"},
                {"name": "locked", "match": {"prefix": "/locked"}, "upstream": "o",
                 "middleware": [{"type": "api_key", "keys": [{"key": "k" * 16, "consumer": "carol"}]}]},
                {"name": "quiet", "match": {"prefix": "/quiet"}, "upstream": "o",
                 "middleware": [{"disable": ["access_log"]}]},
            ]
            with Gateway(cfg) as gw:
                call(gw, path="/echo/x", headers={"x-request-id": "one", "user-agent": "ua/1"})
                call(gw, path="/nowhere", headers={"x-request-id": "two"})
                # Two User-Agent lines: the first is the one logged.
                import socket
                with socket.create_connection(("127.0.0.1", gw.port)) as s:
                    s.sendall(b"GET /echo/ua HTTP/1.1\r\nHost: x\r\nX-Request-Id: six\r\n"
                              b"User-Agent: first/1\r\nUser-Agent: second/2\r\nConnection: close\r\n\r\n")
                    while s.recv(65536):
                        pass
                call(gw, path="/locked", headers={"x-request-id": "three"})
                call(gw, path="/locked", headers={"x-request-id": "four", "x-api-key": "k" * 16})
                call(gw, path="/quiet")
                # A client that goes away before the response.
                import socket
                s = socket.create_connection(("127.0.0.1", gw.port))
                s.sendall(b"GET /echo/slow HTTP/1.1\r\nHost: x\r\nX-Request-Id: five\r\n\r\n")
                s.close()
                lines = self.read_lines(log, 6)
            by_id = {l.get("request_id"): l for l in lines}
            self.assertEqual(by_id["one"]["status"], 200)
            self.assertEqual(by_id["one"]["route"], "open")
            self.assertEqual(by_id["one"]["user_agent"], "ua/1")
            self.assertEqual(by_id["six"]["user_agent"], "first/1")
            self.assertNotIn("user_agent", by_id["three"])  # http.client sends none
            self.assertTrue(by_id["one"]["upstream"].startswith("127.0.0.1:"))
            self.assertGreater(by_id["one"]["bytes_out"], 0)
            self.assertEqual(by_id["one"]["client"], "127.0.0.1")
            self.assertEqual(by_id.get("two", {}).get("status"), None)  # no route: no request id adopted
            self.assertTrue(any(l["status"] == 404 for l in lines))
            self.assertEqual(by_id["three"]["status"], 401)
            self.assertEqual(by_id["four"]["values"]["consumer"], "carol")
            self.assertFalse(any(l.get("route") == "quiet" for l in lines))
            self.assertIn("five", by_id)

    def test_long_lines_are_logged_whole(self):
        # A 12 KiB user agent of quotes doubles when escaped, and its line's
        # bound (every byte escaped six times) exceeds the log's 64 KiB
        # block: the line, which fits one, must still come out whole and
        # exact, as must a short one with quotes.
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "access.log")
            cfg = gateway_config(self.origin.port, limits={"max_header_bytes": 65536})
            cfg["middleware"] = [{"type": "access_log", "path": log}]
            agents = {"short": 'q"' * 100, "long": '"' * 12288}
            with Gateway(cfg) as gw:
                for name, ua in agents.items():
                    status, _, _ = call(gw, path="/echo/" + name, headers={"user-agent": ua})
                    self.assertEqual(status, 200)
                lines = self.read_lines(log, 2)
            by_path = {l["path"]: l for l in lines}
            for name, ua in agents.items():
                self.assertEqual(by_path["/echo/" + name]["user_agent"], ua)

    def test_pseudonymised_client(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "access.log")
            key = os.path.join(d, "key")
            with open(key, "w") as f:
                f.write("0123456789abcdef0123456789abcdef\n")
            mw = [{"type": "access_log", "path": log, "pseudonymise_client": {"key_file": key}}]
            with gateway_for(self.origin, middleware=mw) as gw:
                call(gw)
                lines = self.read_lines(log, 1)
            self.assertEqual(len(lines), 1)
            self.assertRegex(lines[0]["client"], r"^[0-9a-f]{32}$")


if __name__ == "__main__":
    unittest.main(verbosity=2)
