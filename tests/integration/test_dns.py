#!/usr/bin/env python3
"""Endpoints given by host name: resolved off the loop, re-resolved every
resolve_interval_ms, and the endpoint set follows the answers.

The names live in /etc/hosts (glibc reads it on each lookup; the tests run as
root). Each test adds a name of its own and removes it again, also when it
fails; the two origins listen on the same port at 127.0.0.1 and 127.0.0.2.
"""
import copy
import fcntl
import os
import signal
import threading
import time
import unittest

import harness
from harness import Origin, RawConn, gateway_for

HOSTS = "/etc/hosts"
# Serialises edits of /etc/hosts between test processes (a normal and a
# sanitizer run at once), so one never writes back a file without the
# other's name.
HOSTS_LOCK = "/tmp/weir-test-etc-hosts.lock"
INTERVAL_MS = 200
SWITCH_TIMEOUT_S = 10.0  # an answer comes every 200 ms; this bounds a loaded machine


class HostsName:
    """One unique name in /etc/hosts. Only the line naming it is written or
    removed; every other byte of the file stays as it was."""

    serial = 0

    def __init__(self):
        HostsName.serial += 1
        self.name = f"weir-test-{os.getpid()}-{HostsName.serial}.invalid"
        self.added_newline = False

    def _edit(self, ip):
        with open(HOSTS_LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with open(HOSTS, "r+b") as f:
                lines = f.read().splitlines(keepends=True)
                kept = [line for line in lines if line.split()[1:] != [self.name.encode()]]
                data = b"".join(kept)
                if ip is None:
                    if self.added_newline and data.endswith(b"\n"):
                        data = data[:-1]
                        self.added_newline = False
                else:
                    if data and not data.endswith(b"\n"):
                        data += b"\n"
                        self.added_newline = True
                    data += f"{ip}\t{self.name}\n".encode()
                # In place: /etc/hosts may be a mount point that rename() cannot replace.
                f.seek(0)
                f.write(data)
                f.truncate()

    def point_to(self, ip):
        self._edit(ip)

    def remove(self):
        self._edit(None)
        with open(HOSTS, "rb") as f:
            if self.name.encode() in f.read():
                raise AssertionError(f"{self.name} is still in {HOSTS}")


def served(origin):
    return origin.stats()["requests"]


def get(port, path):
    with RawConn(port) as c:
        c.send(f"GET {path} HTTP/1.1\r\nHost: dns\r\nConnection: close\r\n\r\n".encode())
        return c.read_response()


def wait_until(predicate, timeout=SWITCH_TIMEOUT_S):
    return harness.wait_until(predicate, timeout)


class DnsTest(unittest.TestCase):
    def setUp(self):
        if not os.access(HOSTS, os.W_OK):
            self.fail(f"{HOSTS} must be writable (run the suite as root)")
        with open(HOSTS, "rb") as f:
            original = f.read()
        self.hosts = HostsName()
        self.addCleanup(self.check_restored, original)
        self.addCleanup(self.hosts.remove)

    def check_restored(self, original):
        with open(HOSTS, "rb") as f:
            now = f.read()
        # Another test process may have its own name in the file meanwhile.
        others = [line for line in now.splitlines(keepends=True) if b"weir-test-" not in line]
        mine = [line for line in original.splitlines(keepends=True) if b"weir-test-" not in line]
        self.assertEqual(b"".join(others), b"".join(mine))

    def origins(self):
        """Origins on 127.0.0.1 and 127.0.0.2 with the same port number."""
        a = Origin()
        a.__enter__()
        self.addCleanup(a.__exit__, None, None, None)
        b = Origin("--host", "127.0.0.2", "--port", str(a.port))
        b.__enter__()
        self.addCleanup(b.__exit__, None, None, None)
        return a, b

    def upstream(self, port, **extra):
        up = {"endpoints": [{"address": f"{self.hosts.name}:{port}", "weight": 1}],
              "resolve_interval_ms": INTERVAL_MS, "max_idle": 8}
        up.update(extra)
        return up

    def test_traffic_moves_with_the_name_and_the_old_address_drains(self):
        a, b = self.origins()
        self.hosts.point_to("127.0.0.1")
        with gateway_for(a, upstream=self.upstream(a.port)) as gw:
            before_b = served(b)
            for i in range(5):
                r = get(gw.port, f"/echo/first-{i}")
                self.assertEqual(r.status, 200, r.body)
            self.assertEqual(served(b), before_b, "the name pointed at 127.0.0.1 only")

            # A slow request to the old address is in flight when the name moves.
            slow = {}
            at_a = served(a)
            thread = threading.Thread(target=lambda: slow.update(r=get(gw.port, "/slow/5000")))
            thread.start()
            self.addCleanup(thread.join, 15)
            self.assertTrue(wait_until(lambda: served(a) > at_a), "the slow request never reached a")
            self.hosts.point_to("127.0.0.2")

            def moved():
                return get(gw.port, "/echo/probe").status == 200 and served(b) > before_b

            self.assertTrue(wait_until(moved), "traffic did not move to 127.0.0.2")
            self.assertTrue(thread.is_alive(), "the slow request ended before the switch was seen")
            thread.join(15)
            self.assertFalse(thread.is_alive())
            self.assertEqual(slow["r"].status, 200, "the drained request must complete")

            at_a, at_b = served(a), served(b)
            for i in range(10):
                self.assertEqual(get(gw.port, f"/echo/after-{i}").status, 200)
            self.assertEqual(served(a), at_a, "no new request may go to the vanished address")
            self.assertEqual(served(b), at_b + 10)
            # The vanished address's pooled connections are closed.
            self.assertEqual(a.wait_connections_open(lambda n: n == 0), 0)

    def test_unresolvable_name_answers_503_until_it_resolves(self):
        a, _ = self.origins()
        with gateway_for(a, upstream=self.upstream(a.port)) as gw:
            r = get(gw.port, "/echo/none")
            self.assertEqual(r.status, 503)
            self.assertIn(b"no upstream endpoint available", r.body)
            self.assertIn(f'"{self.hosts.name}": cannot resolve', gw.stderr_text())
            self.hosts.point_to("127.0.0.1")
            self.assertTrue(wait_until(lambda: get(gw.port, "/echo/later").status == 200),
                            "the name was not served once it resolved")
            # A later failure keeps the last good set.
            self.hosts.remove()
            self.assertTrue(wait_until(lambda: "keeping its last addresses (127.0.0.1)" in gw.stderr_text()),
                            gw.stderr_text())
            self.assertEqual(get(gw.port, "/echo/kept").status, 200)

    def test_reload_swaps_names_without_a_gap(self):
        a, b = self.origins()
        other = HostsName()
        self.addCleanup(other.remove)
        self.hosts.point_to("127.0.0.1")
        other.point_to("127.0.0.2")
        with gateway_for(a, upstream=self.upstream(a.port)) as gw:
            self.assertEqual(get(gw.port, "/echo/before").status, 200)
            base_a, base_b = served(a), served(b)
            cfg = copy.deepcopy(gw.config)
            cfg["upstreams"]["o"]["endpoints"] = [{"address": f"{other.name}:{b.port}"}]
            for n in range(1, 4):  # the same names again: no doubled lookups, no gap
                gw.write_config(cfg)
                os.kill(gw.pid, signal.SIGHUP)
                self.assertTrue(wait_until(lambda: gw.stderr_text().count("reload ok") == n),
                                gw.stderr_text())
                # The reload returned once the new name had answered and the
                # workers served it: the next request already goes to b.
                self.assertEqual(get(gw.port, f"/echo/after-{n}").status, 200)
            self.assertEqual((served(a), served(b)), (base_a, base_b + 3))

    def test_no_request_lost_or_duplicated_while_the_name_moves(self):
        a, b = self.origins()
        self.hosts.point_to("127.0.0.1")
        with gateway_for(a, upstream=self.upstream(a.port)) as gw:
            base_a, base_b = served(a), served(b)
            clients, max_each = 4, 400
            results = []
            lock = threading.Lock()
            stop = threading.Event()

            def client(t):
                with RawConn(gw.port) as c:
                    for i in range(max_each):
                        if stop.is_set():
                            return
                        c.send(f"GET /echo/t{t}-{i} HTTP/1.1\r\nHost: dns\r\n\r\n".encode())
                        r = c.read_response()
                        with lock:
                            results.append(((t, i), r))
                        time.sleep(0.005)

            threads = [threading.Thread(target=client, args=(t,)) for t in range(clients)]
            for t in threads:
                t.start()
            self.addCleanup(stop.set)

            def answered():
                with lock:
                    return len(results)

            # The name moves to b under load, then back to a, still under load.
            self.assertTrue(wait_until(lambda: answered() >= 40))
            self.hosts.point_to("127.0.0.2")
            self.assertTrue(wait_until(lambda: served(b) - base_b >= 40), "b never got traffic")
            at_a = served(a)
            self.hosts.point_to("127.0.0.1")
            self.assertTrue(wait_until(lambda: served(a) - at_a >= 40), "a never got traffic back")
            stop.set()
            for t in threads:
                t.join(30)
                self.assertFalse(t.is_alive(), "a client hung")
            self.assertGreaterEqual(len(results), 120)
            self.assertEqual(len({key for key, _ in results}), len(results))
            for (t, i), r in results:
                self.assertEqual(r.status, 200, (t, i, r.body[:200]))
                self.assertIn(f'"target":"/echo/t{t}-{i}"'.encode(), r.body)
            # Each request reached an origin exactly once.
            self.assertEqual(served(a) - base_a + served(b) - base_b, len(results))

if __name__ == "__main__":
    unittest.main(verbosity=2)
