#!/usr/bin/env python3
"""Route actions and predicates through the real gateway (docs/routing.md):
virtual hosts, method/header/query/client-range predicates, direct responses,
redirects, weighted and sticky splits with an override header, path rewrites,
mirroring to a shadow upstream and the trailing slash modes."""

import contextlib
import socket
import time
import unittest

from harness import Gateway, Origin, RawConn, exchange, gateway_config

N_SPLIT = 2000  # requests of the distribution test


def upstream(port, **extra):
    u = {"endpoints": [{"address": f"127.0.0.1:{port}"}], "connect_timeout_ms": 1000}
    u.update(extra)
    return u


def config(routes, upstreams, **top):
    """A one-worker gateway (so per-worker sequences and bounds are exact)."""
    cfg = gateway_config(1, **top)
    cfg["upstreams"] = upstreams
    cfg["routes"] = routes
    return cfg


def get(port, target, host="a.test", headers=b"", method="GET"):
    return exchange(port, f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n".encode() + headers + b"\r\n",
                    method=method)


def requests_seen(origin):
    return origin.stats()["requests"]


def wait_requests(origin, want, timeout=5.0):
    """Polls the origin's request count until it reaches `want`; returns the last count."""
    deadline = time.monotonic() + timeout
    while True:
        n = requests_seen(origin)
        if n >= want or time.monotonic() > deadline:
            return n
        time.sleep(0.05)


def send_many(port, target, n, header_fn=None):
    """n GETs on one keep-alive connection; returns their statuses."""
    statuses = []
    with RawConn(port) as c:
        for i in range(n):
            extra = header_fn(i) if header_fn else b""
            c.send(f"GET {target} HTTP/1.1\r\nHost: a.test\r\n".encode() + extra + b"\r\n")
            statuses.append(c.read_response().status)
    return statuses


