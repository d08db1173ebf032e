#!/usr/bin/env python3
"""Load-balancing policies through the gateway, counted at two real origins."""
import unittest

from harness import Origin, RawConn, gateway_for


def endpoints(*origins, weights=None):
    weights = weights or [1] * len(origins)
    return [{"address": f"127.0.0.1:{o.port}", "weight": w} for o, w in zip(origins, weights)]


def served(origin):
    return origin.stats()["requests"]


class BalancingTest(unittest.TestCase):
    def run_requests(self, gw, n, header=None):
        with RawConn(gw.port) as c:
            for i in range(n):
                extra = f"{header[0]}: {header[1](i)}\r\n" if header else ""
                c.send(f"GET /echo/{i} HTTP/1.1\r\nHost: lb\r\n{extra}\r\n".encode())
                self.assertEqual(c.read_response().status, 200)

    def counts(self, policy, n=400, weights=None, hash_key=None, header=None):
        with Origin() as a, Origin() as b:
            up = {"endpoints": endpoints(a, b, weights=weights), "lb": policy}
            if hash_key:
                up["hash_key"] = hash_key
            with gateway_for(a, upstream=up) as gw:
                base = (served(a), served(b))
                self.run_requests(gw, n, header)
                return served(a) - base[0], served(b) - base[1]

    def test_round_robin_alternates(self):
        ca, cb = self.counts("round_robin", 200)
        self.assertEqual(ca, 100)
        self.assertEqual(cb, 100)

    def test_weighted_round_robin_follows_weights_exactly(self):
        ca, cb = self.counts("weighted_round_robin", 400, weights=[3, 1])
        self.assertEqual((ca, cb), (300, 100))

    def test_random_uses_both_by_weight(self):
        ca, cb = self.counts("random", 400, weights=[3, 1])
        # 300 expected on a: 5 standard deviations of a binomial(400, 3/4) is ~43.
        self.assertLess(abs(ca - 300), 45, (ca, cb))

    def test_least_request_spreads_idle_load(self):
        ca, cb = self.counts("least_request", 400)
        self.assertLess(abs(ca - 200), 60, (ca, cb))

    def check_sticky(self, policy):
        # One user always lands on the same origin.
        ca, cb = self.counts(policy, 60, hash_key="header:x-user", header=("x-user", lambda i: "alice"))
        self.assertIn(0, (ca, cb), (ca, cb))
        self.assertEqual(ca + cb, 60)
        # Many users spread over both.
        ca, cb = self.counts(policy, 400, hash_key="header:x-user",
                             header=("x-user", lambda i: f"user-{i}"))
        self.assertGreater(min(ca, cb), 100, (ca, cb))

    def test_ring_hash_is_sticky_per_key(self):
        self.check_sticky("ring_hash")

    def test_maglev_is_sticky_per_key(self):
        self.check_sticky("maglev")

    def test_same_key_same_origin_across_gateways(self):
        # The hash depends on nothing local: two gateways agree on every key.
        with Origin() as a, Origin() as b:
            up = {"endpoints": endpoints(a, b), "lb": "maglev", "hash_key": "query:u"}
            placements = []
            for _ in range(2):
                with gateway_for(a, upstream=up) as gw:
                    where = []
                    for i in range(30):
                        before = served(a)
                        with RawConn(gw.port) as c:
                            c.send(f"GET /echo?u=user{i} HTTP/1.1\r\nHost: lb\r\n\r\n".encode())
                            self.assertEqual(c.read_response().status, 200)
                        where.append(served(a) > before)
                    placements.append(where)
            self.assertEqual(placements[0], placements[1])
            self.assertTrue(any(placements[0]) and not all(placements[0]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
