"""The binding agrees with capi/weir.h: version, every status code and its
exception class, and where the library is loaded from."""

import os
import re
import subprocess
import sys
import unittest

import support
import weir


def header_text():
    with open(support.HEADER) as f:
        return f.read()


class VersionTest(unittest.TestCase):
    def test_version_matches_header_macros(self):
        text = header_text()
        parts = [re.search(rf"#define WEIR_VERSION_{p} (\d+)", text).group(1)
                 for p in ("MAJOR", "MINOR", "PATCH")]
        self.assertEqual(weir.version(), ".".join(parts))


class SignatureTest(unittest.TestCase):
    def test_every_abi_function_is_declared(self):
        in_header = set(re.findall(r"WEIR_API\s[^;(]*?\b(weir_\w+)\s*\(", header_text()))
        self.assertGreater(len(in_header), 5, "no WEIR_API declarations found in weir.h")
        self.assertEqual(set(weir._lib._SIGNATURES), in_header)

    def test_declared_functions_have_their_types(self):
        lib = weir._lib.lib
        for name, (restype, argtypes) in weir._lib._SIGNATURES.items():
            fn = getattr(lib, name)
            self.assertIs(fn.restype, restype, name)
            self.assertEqual(fn.argtypes, argtypes, name)


class StatusTest(unittest.TestCase):
    def header_codes(self):
        codes = dict((name, int(value)) for name, value in
                     re.findall(r"XX\((\w+),\s*(-?\d+),", header_text()))
        self.assertGreater(len(codes), 1, "WEIR_STATUS_MAP not found in weir.h")
        return codes

    def test_enum_is_the_header_map(self):
        self.assertEqual({s.name: int(s) for s in weir.Status}, self.header_codes())

    def test_each_failure_code_has_its_class(self):
        seen = set()
        for status in weir.Status:
            if status == weir.Status.OK:
                continue
            err = weir.errors.error_for(status, "detail")
            self.assertIsNot(type(err), weir.WeirError, status.name)
            self.assertIsInstance(err, weir.WeirError)
            self.assertEqual(err.status, int(status))
            self.assertIsInstance(err.status, int)
            self.assertEqual(err.message, "detail")
            self.assertIn(weir.status_str(status), str(err))
            self.assertIn("detail", str(err))
            seen.add(type(err))
        self.assertEqual(len(seen), len(weir.Status) - 1)
        self.assertIs(type(weir.errors.error_for(weir.Status.ECONFIG)), weir.ConfigError)
        self.assertIs(type(weir.errors.error_for(weir.Status.ESTATE)), weir.StateError)

    def test_unknown_code_is_still_a_weir_error(self):
        err = weir.errors.error_for(-999, "from a newer library")
        self.assertIs(type(err), weir.WeirError)
        self.assertEqual(err.status, -999)
        self.assertIn("from a newer library", str(err))

    def test_status_texts_are_distinct(self):
        texts = [weir.status_str(s) for s in weir.Status]
        self.assertEqual(len(set(texts)), len(texts))
        self.assertTrue(all(texts))


class LoadingTest(unittest.TestCase):
    def run_python(self, env_lib):
        env = dict(os.environ, WEIR_LIB=env_lib, PYTHONPATH=os.pathsep.join(sys.path))
        return subprocess.run([sys.executable, "-c", "import weir; print(weir.version())"],
                              env=env, capture_output=True, text=True, timeout=30)

    def test_weir_lib_is_used(self):
        lib = os.environ.get("WEIR_LIB")
        self.assertTrue(lib, "WEIR_LIB must name libweir.so for the tests")
        done = self.run_python(lib)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.strip(), weir.version())

    def test_missing_library_is_a_clear_import_error(self):
        done = self.run_python("/nonexistent/libweir.so")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("ImportError", done.stderr)
        self.assertIn("WEIR_LIB", done.stderr)
        self.assertIn("/nonexistent/libweir.so", done.stderr)


if __name__ == "__main__":
    unittest.main()
