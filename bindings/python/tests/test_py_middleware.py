"""Python middleware (weir.Middleware, @weir.middleware) in a gateway
configured from Python, with real requests through it to the test origin:
an authenticating middleware, a local answer, a pause resumed from a
threading.Timer, values in the access log, hook failures and option errors."""

import json
import os
import tempfile
import threading
import unittest

import support
import weir

TOKENS = {"t-alice": "alice", "t-bob": "bob"}


class TokenAuth(weir.Middleware):
    """x-api-token from a list of {token, consumer}; 401 otherwise."""

    def __init__(self, options):
        super().__init__(options)
        tokens = options["tokens"]
        if not isinstance(tokens, dict):
            raise ValueError("tokens: expected an object of token to consumer")
        self.tokens = tokens

    def on_request(self, req):
        consumer = self.tokens.get(req.header("x-api-token", ""))
        if consumer is None:
            req.respond_error(401, "missing or unknown token")
            return
        req.set_value("consumer", consumer)
        req.remove_header("x-api-token")
        req.set_header("x-consumer", consumer)


class Teapot(weir.Middleware):
    """Answers /teapot itself; marks every response."""

    def on_request(self, req):
        if req.path == "/teapot":
            req.respond(418, b"short and stout\n", headers={"content-type": "text/plain"})

    def on_response(self, req):
        req.add_response_header("x-teapot-saw", str(req.response_status))


class SlowCheck(weir.Middleware):
    """Pauses each request and resumes it from a timer thread."""

    def __init__(self, options):
        super().__init__(options)
        self.threads = set()

    def on_request(self, req):
        p = req.pause()
        deny = req.query == "deny"

        def later(timer_ident, r):
            # On the exchange's worker, not on the thread that resumed.
            r.set_header("x-resumed-on-timer", str(threading.get_ident() == timer_ident))
            if deny:
                r.respond_error(403, "denied after the check")

        def fire():
            ident = threading.get_ident()
            p.resume(lambda r: later(ident, r))

        threading.Timer(0.02, fire).start()


class Recorder(weir.Middleware):
    """Reads everything a hook can read and remembers it, per path."""

    seen = {}
    lock = threading.Lock()

    def on_request(self, req):
        facts = {"phase": req.phase, "method": req.method, "path": req.path, "query": req.query,
                 "route": req.route, "client_ip": req.client_ip, "id": req.request_id,
                 "param": req.param("id"), "headers": req.headers(),
                 "consumer": req.value("consumer"), "missing": req.header("x-absent")}
        with self.lock:
            self.seen[req.path] = facts
        if req.path.startswith("/v1/"):
            req.set_path("/echo" + req.path[3:])
        with self.assertRaisesLike(weir.InvalidArgumentError):
            req.set_header("bad name", "x")
        with self.assertRaisesLike(weir.NotFoundError):
            req.set_upstream("nowhere")
        with self.assertRaisesLike(weir.InvalidArgumentError):
            req.set_endpoint("")
        # An endpoint the upstream lacks: the policy picks, the request is served.
        req.set_endpoint("127.0.0.1:1")

    def on_log(self, req):
        with self.lock:
            self.seen.setdefault("log:" + req.path, req.exchange)
        with self.assertRaisesLike(weir.StateError):
            req.respond(200)

    class assertRaisesLike:
        def __init__(self, cls):
            self.cls = cls

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            Recorder.seen.setdefault("errors", [])
            if exc_type is None or not issubclass(exc_type, self.cls):
                Recorder.seen["errors"].append(f"expected {self.cls.__name__}, got {exc_type}")
            return exc_type is not None and issubclass(exc_type, self.cls)


class Broken(weir.Middleware):
    def on_request(self, req):
        if req.path == "/boom":
            raise RuntimeError("a bug in the hook")


weir.register_middleware("py_token_auth", TokenAuth)
weir.register_middleware("py_teapot", Teapot)
weir.register_middleware("py_slow_check", SlowCheck)
weir.register_middleware("py_recorder", Recorder)
weir.register_middleware("py_broken", Broken)


@weir.middleware("py_stamp", phase="response")
def stamp(req):
    req.set_response_header("x-stamped", req.route)


def routes_with(middleware, origin_port, **kw):
    return support.config_for(origin_port, 0, middleware=middleware,
                              routes=[{"name": "users", "match": {"path": "/echo/users/:id"},
                                       "upstream": "o"},
                                      {"name": "all", "match": {"prefix": "/"}, "upstream": "o",
                                       "timeout_ms": 30000}], **kw)


