#!/usr/bin/env python3
"""Basic proxying: methods, bodies, forwarded headers (RFC 7239's de-facto
X-Forwarded-* cousins), hop-by-hop removal (RFC 9110 7.6.1), HTTP/1.0,
Connection: close, bodiless responses, routing misses and rewrites."""

import contextlib
import http.client
import json
import subprocess
import unittest

from harness import Origin, RawConn, exchange, gateway_for, is_gateway_error, pattern

HOP_BY_HOP = ("connection", "keep-alive", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade")


def seen_headers(resp):
    """The request headers the origin received, from an /echo response."""
    return [(k.lower(), v) for k, v in resp.json()["headers"]]


def values(headers, name):
    return [v for k, v in headers if k == name]


class ProxyBasicTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with contextlib.ExitStack() as stack:
            cls.origin = stack.enter_context(Origin())
            cls.gw = stack.enter_context(gateway_for(cls.origin))
            cls.stack = stack.pop_all()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def client(self):
        return http.client.HTTPConnection("127.0.0.1", self.gw.port, timeout=10)

    def test_get_with_http_client(self):
        c = self.client()
        c.request("GET", "/echo/abc?q=1&r=%20x")
        resp = c.getresponse()
        body = json.loads(resp.read())
        self.assertEqual(resp.status, 200)
        self.assertEqual(body["method"], "GET")
        self.assertEqual(body["target"], "/echo/abc?q=1&r=%20x")
        self.assertEqual(body["body_len"], 0)
        c.close()

    def test_post_with_http_client(self):
        c = self.client()
        payload = bytes(range(256)) * 40
        c.request("POST", "/echo/post", body=payload, headers={"Content-Type": "application/x-test"})
        resp = c.getresponse()
        body = json.loads(resp.read())
        self.assertEqual(resp.status, 200)
        self.assertEqual(body["method"], "POST")
        self.assertEqual(body["body_len"], len(payload))
        self.assertEqual(body["body"].encode("latin-1"), payload)
        self.assertIn(("content-type", "application/x-test"), [(k.lower(), v) for k, v in body["headers"]])
        c.close()

    def test_other_methods(self):
        for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
            with self.subTest(method=method):
                c = self.client()
                c.request(method, "/echo/m", body=b"x" if method in ("PUT", "PATCH") else None)
                resp = c.getresponse()
                body = json.loads(resp.read())
                self.assertEqual(resp.status, 200)
                self.assertEqual(body["method"], method)
                c.close()

    def test_curl_get_and_post(self):
        url = f"http://127.0.0.1:{self.gw.port}/echo/curl"
        out = subprocess.run(["curl", "-sS", "-m", "10", url], capture_output=True, timeout=20)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["target"], "/echo/curl")
        out = subprocess.run(["curl", "-sS", "-m", "10", "--data-binary", "hello curl", url],
                             capture_output=True, timeout=20)
        self.assertEqual(out.returncode, 0, out.stderr)
        body = json.loads(out.stdout)
        self.assertEqual(body["method"], "POST")
        self.assertEqual(body["body"], "hello curl")
        out = subprocess.run(["curl", "-sS", "-m", "10", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                              f"http://127.0.0.1:{self.gw.port}/bytes/100000"], capture_output=True, timeout=20)
        self.assertEqual(out.stdout, b"200 100000")

    def test_forwarded_headers_appended(self):
        resp = exchange(self.gw.port, b"GET /echo/fwd HTTP/1.1\r\nHost: example.test:8080\r\n"
                                      b"X-Forwarded-For: 203.0.113.7\r\n\r\n")
        self.assertEqual(resp.status, 200)
        h = seen_headers(resp)
        xff = ", ".join(values(h, "x-forwarded-for"))
        self.assertEqual([p.strip() for p in xff.split(",")], ["203.0.113.7", "127.0.0.1"], h)
        self.assertEqual(values(h, "x-forwarded-proto"), ["http"], h)
        self.assertEqual(values(h, "x-forwarded-host"), ["example.test:8080"], h)
        self.assertEqual(values(h, "host"), ["example.test:8080"], h)

    def test_user_agent_forwarded_as_received(self):
        # The gateway notes the first User-Agent for the access log; every
        # one still goes upstream, in order, with its case.
        resp = exchange(self.gw.port, b"GET /echo/ua HTTP/1.1\r\nHost: a.test\r\n"
                                      b"User-Agent: first/1\r\nuser-agent: second/2\r\n\r\n")
        self.assertEqual(resp.status, 200)
        got = [(k, v) for k, v in resp.json()["headers"] if k.lower() == "user-agent"]
        self.assertEqual(got, [("User-Agent", "first/1"), ("user-agent", "second/2")])

    def test_forwarded_for_set_when_absent(self):
        resp = exchange(self.gw.port, b"GET /echo/fwd HTTP/1.1\r\nHost: a.test\r\n"
                                      b"X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.test\r\n\r\n")
        h = seen_headers(resp)
        self.assertEqual(values(h, "x-forwarded-for"), ["127.0.0.1"], h)
        # The gateway states what it saw; a client's claims are replaced.
        self.assertEqual(values(h, "x-forwarded-proto"), ["http"], h)
        self.assertEqual(values(h, "x-forwarded-host"), ["a.test"], h)

    def test_hop_by_hop_request_headers_removed(self):
        req = (b"POST /echo/hop HTTP/1.1\r\nHost: a.test\r\n"
               b"Connection: keep-alive, X-Private, x-other\r\n"
               b"X-Private: secret\r\nX-Other: 1\r\nKeep-Alive: timeout=5\r\n"
               b"Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-Checksum\r\n"
               b"Upgrade: h2c\r\nProxy-Authorization: Basic dTpw\r\nX-End-To-End: kept\r\n"
               b"Content-Length: 3\r\n\r\nabc")
        resp = exchange(self.gw.port, req)
        self.assertEqual(resp.status, 200)
        h = seen_headers(resp)
        names = {k for k, _ in h}
        for gone in ("x-private", "x-other", "keep-alive", "proxy-connection", "te", "trailer", "upgrade",
                     "transfer-encoding"):
            self.assertNotIn(gone, names, h)
        for v in values(h, "connection"):
            self.assertNotIn("x-private", v.lower(), h)
            self.assertNotIn("x-other", v.lower(), h)
        self.assertEqual(values(h, "x-end-to-end"), ["kept"])
        self.assertEqual(values(h, "proxy-authorization"), ["Basic dTpw"])
        self.assertEqual(values(h, "content-length"), ["3"])
        self.assertEqual(resp.json()["body"], "abc")

    def check_response_hop_by_hop(self, resp):
        names = {k.lower() for k, _ in resp.headers}
        for gone in ("x-hop", "keep-alive", "proxy-connection", "upgrade"):
            self.assertNotIn(gone, names, resp.headers)
        for v in resp.header_all("connection"):
            self.assertNotIn("x-hop", v.lower())
            self.assertNotIn("upgrade", v.lower())
        self.assertEqual(resp.header("x-end-to-end"), "yes")
        self.assertEqual(resp.body, b"ok\n")

    def test_hop_by_hop_response_headers_removed(self):
        with RawConn(self.gw.port) as c:
            c.send(b"GET /headers-out HTTP/1.1\r\nHost: a.test\r\n\r\n")
            self.check_response_hop_by_hop(c.read_response())
            # The origin's "Connection: close" is about its own hop: the client
            # connection stays usable.
            c.send(b"GET /headers-out?close=1 HTTP/1.1\r\nHost: a.test\r\n\r\n")
            self.check_response_hop_by_hop(c.read_response())
            c.send(b"GET /echo/after HTTP/1.1\r\nHost: a.test\r\n\r\n")
            self.assertEqual(c.read_response().json()["target"], "/echo/after")

    def test_http10_client(self):
        with RawConn(self.gw.port) as c:
            c.send(b"GET /echo/ten HTTP/1.0\r\nHost: a.test\r\n\r\n")
            resp = c.read_response()
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.json()["target"], "/echo/ten")
            self.assertTrue(c.wait_closed(5), "HTTP/1.0 without keep-alive must close (RFC 9112 9.3)")

    def test_http10_client_never_gets_chunked(self):
        with RawConn(self.gw.port) as c:
            c.send(b"GET /chunked/50000 HTTP/1.0\r\nHost: a.test\r\n\r\n")
            resp = c.read_response()
            self.assertEqual(resp.status, 200)
            self.assertIsNone(resp.header("transfer-encoding"), "chunked is HTTP/1.1 only (RFC 9112 7)")
            self.assertEqual(resp.body, pattern(0, 50000))

    def test_connection_close(self):
        with RawConn(self.gw.port) as c:
            c.send(b"GET /echo/close HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")
            resp = c.read_response()
            self.assertEqual(resp.status, 200)
            self.assertIn("close", (resp.header("connection") or "").lower())
            self.assertTrue(c.wait_closed(5))

    def test_head_has_no_body(self):
        with RawConn(self.gw.port) as c:
            for path in (b"/bytes/1000", b"/chunked/40000", b"/echo/head"):
                c.send(b"HEAD " + path + b" HTTP/1.1\r\nHost: a.test\r\n\r\n")
                resp = c.read_response("HEAD")
                self.assertEqual(resp.status, 200, path)
                if path == b"/bytes/1000":
                    self.assertEqual(resp.header("content-length"), "1000")
            # Any stray body byte would corrupt this response's parse.
            c.send(b"GET /echo/after-head HTTP/1.1\r\nHost: a.test\r\n\r\n")
            self.assertEqual(c.read_response().json()["target"], "/echo/after-head")
            self.assertFalse(c.wait_closed(0.3))
            self.assertEqual(c.buf, b"")

    def test_204_and_304_have_no_body(self):
        with RawConn(self.gw.port) as c:
            for code in (204, 304):
                c.send(b"GET /status/%d HTTP/1.1\r\nHost: a.test\r\n\r\n" % code)
                resp = c.read_response()
                self.assertEqual(resp.status, code)
                self.assertIsNone(resp.header("transfer-encoding"), resp.headers)
                c.send(b"GET /echo/after-%d HTTP/1.1\r\nHost: a.test\r\n\r\n" % code)
                self.assertEqual(c.read_response().json()["target"], "/echo/after-%d" % code)
            self.assertFalse(c.wait_closed(0.3))
            self.assertEqual(c.buf, b"")

    def test_origin_status_passes_through(self):
        resp = exchange(self.gw.port, b"GET /status/503 HTTP/1.1\r\nHost: a.test\r\n\r\n")
        self.assertEqual(resp.status, 503)
        self.assertEqual(resp.body, b"status 503\n")
        resp = exchange(self.gw.port, b"GET /status/418 HTTP/1.1\r\nHost: a.test\r\n\r\n")
        self.assertEqual(resp.status, 418)


