"""Handles and what they own are freed: many create/destroy cycles leave the
process with the file descriptors it had, and garbage collection frees a
gateway the program dropped."""

import gc
import unittest

import support
import weir


class ResourceTest(unittest.TestCase):
    def test_create_destroy_cycles_do_not_leak_fds(self):
        with support.Origin() as origin:
            # One warm-up cycle first: libuv and the library allocate a few
            # process-wide things once.
            gw, port = support.started_gateway(origin.port)
            support.echo(port)
            gw.close()
            before = support.open_fds()
            for _ in range(200):
                weir.Gateway(support.config_for(origin.port)).close()
            for _ in range(3):
                try:
                    weir.Gateway({"workers": "x"})
                except weir.ConfigError:
                    pass
            for _ in range(20):
                gw, port = support.started_gateway(origin.port)
                support.echo(port)
                gw.stop(drain_ms=100)
                gw.close()
            self.assertEqual(support.open_fds(), before)

    def test_dropped_gateway_is_freed(self):
        with support.Origin() as origin:
            gw, port = support.started_gateway(origin.port)
            support.echo(port)
            del gw
            gc.collect()
            self.assertTrue(support.refused(port))


if __name__ == "__main__":
    unittest.main()