class MiddlewareTest(unittest.TestCase):
    def setUp(self):
        self.origin = support.Origin().__enter__()
        self.addCleanup(self.origin.__exit__, None, None, None)

    def serve(self, middleware, **kw):
        gw = weir.Gateway(routes_with(middleware, self.origin.port, **kw))
        self.addCleanup(gw.close)
        gw.start()
        return gw.port()

    def test_token_auth_and_local_answer(self):
        log = tempfile.NamedTemporaryFile(suffix=".json", delete=False)
        log.close()
        self.addCleanup(os.unlink, log.name)
        port = self.serve([{"type": "py_teapot"},
                           {"type": "py_token_auth", "name": "auth", "tokens": TOKENS},
                           {"type": "py_stamp"},
                           {"type": "access_log", "path": log.name}])
        status, body = support.get(port, "/echo")
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body)["error"], "missing or unknown token")
        status, body = support.get(port, "/echo", headers={"x-api-token": "wrong"})
        self.assertEqual(status, 401)

        seen = support.echo(port, "/echo", headers={"x-api-token": "t-alice"})
        names = {k.lower(): v for k, v in seen["headers"]}
        self.assertEqual(names.get("x-consumer"), "alice")
        self.assertNotIn("x-api-token", names)

        # The local answer skips auth and the upstream; earlier hooks see it.
        before = support.origin_requests(self.origin)
        conn_status, body = support.get(port, "/teapot")
        self.assertEqual(conn_status, 418)
        self.assertEqual(body, b"short and stout\n")
        self.assertEqual(support.origin_requests(self.origin), before)

        # The access log carries the consumer the Python middleware set.
        def logged():
            with open(log.name) as f:
                return [json.loads(line) for line in f if line.strip()]
        lines = support.eventually(lambda: len(logged()) >= 4 and logged())
        self.assertTrue(lines, "access log lines never appeared")
        consumers = [line.get("values", {}).get("consumer") for line in lines]
        self.assertIn("alice", consumers)

    def test_response_hooks_and_decorator(self):
        port = self.serve([{"type": "py_teapot"}, {"type": "py_stamp"}])
        conn = support.http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", "/echo/users/7")
            resp = conn.getresponse()
            resp.read()
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.getheader("x-teapot-saw"), "200")
            self.assertEqual(resp.getheader("x-stamped"), "users")
        finally:
            conn.close()

    def test_pause_resumed_from_a_timer_thread(self):
        port = self.serve([{"type": "py_slow_check"}], workers=2)
        results = []

        def client():
            results.append(support.echo(port, "/echo"))

        clients = [threading.Thread(target=client) for _ in range(6)]
        for c in clients:
            c.start()
        for c in clients:
            c.join(30)
        self.assertEqual(len(results), 6)
        for seen in results:
            names = {k.lower(): v for k, v in seen["headers"]}
            self.assertEqual(names.get("x-resumed-on-timer"), "False")
        status, body = support.get(port, "/echo?deny")
        self.assertEqual(status, 403)
        self.assertIn(b"denied after the check", body)

    def test_reads_what_the_client_sent(self):
        Recorder.seen.clear()
        port = self.serve([{"type": "py_token_auth", "tokens": TOKENS}, {"type": "py_recorder"}])
        support.echo(port, "/echo/users/42?x=1", headers={"x-api-token": "t-bob", "x-extra": "yes"})
        seen = support.echo(port, "/v1/moved", headers={"x-api-token": "t-bob"})
        self.assertEqual(seen["target"], "/echo/moved")
        facts = Recorder.seen["/echo/users/42"]
        self.assertEqual(facts["phase"], "request")
        self.assertEqual(facts["method"], "GET")
        self.assertEqual(facts["query"], "x=1")
        self.assertEqual(facts["route"], "users")
        self.assertEqual(facts["client_ip"], "127.0.0.1")
        self.assertTrue(facts["id"])
        self.assertEqual(facts["param"], "42")
        self.assertEqual(facts["consumer"], "bob")
        self.assertIsNone(facts["missing"])
        self.assertIn(("x-extra", "yes"), [(k.lower(), v) for k, v in facts["headers"]])
        log = support.eventually(lambda: Recorder.seen.get("log:/echo/users/42"))
        self.assertEqual(log["status"], 200)
        self.assertFalse(log["aborted"])
        self.assertEqual(Recorder.seen.get("errors", []), [])

    def test_a_failing_hook_answers_500_and_the_gateway_goes_on(self):
        port = self.serve([{"type": "py_broken"}])
        with self.assertLogs("weir", level="ERROR") as logs:
            status, body = support.get(port, "/boom")
        self.assertEqual(status, 500)
        self.assertEqual(json.loads(body)["error"], "middleware failed")
        self.assertIn("a bug in the hook", "\n".join(logs.output))
        support.echo(port, "/echo")

    def test_option_errors_name_the_key(self):
        cases = [
            ([{"type": "py_token_auth"}], "middleware[0].tokens: required"),
            ([{"type": "py_token_auth", "tokens": []}], "middleware[0].tokens: expected an object"),
            ([{"type": "py_stamp", "color": "red"}], "middleware[0].color: unknown key"),
        ]
        for middleware, want in cases:
            with self.subTest(want=want):
                with self.assertRaises(weir.ConfigError) as ctx:
                    weir.Gateway(routes_with(middleware, self.origin.port))
                self.assertIn(want, str(ctx.exception))

    def test_request_is_dead_after_its_callback(self):
        kept = []

        @weir.middleware("py_keeper")
        def keep(req):
            kept.append(req)

        port = self.serve([{"type": "py_keeper"}])
        support.echo(port, "/echo")
        self.assertEqual(len(kept), 1)
        with self.assertRaises(weir.StateError):
            kept[0].path


if __name__ == "__main__":
    unittest.main()
