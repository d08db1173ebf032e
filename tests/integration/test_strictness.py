#!/usr/bin/env python3
"""Strict HTTP/1.1 framing, byte for byte. Requests whose framing or syntax
two parsers could read differently (the root of request smuggling,
RFC 9112 11.2) get 400 and a closed connection, and nothing reaches the
origin — not even a request pipelined behind the bad one. Malformed upstream
responses become 502 and do not break the client connection."""

import contextlib
import unittest

from harness import ConnectionClosed, Origin, RawConn, gateway_for, is_gateway_error

SMUGGLED = b"GET /echo/smuggled HTTP/1.1\r\nHost: a.test\r\n\r\n"

# name: request bytes. Each is followed, in the same write, by SMUGGLED.
BAD_HEADS = {
    # RFC 9112 6.1: both framings present.
    "cl-and-te": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "te-and-cl": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n"
                 b"Content-Length: 5\r\n\r\n0\r\n\r\n",
    # RFC 9112 6.3 (5): differing lengths are unrecoverable.
    "two-cl": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    "cl-list": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5, 6\r\n\r\nhello!",
    # RFC 9110 8.6: Content-Length = 1*DIGIT.
    "cl-alpha": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nContent-Length: abc\r\n\r\n",
    "cl-negative": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nContent-Length: -1\r\n\r\n",
    "cl-plus": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nContent-Length: +5\r\n\r\nhello",
    "cl-hex": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0x5\r\n\r\nhello",
    "cl-inner-space": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nContent-Length: 1 2\r\n\r\n",
    "cl-overflow": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    # RFC 9112 6.3 (4): in a request, chunked must be the final coding.
    "te-gzip": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: gzip\r\n\r\nhello",
    "te-chunked-gzip": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"
                       b"0\r\n\r\n",
    # RFC 9112 7: chunked must not be applied twice.
    "te-chunked-twice": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
                        b"0\r\n\r\n",
    "te-unknown": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
    # RFC 9112 5.2: obs-fold in a request is rejected with 400.
    "obs-fold": b"GET /echo HTTP/1.1\r\nHost: a.test\r\nX-Folded: a\r\n b\r\n\r\n",
    # RFC 9112 2.2: weir does not take a bare LF as a line end.
    "bare-lf": b"GET /echo HTTP/1.1\nHost: a.test\n\n",
    "bare-lf-in-headers": b"GET /echo HTTP/1.1\r\nHost: a.test\nX-A: 1\r\n\r\n",
    # RFC 9112 2.2: a bare CR is rejected.
    "bare-cr-request-line": b"GET /echo HTTP/1.1\rHost: a.test\r\n\r\n",
    "bare-cr-in-value": b"GET /echo HTTP/1.1\r\nHost: a.test\r\nX-A: a\rb\r\n\r\n",
    # RFC 9110 5.5: field values hold no CTLs but HTAB.
    "ctl-in-value": b"GET /echo HTTP/1.1\r\nHost: a.test\r\nX-A: a\x01b\r\n\r\n",
    "nul-in-value": b"GET /echo HTTP/1.1\r\nHost: a.test\r\nX-A: a\x00b\r\n\r\n",
    "del-in-value": b"GET /echo HTTP/1.1\r\nHost: a.test\r\nX-A: a\x7fb\r\n\r\n",
    # RFC 9112 5.1: no whitespace between field name and colon.
    "space-before-colon": b"GET /echo HTTP/1.1\r\nHost : a.test\r\n\r\n",
    "space-before-colon-te": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding : chunked\r\n\r\n"
                             b"0\r\n\r\n",
    # RFC 9110 5.1: field-name = token.
    "bad-field-name": b"GET /echo HTTP/1.1\r\nHost: a.test\r\nX(A): 1\r\n\r\n",
    "empty-field-name": b"GET /echo HTTP/1.1\r\nHost: a.test\r\n: v\r\n\r\n",
    # RFC 9112 3.2: exactly one Host in HTTP/1.1.
    "missing-host": b"GET /echo HTTP/1.1\r\nX-A: 1\r\n\r\n",
    "two-hosts": b"GET /echo HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n",
    # RFC 9112 3.2.2: Host must equal the authority of an absolute-form target.
    "absolute-form-host-mismatch": b"GET http://other.test/echo HTTP/1.1\r\nHost: a.test\r\n\r\n",
    # RFC 9112 3: request-line = method SP request-target SP HTTP-version.
    "extra-request-line-token": b"GET /echo HTTP/1.1 extra\r\nHost: a.test\r\n\r\n",
    "bad-method-char": b"GE(T /echo HTTP/1.1\r\nHost: a.test\r\n\r\n",
    "bad-version": b"GET /echo HTTP/1.x\r\nHost: a.test\r\n\r\n",
    "space-in-target": b"GET /echo x HTTP/1.1\r\nHost: a.test\r\n\r\n",
}

# Framing errors inside the body. The head may already be on its way to the
# origin when they show, so only the client side is checked.
BAD_BODIES = {
    "chunk-size-not-hex": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                          b"zz\r\nhello\r\n0\r\n\r\n",
    "chunk-size-overflow": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                           b"fffffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
    "chunk-data-without-crlf": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                               b"5\r\nhelloXX0\r\n\r\n",
    "chunk-size-bare-lf": b"POST /echo HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                          b"5\nhello\r\n0\r\n\r\n",
}