class VirtualHostsAndPredicates(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with contextlib.ExitStack() as stack:
            cls.origin = stack.enter_context(Origin())
            ups = {"o": upstream(cls.origin.port)}
            r = "respond"
            routes = [
                {"name": "exact", "match": {"host": "api.example.com", "prefix": "/"}, r: {"body": "exact"}},
                {"name": "wild", "match": {"host": "*.example.com", "prefix": "/"}, r: {"body": "wild"}},
                {"name": "get-only", "match": {"path": "/m", "methods": ["GET"]}, r: {"body": "get"}},
                {"name": "m-other", "match": {"path": "/m"}, r: {"body": "other"}},
                {"name": "hdr", "match": {"path": "/h", "headers": {"x-beta": "on"}}, r: {"body": "beta"}},
                {"name": "h-other", "match": {"path": "/h"}, r: {"body": "plain"}},
                {"name": "q-eq", "match": {"path": "/q", "query": {"v": "2 x"}}, r: {"body": "v2"}},
                {"name": "q-has", "match": {"path": "/q", "query": {"debug": True}}, r: {"body": "debug"}},
                {"name": "q-none", "match": {"path": "/q"}, r: {"body": "none"}},
                {"name": "c-ten", "match": {"path": "/c", "client_cidrs": ["10.0.0.0/8"]}, r: {"body": "ten"}},
                {"name": "c-lo", "match": {"path": "/c", "client_cidrs": ["::1/128", "127.0.0.0/8"]},
                 r: {"body": "loopback"}},
                {"name": "c-any", "match": {"path": "/c"}, r: {"body": "any"}},
                {"name": "c-only-ten", "match": {"path": "/c10", "client_cidrs": ["10.0.0.0/8"]}, r: {"body": "x"}},
                {"name": "h-present", "match": {"path": "/hp", "headers": {"x-token": {"present": True}}},
                 r: {"body": "present"}},
                {"name": "h-prefix", "match": {"path": "/hx", "headers": {"authorization": {"prefix": "Bearer "}}},
                 r: {"body": "bearer"}},
                {"name": "h-glob", "match": {"path": "/hg", "headers": {"x-version": {"glob": "v?-*"}}},
                 r: {"body": "glob"}},
                {"name": "h-two", "match": {"path": "/hg", "headers": {"x-version": {"glob": "v?-*"},
                                                                      "x-beta": {"equals": "on"}}},
                 r: {"body": "two"}},
                {"name": "default", "match": {"prefix": "/"}, r: {"body": "default"}},
            ]
            cls.gw = stack.enter_context(Gateway(config(routes, ups)))
            cls.stack = stack.pop_all()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def body(self, target, **kw):
        resp = get(self.gw.port, target, **kw)
        return resp.status, resp.body.decode()

    def test_virtual_hosts(self):
        self.assertEqual(self.body("/x", host="api.example.com"), (200, "exact"))
        self.assertEqual(self.body("/x", host="API.Example.COM:8080"), (200, "exact"))
        self.assertEqual(self.body("/x", host="web.example.com"), (200, "wild"))
        self.assertEqual(self.body("/x", host="a.b.example.com"), (200, "wild"))
        self.assertEqual(self.body("/x", host="example.com"), (200, "default"))
        self.assertEqual(self.body("/x", host="other.test"), (200, "default"))

    def test_methods(self):
        self.assertEqual(self.body("/m"), (200, "get"))
        self.assertEqual(self.body("/m", method="DELETE"), (200, "other"))

    def test_headers(self):
        self.assertEqual(self.body("/h", headers=b"X-Beta: on\r\n"), (200, "beta"))
        self.assertEqual(self.body("/h", headers=b"X-Beta: off\r\n"), (200, "plain"))

    def test_header_kinds(self):
        self.assertEqual(self.body("/hp", headers=b"X-Token: \r\n"), (200, "present"))
        self.assertEqual(self.body("/hp", headers=b"x-token: abc\r\n"), (200, "present"))
        self.assertEqual(self.body("/hp"), (200, "default"))
        self.assertEqual(self.body("/hx", headers=b"Authorization: Bearer t0k3n\r\n"), (200, "bearer"))
        self.assertEqual(self.body("/hx", headers=b"Authorization: Basic dTpw\r\n"), (200, "default"))
        self.assertEqual(self.body("/hg", headers=b"X-Version: v2-canary\r\n"), (200, "glob"))
        self.assertEqual(self.body("/hg", headers=b"X-Version: v10-canary\r\n"), (200, "default"))
        # Two predicates beat one on the same path.
        self.assertEqual(self.body("/hg", headers=b"X-Version: v2-x\r\nX-Beta: on\r\n"), (200, "two"))

    def test_query(self):
        self.assertEqual(self.body("/q?v=2%20x"), (200, "v2"))
        self.assertEqual(self.body("/q?a=1&v=2%20x&b"), (200, "v2"))
        self.assertEqual(self.body("/q?v=2+x"), (200, "none"))  # '+' is not a space here
        self.assertEqual(self.body("/q?v=2"), (200, "none"))
        self.assertEqual(self.body("/q?debug"), (200, "debug"))
        self.assertEqual(self.body("/q?debug=0"), (200, "debug"))
        self.assertEqual(self.body("/q?debugx=1"), (200, "none"))
        self.assertEqual(self.body("/q"), (200, "none"))

    def test_client_ranges(self):
        self.assertEqual(self.body("/c"), (200, "loopback"))
        # A route whose range excludes the client is passed over.
        self.assertEqual(self.body("/c10"), (200, "default"))


class LocalResponses(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with contextlib.ExitStack() as stack:
            cls.origin = stack.enter_context(Origin())
            routes = [
                {"name": "teapot", "match": {"path": "/teapot"},
                 "respond": {"status": 418, "headers": {"content-type": "text/plain", "x-kind": "tea"},
                             "body": "short and stout\n"}},
                {"name": "empty", "match": {"path": "/empty"}, "respond": {"status": 204}},
                {"name": "to-https", "match": {"prefix": "/old/"},
                 "redirect": {"location": "https://{host}{path}{query}"}},
                {"name": "user", "match": {"path": "/u/:id/:tab"},
                 "redirect": {"location": "/users/{id}?tab={tab}", "status": 308}},
                {"name": "all", "match": {"prefix": "/"}, "upstream": "o"},
            ]
            cls.gw = stack.enter_context(Gateway(config(routes, {"o": upstream(cls.origin.port)})))
            cls.stack = stack.pop_all()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def test_respond_exact_body_and_headers(self):
        resp = get(self.gw.port, "/teapot")
        self.assertEqual(resp.status, 418)
        self.assertEqual(resp.body, b"short and stout\n")
        self.assertEqual(resp.header("content-length"), "16")
        self.assertEqual(resp.header("content-type"), "text/plain")
        self.assertEqual(resp.header("x-kind"), "tea")
        self.assertEqual(requests_seen(self.origin), 0)

    def test_respond_head_has_no_body(self):
        with RawConn(self.gw.port) as c:
            c.send(b"HEAD /teapot HTTP/1.1\r\nHost: a\r\n\r\nGET /teapot HTTP/1.1\r\nHost: a\r\n\r\n")
            head = c.read_response("HEAD")
            self.assertEqual((head.status, head.body), (418, b""))
            # The next response starts right after the head: no body bytes were sent.
            self.assertEqual(c.read_response().body, b"short and stout\n")

    def test_respond_204(self):
        resp = get(self.gw.port, "/empty")
        self.assertEqual((resp.status, resp.body, resp.header("content-length")), (204, b"", None))

    def test_request_body_is_read_and_dropped(self):
        with RawConn(self.gw.port) as c:
            c.send(b"POST /teapot HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                   b"GET /teapot HTTP/1.1\r\nHost: a\r\n\r\n")
            self.assertEqual(c.read_response().status, 418)
            self.assertEqual(c.read_response().status, 418)

    def test_redirect_templates(self):
        resp = get(self.gw.port, "/old/a/../b?x=1&y", host="Web.Test:8080")
        self.assertEqual(resp.status, 302)
        self.assertEqual(resp.header("location"), "https://Web.Test/old/b?x=1&y")
        self.assertEqual(resp.header("content-length"), "0")
        resp = get(self.gw.port, "/old/p")
        self.assertEqual(resp.header("location"), "https://a.test/old/p")  # no '?' without a query
        resp = get(self.gw.port, "/u/42/posts")
        self.assertEqual(resp.status, 308)
        self.assertEqual(resp.header("location"), "/users/42?tab=posts")

    def test_redirect_cannot_be_split(self):
        # Encoded CR/LF stay encoded; characters that would move the authority are escaped.
        resp = get(self.gw.port, "/old/x%0D%0ASet-Cookie:%20a=b?q=%0d%0a")
        self.assertEqual(resp.status, 302)
        self.assertIsNone(resp.header("set-cookie"))
        self.assertEqual(resp.header("location"), "https://a.test/old/x%0D%0ASet-Cookie:%20a=b?q=%0d%0a")
        resp = get(self.gw.port, "/old/y", host="evil.test/x@y")
        self.assertEqual(resp.header("location"), "https://evil.test%2Fx%40y/old/y")
        for raw in resp.raw_head.split(b"\r\n"):
            self.assertNotIn(b"\n", raw)


class Splits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with contextlib.ExitStack() as stack:
            cls.a = stack.enter_context(Origin())
            cls.b = stack.enter_context(Origin())
            ups = {"a": upstream(cls.a.port), "b": upstream(cls.b.port)}
            routes = [
                {"name": "weighted", "match": {"prefix": "/echo/w"},
                 "split": [{"upstream": "a", "weight": 95}, {"upstream": "b", "weight": 5}]},
                {"name": "sticky", "match": {"prefix": "/echo/s"},
                 "split": [{"upstream": "a", "weight": 50}, {"upstream": "b", "weight": 50}],
                 "sticky": {"key": "header:x-user"}},
                {"name": "cookie", "match": {"prefix": "/echo/k"},
                 "split": [{"upstream": "a", "weight": 50}, {"upstream": "b", "weight": 50}],
                 "sticky": {"key": "cookie:uid"}},
                {"name": "drained", "match": {"prefix": "/echo/d"},
                 "split": [{"upstream": "a", "weight": 100}, {"upstream": "b", "weight": 0}],
                 "override": {"header": "x-canary", "values": {"1": "b"}}},
            ]
            cls.gw = stack.enter_context(Gateway(config(routes, ups)))
            cls.stack = stack.pop_all()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def counts(self, target, n, header_fn=None):
        """How many of n requests reached a and b."""
        a0, b0 = requests_seen(self.a), requests_seen(self.b)
        self.assertEqual(send_many(self.gw.port, target, n, header_fn), [200] * n)
        return requests_seen(self.a) - a0, requests_seen(self.b) - b0

    def test_weighted_distribution(self):
        a, b = self.counts("/echo/w", N_SPLIT)
        self.assertEqual(a + b, N_SPLIT)
        # Expected 100 on b; a binomial draw stays within 4 sigma (~39) of it.
        self.assertTrue(60 <= b <= 140, (a, b))

    def test_sticky_header_keeps_a_user_on_one_side(self):
        for user in ("alice", "bob", "carol", "dave"):
            a, b = self.counts("/echo/s", 50, lambda i, u=user: f"X-User: {u}\r\n".encode())
            self.assertIn((a, b), [(50, 0), (0, 50)], user)

    def test_sticky_values_spread(self):
        a, b = self.counts("/echo/s", 400, lambda i: f"X-User: user-{i}\r\n".encode())
        self.assertTrue(140 <= a <= 260, (a, b))

    def test_sticky_cookie(self):
        a, b = self.counts("/echo/k", 50, lambda i: f"Cookie: theme=dark; uid=u-7; x=1\r\n".encode())
        self.assertIn((a, b), [(50, 0), (0, 50)])
        a, b = self.counts("/echo/k", 400, lambda i: f"Cookie: uid=u{i}\r\n".encode())
        self.assertTrue(140 <= a <= 260, (a, b))

    def test_missing_sticky_key_spreads(self):
        a, b = self.counts("/echo/s", 200)
        self.assertTrue(70 <= a <= 130, (a, b))

    def test_zero_weight_never_chosen_and_override_forces_it(self):
        self.assertEqual(self.counts("/echo/d", 300), (300, 0))
        self.assertEqual(self.counts("/echo/d", 40, lambda i: b"X-Canary: 1\r\n"), (0, 40))
        self.assertEqual(self.counts("/echo/d", 40, lambda i: b"X-Canary: 2\r\n"), (40, 0))


class Rewrites(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with contextlib.ExitStack() as stack:
            cls.origin = stack.enter_context(Origin())
            routes = [
                {"name": "replace", "match": {"prefix": "/api/v1/"}, "upstream": "o",
                 "rewrite": {"replace_prefix": {"from": "/api/v1/", "to": "/echo/v2/"}}},
                {"name": "tmpl", "match": {"path": "/users/:id/*rest"}, "upstream": "o",
                 "rewrite": {"path": "/echo/u/{id}/x/{rest}", "host": "users.internal"}},
                {"name": "strip", "match": {"prefix": "/s"}, "upstream": "o",
                 "rewrite": {"strip_prefix": "/s"}},
            ]
            cls.gw = stack.enter_context(Gateway(config(routes, {"o": upstream(cls.origin.port)})))
            cls.stack = stack.pop_all()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def seen(self, target):
        resp = get(self.gw.port, target)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()

    def test_replace_prefix_keeps_the_query(self):
        self.assertEqual(self.seen("/api/v1/items?x=1&y=%20")["target"], "/echo/v2/items?x=1&y=%20")

    def test_path_template(self):
        body = self.seen("/users/42/a/b%2Fc?z")
        self.assertEqual(body["target"], "/echo/u/42/x/a/b%2Fc?z")
        self.assertIn(["host", "users.internal"], [[k.lower(), v] for k, v in body["headers"]])

    def test_path_template_with_a_large_head(self):
        # The head outgrows its first buffer block while the path is rendered.
        big = b"X-Big: " + b"a" * 6000 + b"\r\n"
        resp = get(self.gw.port, "/users/7/" + "s/" * 300 + "end?q=1", headers=big)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["target"], "/echo/u/7/x/" + "s/" * 300 + "end?q=1")

    def test_strip_prefix(self):
        self.assertEqual(self.seen("/s/echo/x?q")["target"], "/echo/x?q")


class TrailingSlashModes(unittest.TestCase):
    """The top-level trailing_slash option: strict, ignore and redirect."""

    @classmethod
    def setUpClass(cls):
        with contextlib.ExitStack() as stack:
            cls.origin = stack.enter_context(Origin())
            routes = [
                {"name": "plain", "match": {"path": "/echo/a"}, "upstream": "o"},
                {"name": "dir", "match": {"path": "/echo/dir/"}, "upstream": "o"},
            ]
            ups = {"o": upstream(cls.origin.port)}
            cls.gw = {mode: stack.enter_context(Gateway(config(routes, ups, trailing_slash=mode)))
                      for mode in ("strict", "ignore", "redirect")}
            cls.stack = stack.pop_all()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def test_strict_keeps_the_spellings_apart(self):
        port = self.gw["strict"].port
        self.assertEqual(get(port, "/echo/a").status, 200)
        self.assertEqual(get(port, "/echo/a/").status, 404)
        self.assertEqual(get(port, "/echo/dir").status, 404)

    def test_ignore_forwards_the_path_as_sent(self):
        port = self.gw["ignore"].port
        for target in ("/echo/a", "/echo/a/?x=1", "/echo/dir/", "/echo/dir?y"):
            resp = get(port, target)
            self.assertEqual(resp.status, 200, resp)
            self.assertEqual(resp.json()["target"], target)
        self.assertEqual(get(port, "/echo/b/").status, 404)

    def test_redirect_to_the_spelling_that_has_a_route(self):
        port = self.gw["redirect"].port
        seen = requests_seen(self.origin)
        resp = get(port, "/echo/a/?x=1")
        self.assertEqual((resp.status, resp.header("location")), (301, "/echo/a?x=1"))
        self.assertEqual(resp.body, b"")
        resp = get(port, "/echo/dir", method="POST", headers=b"Content-Length: 0\r\n")
        self.assertEqual((resp.status, resp.header("location")), (308, "/echo/dir/"))
        resp = get(port, "/echo/dir", method="HEAD")
        self.assertEqual((resp.status, resp.header("location")), (308, "/echo/dir/"))
        self.assertEqual(requests_seen(self.origin), seen)  # answered by the gateway
        self.assertEqual(get(port, "/echo/a").status, 200)
        self.assertEqual(get(port, "/echo/b/").status, 404)


class BlackHole:
    """A listening socket that never accepts: connects succeed (the kernel
    queues them), requests get no answer. accepted() drains the queue and
    counts the connections that were made."""

    def __enter__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(512)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        return self

    def accepted(self):
        self.sock.settimeout(0.2)
        while True:
            try:
                self.conns.append(self.sock.accept()[0])
            except (socket.timeout, BlockingIOError):
                return len(self.conns)

    def __exit__(self, *exc):
        for c in self.conns:
            c.close()
        self.sock.close()
        return False


def refused_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: connecting is refused


class Mirroring(unittest.TestCase):
    def mirror_gateway(self, primary_port, shadow_port, percent=100, timeout_ms=30000):
        ups = {"main": upstream(primary_port), "shadow": upstream(shadow_port, max_connections=1024)}
        routes = [{"name": "m", "match": {"prefix": "/"}, "upstream": "main", "timeout_ms": timeout_ms,
                   "mirror": {"upstream": "shadow", "percent": percent}}]
        return Gateway(config(routes, ups))

    def test_shadow_sees_copies(self):
        with Origin() as main, Origin() as shadow, self.mirror_gateway(main.port, shadow.port) as gw:
            self.assertEqual(send_many(gw.port, "/echo/m?x=1", 30), [200] * 30)
            resp = exchange(gw.port, b"POST /echo/p HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody")
            self.assertEqual(resp.json()["body"], "body")
            self.assertEqual(wait_requests(shadow, 31), 31)
            self.assertEqual(requests_seen(main), 31)

    def test_percent(self):
        with Origin() as main, Origin() as shadow, self.mirror_gateway(main.port, shadow.port, 25) as gw:
            self.assertEqual(send_many(gw.port, "/echo", 400), [200] * 400)
            time.sleep(0.3)
            n = wait_requests(shadow, 100)
            self.assertTrue(70 <= n <= 130, n)

    def test_large_body_is_not_copied(self):
        with Origin() as main, Origin() as shadow, self.mirror_gateway(main.port, shadow.port) as gw:
            big = b"x" * 100000
            resp = exchange(gw.port, b"POST /sink HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n" + big)
            self.assertEqual(resp.json()["bytes"], 100000)
            self.assertEqual(send_many(gw.port, "/echo", 1), [200])
            self.assertEqual(wait_requests(shadow, 1), 1)
            time.sleep(0.2)
            self.assertEqual(requests_seen(shadow), 1)

    def test_dead_shadow_does_not_touch_the_primary(self):
        with Origin() as main, self.mirror_gateway(main.port, refused_port()) as gw:
            t0 = time.monotonic()
            self.assertEqual(send_many(gw.port, "/echo", 100), [200] * 100)
            self.assertLess(time.monotonic() - t0, 5.0)

    def test_slow_shadow_does_not_delay_the_primary(self):
        with Origin() as main, BlackHole() as hole, self.mirror_gateway(main.port, hole.port,
                                                                         timeout_ms=2000) as gw:
            t0 = time.monotonic()
            self.assertEqual(send_many(gw.port, "/echo", 100), [200] * 100)
            elapsed = time.monotonic() - t0
            self.assertLess(elapsed, 1.5)  # far below the shadow's 2 s timeout
            # At most 64 copies were in flight: the rest were skipped and counted.
            self.assertEqual(hole.accepted(), 64)
            self.assertIn("copies skipped", gw.stderr_text())


if __name__ == "__main__":
    unittest.main()
