#!/usr/bin/env python3
"""Message bodies through the gateway (RFC 9112 6 and 7): Content-Length and
chunked in both directions, 100-continue (RFC 9110 10.1.1), close-delimited
responses, full-duplex streaming, and bounded memory for 200 MiB bodies."""

import time
import unittest
import zlib

from harness import Origin, RawConn, RssMonitor, gateway_for, pattern, pattern_crc32

BIG = 200 * 1024 * 1024
RSS_BUDGET_KIB = 32 * 1024
PIECE = 1 << 20


def post_head(target, extra=b""):
    return b"POST " + target + b" HTTP/1.1\r\nHost: a.test\r\n" + extra


def warm_up(c):
    """One exchange first, so the next request finds a pooled upstream connection."""
    c.send(b"GET /echo/warm HTTP/1.1\r\nHost: a.test\r\n\r\n")
    c.read_response()


class BodiesTest(unittest.TestCase):
    def test_content_length_upload(self):
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port, timeout=5) as c:
            warm_up(c)
            body = pattern(0, 70000)
            c.send(post_head(b"/echo/cl", b"Content-Length: 70000\r\n\r\n") + body)
            echo = c.read_response().json()
            self.assertEqual(echo["body_framing"], "length")
            self.assertEqual(echo["body_len"], 70000)
            self.assertEqual(echo["body_crc32"], zlib.crc32(body))
            self.assertIn(["content-length", "70000"], [[k.lower(), v] for k, v in echo["headers"]])

    def test_chunked_upload(self):
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port, timeout=5) as c:
            warm_up(c)
            c.send(post_head(b"/echo/chunked", b"Transfer-Encoding: chunked\r\n\r\n"))
            sent = b""
            for i in range(1, 6):
                piece = pattern(len(sent), i * 1000)
                c.send(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += piece
                time.sleep(0.02)
            c.send(b"0\r\n\r\n")
            echo = c.read_response().json()
            # No length was known, so the gateway frames the body with chunked itself.
            self.assertEqual(echo["body_framing"], "chunked")
            self.assertEqual(echo["body_len"], len(sent))
            self.assertEqual(echo["body_crc32"], zlib.crc32(sent))
            names = [k.lower() for k, _ in echo["headers"]]
            self.assertNotIn("content-length", names)

    def test_upload_while_upstream_connects(self):
        # The first request of a fresh gateway waits for its upstream connect;
        # body bytes that arrive meanwhile, and after, must all be forwarded.
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port, timeout=5) as c:
            body = pattern(0, 100000)
            c.send(post_head(b"/echo/fresh-cl", b"Content-Length: 100000\r\n\r\n") + body)
            echo = c.read_response().json()
            self.assertEqual((echo["body_len"], echo["body_crc32"]), (100000, zlib.crc32(body)))
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port, timeout=5) as c:
            c.send(post_head(b"/echo/fresh-chunked", b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"))
            time.sleep(0.3)
            c.send(b"3\r\ndef\r\n0\r\n\r\n")
            self.assertEqual(c.read_response().json()["body"], "abcdef")

    def test_chunked_upload_with_extensions_and_trailers(self):
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port) as c:
            c.send(post_head(b"/echo/ext", b"Transfer-Encoding: chunked\r\n\r\n") +
                   b"5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
            echo = c.read_response().json()
            self.assertEqual(echo["body"], "hello world")
            # The connection is still in sync after the trailer section.
            c.send(b"GET /echo/next HTTP/1.1\r\nHost: a.test\r\n\r\n")
            self.assertEqual(c.read_response().json()["target"], "/echo/next")

    def test_chunked_download(self):
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port) as c:
            for n in (0, 1, 16384, 16385, 1000003):
                c.send(b"GET /chunked/%d HTTP/1.1\r\nHost: a.test\r\n\r\n" % n)
                resp = c.read_response()
                self.assertEqual(resp.status, 200)
                self.assertEqual(len(resp.body), n)
                self.assertEqual(resp.body, pattern(0, n))

    def test_content_length_download(self):
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port) as c:
            c.send(b"GET /bytes/3000000 HTTP/1.1\r\nHost: a.test\r\n\r\n")
            resp = c.read_response()
            self.assertEqual(resp.header("content-length"), "3000000")
            self.assertEqual(resp.body, pattern(0, 3000000))

    def test_close_delimited_download_arrives_complete(self):
        with Origin() as origin, gateway_for(origin) as gw:
            for n in (0, 10, 300000, 2000000):
                with RawConn(gw.port) as c:
                    c.send(b"GET /close-delimited/%d HTTP/1.1\r\nHost: a.test\r\n\r\n" % n)
                    resp = c.read_response()
                    self.assertEqual(resp.status, 200)
                    self.assertEqual(len(resp.body), n)
                    self.assertEqual(resp.body, pattern(0, n))

    def test_expect_100_continue(self):
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port) as c:
            body = b"payload after 100"
            c.send(post_head(b"/echo/expect", b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body)))
            interim = c.read_response(keep_1xx=True)
            self.assertEqual(interim.status, 100)
            c.send(body)
            resp = c.read_response()
            self.assertEqual(resp.status, 200)
            echo = resp.json()
            self.assertEqual(echo["body"], body.decode())
            names = [k.lower() for k, _ in echo["headers"]]
            self.assertNotIn("expect", names, "the gateway answered Expect itself")

    def test_expect_100_continue_chunked(self):
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port) as c:
            c.send(post_head(b"/echo/expect", b"Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"))
            self.assertEqual(c.read_response(keep_1xx=True).status, 100)
            c.send(b"3\r\nabc\r\n0\r\n\r\n")
            self.assertEqual(c.read_response().json()["body"], "abc")

    def test_stream_echo_is_full_duplex(self):
        # Each piece must come back before the next is sent: the gateway may
        # buffer neither the request body nor the response body.
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port, timeout=5) as c:
            warm_up(c)
            c.send(post_head(b"/stream-echo", b"Transfer-Encoding: chunked\r\n\r\n"))
            first = b"first piece"
            c.send(b"%x\r\n%s\r\n" % (len(first), first))
            _, status, _, _, _ = c.read_head()
            self.assertEqual(status, 200)
            got = b""
            while len(got) < len(first):
                got += c.read_chunk()
            self.assertEqual(got, first)
            for i in range(5):
                piece = pattern(i, 5000 + i)
                c.send(b"%x\r\n%s\r\n" % (len(piece), piece))
                got = b""
                while len(got) < len(piece):
                    got += c.read_chunk()
                self.assertEqual(got, piece)
            c.send(b"0\r\n\r\n")
            self.assertEqual(c.read_chunk(), b"")

    def test_200mib_upload_to_sink_in_bounded_memory(self):
        with Origin() as origin, gateway_for(origin, limits={"max_body_bytes": 0}) as gw, \
                RawConn(gw.port, timeout=30) as c:
            c.send(b"GET /echo/warm HTTP/1.1\r\nHost: a.test\r\n\r\n")
            c.read_response()
            base = gw.rss_kib()
            block = pattern(0, PIECE + 251)
            start = time.monotonic()
            with RssMonitor(gw) as rss:
                c.send(post_head(b"/sink", b"Content-Length: %d\r\n\r\n" % BIG))
                sent = 0
                while sent < BIG:
                    n = min(PIECE, BIG - sent)
                    off = sent % 251
                    c.send(block[off:off + n])
                    sent += n
                    self.assertLess(time.monotonic() - start, 60, "upload too slow")
                resp = c.read_response()
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.json(), {"bytes": BIG, "crc32": pattern_crc32(BIG)})
            growth = rss.peak_kib - base
            self.assertLess(growth, RSS_BUDGET_KIB, f"RSS grew by {growth} KiB")

    def test_200mib_download_in_bounded_memory_with_slow_reader(self):
        with Origin() as origin, gateway_for(origin) as gw, RawConn(gw.port, timeout=30) as c:
            c.send(b"GET /echo/warm HTTP/1.1\r\nHost: a.test\r\n\r\n")
            c.read_response()
            base = gw.rss_kib()
            start = time.monotonic()
            with RssMonitor(gw) as rss:
                c.send(b"GET /bytes/%d HTTP/1.1\r\nHost: a.test\r\n\r\n" % BIG)
                # Not reading for a while: backpressure must stop the upstream
                # reads instead of queueing the body in the gateway.
                time.sleep(1.5)
                _, status, _, headers, _ = c.read_head()
                self.assertEqual(status, 200)
                self.assertIn(("content-length", str(BIG)), [(k.lower(), v) for k, v in headers])
                received = len(c.buf)
                crc = zlib.crc32(c.buf)
                c.buf = b""
                while received < BIG:
                    chunk = c.sock.recv(min(PIECE, BIG - received))
                    self.assertTrue(chunk, f"connection closed after {received} bytes")
                    crc = zlib.crc32(chunk, crc)
                    received += len(chunk)
                    self.assertLess(time.monotonic() - start, 60, "download too slow")
            self.assertEqual(received, BIG)
            self.assertEqual(crc, pattern_crc32(BIG))
            growth = rss.peak_kib - base
            self.assertLess(growth, RSS_BUDGET_KIB, f"RSS grew by {growth} KiB")


if __name__ == "__main__":
    unittest.main(verbosity=2)
