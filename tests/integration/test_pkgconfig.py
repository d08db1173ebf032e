#!/usr/bin/env python3
"""An installed weir is usable by a plain program: `meson install --destdir`
the build, then compile tests/capi/pkgconfig_consumer.cpp (C++20) and a C11
program with nothing but `pkg-config --cflags --libs weir` pointed at that
tree, and run them against the installed shared library.

WEIR_BUILD_DIR is the meson build directory; WEIR_PKGCONFIG_CONSUMER the
consumer's source."""

import glob
import json
import os
import shutil
import subprocess
import tempfile
import unittest

BUILD_DIR = os.environ.get("WEIR_BUILD_DIR", "")
CONSUMER = os.environ.get("WEIR_PKGCONFIG_CONSUMER", "")
COMPILE_TIMEOUT_S = 180
RUN_TIMEOUT_S = 30

C_CONSUMER = r"""
#include <stdio.h>
#include <string.h>
#include <weir.h>

int main(void) {
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", WEIR_VERSION_MAJOR, WEIR_VERSION_MINOR,
           WEIR_VERSION_PATCH);
  weir_gateway_t *gw = NULL;
  weir_status st = weir_gateway_create("{", 1, &gw);
  int ok = st == WEIR_ECONFIG && gw != NULL && strcmp(weir_version(), want) == 0;
  weir_gateway_destroy(gw);
  puts(ok ? "ok" : "wrong answers from the C ABI");
  return ok ? 0 : 1;
}
"""


def sanitizer_flags():
    """A sanitized libweir (b_sanitize) needs its runtime in the consumer too."""
    with open(os.path.join(BUILD_DIR, "meson-info", "intro-buildoptions.json")) as f:
        options = {o["name"]: o["value"] for o in json.load(f)}
    value = options.get("b_sanitize", "none")
    return [] if value in ("none", "") else ["-fsanitize=" + value]


def run(argv, timeout, env=None):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited with {proc.returncode}\n"
                             f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc.stdout


class InstalledWeirTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isfile(os.path.join(BUILD_DIR, "build.ninja")):
            raise RuntimeError(f"WEIR_BUILD_DIR must name a meson build dir, got {BUILD_DIR!r}")
        if not os.path.isfile(CONSUMER):
            raise RuntimeError(f"WEIR_PKGCONFIG_CONSUMER must name the consumer, got {CONSUMER!r}")
        for tool in ("pkg-config", "c++", "cc"):
            if shutil.which(tool) is None:
                raise RuntimeError(f"{tool} not found on PATH")
        cls.tmp = tempfile.TemporaryDirectory(prefix="weir-pkgconfig-")
        try:
            cls.install()
        except BaseException:
            cls.tmp.cleanup()  # tearDownClass does not run when setUpClass fails
            raise

    @classmethod
    def install(cls):
        cls.root = os.path.join(cls.tmp.name, "root")
        # --no-rebuild: meson test built what this test depends on; a second
        # ninja in the same build directory must not run beside it.
        run(["meson", "install", "--no-rebuild", "--quiet", "-C", BUILD_DIR,
             "--destdir", cls.root], timeout=120)
        pcs = glob.glob(os.path.join(cls.root, "**", "pkgconfig", "weir.pc"), recursive=True)
        if len(pcs) != 1:
            raise AssertionError(f"expected one installed weir.pc, found {pcs}")
        cls.pc_dir = os.path.dirname(pcs[0])
        # The .pc names the install paths (/usr/local/...); the sysroot maps
        # them into the destdir tree. It prefixes libuv's /usr paths too, which
        # then name nothing, and the compiler's defaults still find libuv.
        plain_env = dict(os.environ, PKG_CONFIG_PATH=cls.pc_dir)
        plain_env.pop("PKG_CONFIG_SYSROOT_DIR", None)
        cls.libdir, cls.includedir = [
            cls.root + run(["pkg-config", "--variable=" + var, "weir"], 30, plain_env).strip()
            for var in ("libdir", "includedir")]
        cls.pc_env = dict(plain_env, PKG_CONFIG_SYSROOT_DIR=cls.root)
        cls.run_env = dict(os.environ, LD_LIBRARY_PATH=cls.libdir)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def pkg_config(self, *args):
        return run(["pkg-config", *args, "weir"], timeout=30, env=self.pc_env).split()

    def test_installed_files(self):
        include = self.includedir
        for rel in ("weir/weir.hpp", "weir/gateway.hpp", "weir/weir.h"):
            self.assertTrue(os.path.isfile(os.path.join(include, rel)), rel)
        self.assertTrue(glob.glob(os.path.join(self.libdir, "libweir.so.*")))
        # Private headers of lib/ never ship.
        installed = [os.path.relpath(p, include)
                     for p in glob.glob(os.path.join(include, "**", "*.h*"), recursive=True)]
        for rel in installed:
            self.assertTrue(rel.startswith("weir/"), f"unexpected header {rel}")
        with open(os.path.join(BUILD_DIR, "meson-info", "intro-projectinfo.json")) as f:
            version = json.load(f)["version"]
        self.assertEqual(self.pkg_config("--modversion"), [version])

    def build_and_run(self, compiler, std, source, name):
        exe = os.path.join(self.tmp.name, name)
        cflags = self.pkg_config("--cflags")
        libs = self.pkg_config("--libs")
        # weir's own paths point into the installed tree, not the source or build.
        self.assertIn("-I" + self.includedir, cflags)
        self.assertIn("-L" + self.libdir, libs)
        run([compiler, std, *sanitizer_flags(), "-o", exe, source, *cflags, *libs],
            timeout=COMPILE_TIMEOUT_S)
        # The dynamic loader must take the installed libweir, not the build's.
        trace = run([exe], RUN_TIMEOUT_S, dict(self.run_env, LD_TRACE_LOADED_OBJECTS="1"))
        weir_lines = [line for line in trace.splitlines() if "libweir" in line]
        self.assertEqual(len(weir_lines), 1, trace)
        self.assertIn(self.root, weir_lines[0])
        return run([exe], timeout=RUN_TIMEOUT_S, env=self.run_env)

    def test_cpp_consumer(self):
        out = self.build_and_run("c++", "-std=c++20", CONSUMER, "cpp_consumer")
        self.assertTrue(out.startswith("ok: pong consumer "), out)

    def test_c_consumer(self):
        source = os.path.join(self.tmp.name, "c_consumer.c")
        with open(source, "w") as f:
            f.write(C_CONSUMER)
        out = self.build_and_run("cc", "-std=c11", source, "c_consumer")
        self.assertEqual(out.strip(), "ok")


if __name__ == "__main__":
    unittest.main(verbosity=2)
