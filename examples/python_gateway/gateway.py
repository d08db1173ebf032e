#!/usr/bin/env python3
"""python_gateway: a custom API gateway in Python, with its auth in Python.

    python3 gateway.py --upstream HOST:PORT [--port P] [--token TOKEN=CONSUMER ...]

Bearer tokens map to consumers; a request without a known token gets 401,
one with a token goes upstream with x-consumer set, and the access log
(stdout) names the consumer. /healthz is answered by the gateway itself.
Prints "listening on PORT"; SIGTERM or SIGINT drains and exits 0.
Needs the weir package (bindings/python) on PYTHONPATH and libweir.so
(WEIR_LIB, or next to the package)."""

import argparse
import signal
import threading

import weir


class BearerAuth(weir.Middleware):
    def __init__(self, options):
        super().__init__(options)
        self.tokens = options["tokens"]

    def on_request(self, req):
        if req.route == "health":
            return req.respond(200, b"ok\n", headers={"content-type": "text/plain"})
        scheme, _, token = req.header("authorization", "").partition(" ")
        consumer = self.tokens.get(token) if scheme.lower() == "bearer" else None
        if consumer is None:
            req.set_response_header("www-authenticate", 'Bearer realm="weir"')
            return req.respond_error(401, "a valid bearer token is required")
        req.set_value("consumer", consumer)
        req.remove_header("authorization")
        req.set_header("x-consumer", consumer)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--token", action="append", default=[], metavar="TOKEN=CONSUMER")
    args = ap.parse_args()
    tokens = dict(t.split("=", 1) for t in args.token) or {"demo-token": "demo"}

    weir.register_middleware("bearer_auth", BearerAuth)
    config = {
        "listeners": [{"name": "public", "address": "127.0.0.1", "port": args.port}],
        "upstreams": {"app": {"endpoints": [{"address": args.upstream}]}},
        "middleware": [{"type": "request_id"}, {"type": "bearer_auth", "tokens": tokens},
                       {"type": "access_log", "path": "-"}],
        "routes": [{"name": "health", "match": {"path": "/healthz"}, "upstream": "app"},
                   {"name": "app", "match": {"prefix": "/"}, "upstream": "app"}],
    }
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with weir.Gateway(config) as gw:  # started here; stopped and closed on exit
        print(f"listening on {gw.port()}", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