# Head-level errors, known before anything is sent to the client.
BAD_RESPONSES = ("cl-and-te", "two-cl", "bad-cl", "obs-fold", "bare-lf", "te-gzip",
                 "no-status", "huge-header")


class StrictnessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with contextlib.ExitStack() as stack:
            cls.origin = stack.enter_context(Origin())
            cls.gw = stack.enter_context(gateway_for(cls.origin, limits={"max_body_bytes": 1 << 20}))
            cls.stack = stack.pop_all()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def expect_400_and_close(self, request):
        with RawConn(self.gw.port, timeout=5) as c:
            try:
                c.send(request + SMUGGLED)
            except (BrokenPipeError, ConnectionResetError):
                pass
            try:
                resp = c.read_response()
            except (ConnectionClosed, ConnectionResetError) as e:
                self.fail(f"closed without a 400: {e!r}")
            self.assertTrue(is_gateway_error(resp, 400), resp)
            self.assertTrue(c.wait_closed(3), "connection must close after a framing error")
            self.assertNotIn(b"HTTP/1.1", c.buf, "a second response followed the 400")

    def test_malformed_requests_are_400_and_never_forwarded(self):
        for name, request in BAD_HEADS.items():
            with self.subTest(name):
                before = self.origin.stats()["requests"]
                self.expect_400_and_close(request)
                self.assertEqual(self.origin.stats()["requests"], before, "the origin saw a request")

    def test_malformed_chunked_bodies_are_400(self):
        for name, request in BAD_BODIES.items():
            with self.subTest(name):
                before = self.origin.stats()["requests"]
                self.expect_400_and_close(request)
                # The bad request's head may have reached the origin; the
                # smuggled one behind it must not.
                self.assertLessEqual(self.origin.stats()["requests"] - before, 1)

    def test_valid_variants_are_accepted(self):
        # The strict checks must not catch what RFC 9112 allows.
        good = [
            b"GET /echo/ok HTTP/1.1\r\nHost: a.test\r\nX-Tab: a\tb\r\n\r\n",
            b"GET /echo/ok HTTP/1.1\r\nHost: a.test\r\nX-Ows:   padded   \r\n\r\n",
            b"POST /echo/ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            b"GET http://a.test/echo/ok HTTP/1.1\r\nHost: a.test\r\n\r\n",
            b"GET /echo/ok HTTP/1.0\r\n\r\n",
            b"GET /echo/ok HTTP/1.1\r\nHost: a.test\r\nX-Latin: caf\xe9\r\n\r\n",
        ]
        for request in good:
            with self.subTest(request=request):
                with RawConn(self.gw.port, timeout=5) as c:
                    c.send(request)
                    resp = c.read_response()
                    self.assertEqual(resp.status, 200, resp)
                    self.assertTrue(resp.json()["target"].endswith("/echo/ok"))

    def test_value_whitespace_is_trimmed(self):
        with RawConn(self.gw.port, timeout=5) as c:
            c.send(b"GET /echo/ows HTTP/1.1\r\nHost: a.test\r\nX-Ows: \t padded \t\r\n\r\n")
            headers = c.read_response().json()["headers"]
            self.assertIn(["x-ows", "padded"], [[k.lower(), v] for k, v in headers])

    def test_malformed_upstream_responses_are_502(self):
        for name in BAD_RESPONSES:
            with self.subTest(name):
                c = RawConn(self.gw.port, timeout=5)
                try:
                    c.send(b"GET /raw/" + name.encode() + b" HTTP/1.1\r\nHost: a.test\r\n\r\n")
                    _, status, _, _, head = c.read_head()
                    self.assertEqual(status, 502, head)  # before reading a body of unknown framing
                    c.buf = head + b"\r\n\r\n" + c.buf
                    resp = c.read_response()
                    self.assertTrue(is_gateway_error(resp, 502), resp)
                    if "close" in (resp.header("connection") or "").lower():
                        self.assertTrue(c.wait_closed(3))
                        c.close()
                        c = RawConn(self.gw.port, timeout=5)
                    # The client connection is unharmed.
                    c.send(b"GET /echo/after-" + name.encode() + b" HTTP/1.1\r\nHost: a.test\r\n\r\n")
                    resp = c.read_response()
                    self.assertEqual(resp.status, 200, resp)
                    self.assertEqual(resp.json()["target"], "/echo/after-" + name)
                finally:
                    c.close()

    def test_malformed_upstream_chunk_is_not_passed_on(self):
        # The head is valid, so it may already be on its way; then the only
        # honest end is to close the client connection without the last chunk.
        with RawConn(self.gw.port, timeout=5) as c:
            c.send(b"GET /raw/bad-chunk HTTP/1.1\r\nHost: a.test\r\n\r\n")
            _, status, _, headers, _ = c.read_head()
            if status != 502:
                self.assertEqual(status, 200)
                self.assertIn(("transfer-encoding", "chunked"), [(k.lower(), v.lower()) for k, v in headers])
                # Passing the bad chunk-size on would make read_chunk raise ValueError.
                with self.assertRaises((ConnectionClosed, ConnectionResetError)):
                    while c.read_chunk():
                        pass
        with RawConn(self.gw.port, timeout=5) as c:
            c.send(b"GET /echo/after-bad-chunk HTTP/1.1\r\nHost: a.test\r\n\r\n")
            self.assertEqual(c.read_response().json()["target"], "/echo/after-bad-chunk")

if __name__ == "__main__":
    unittest.main(verbosity=2)