class RoutingTest(unittest.TestCase):
    def test_no_route_is_404_json(self):
        with Origin() as origin, gateway_for(origin, route={"match": {"prefix": "/api"}}) as gw:
            before = origin.stats()["requests"]
            with RawConn(gw.port) as c:
                c.send(b"GET /other HTTP/1.1\r\nHost: a.test\r\n\r\n")
                resp = c.read_response()
                self.assertTrue(is_gateway_error(resp, 404), resp)
                self.assertIn("json", (resp.header("content-type") or "").lower())
                # A miss is a normal response: the connection stays usable.
                c.send(b"GET /api/x HTTP/1.1\r\nHost: a.test\r\n\r\n")
                self.assertEqual(c.read_response().status, 404)  # origin's own 404
            self.assertEqual(origin.stats()["requests"], before + 1)

    def test_strip_prefix_and_host_rewrite(self):
        route = {"match": {"prefix": "/x"}, "rewrite": {"strip_prefix": "/x", "host": "h.internal"}}
        with Origin() as origin, gateway_for(origin, route=route) as gw:
            resp = exchange(gw.port, b"GET /x/echo/abc?k=v HTTP/1.1\r\nHost: public.test\r\n\r\n")
            self.assertEqual(resp.status, 200)
            body = resp.json()
            self.assertEqual(body["target"], "/echo/abc?k=v")
            h = seen_headers(resp)
            self.assertEqual(values(h, "host"), ["h.internal"], h)
            self.assertEqual(values(h, "x-forwarded-host"), ["public.test"], h)

    def test_strip_prefix_to_root(self):
        route = {"match": {"prefix": "/api"}, "rewrite": {"strip_prefix": "/api"}}
        with Origin() as origin, gateway_for(origin, route=route) as gw:
            # Stripping everything must leave "/", never an empty target
            # (RFC 9112 3.2.1: origin-form = absolute-path [ "?" query ]).
            for sent, forwarded in ((b"/api", "/"), (b"/api?x=1", "/?x=1"), (b"/api/echo/z", "/echo/z")):
                resp = exchange(gw.port, b"GET " + sent + b" HTTP/1.1\r\nHost: public.test\r\n\r\n")
                self.assertEqual(resp.status, 200, sent)
                self.assertEqual(resp.json()["target"], forwarded)


if __name__ == "__main__":
    unittest.main(verbosity=2)
