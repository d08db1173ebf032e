#!/usr/bin/env python3
"""`weir-gateway --check FILE` over the config corpus in configs/.

Every configs/bad/NN-name.json must be refused: exit status 2 and, on stderr,
the text of its sibling NN-name.expect. Every configs/good/*.json must be
accepted: exit status 0 and `FILE: ok`. The binary is named by $WEIR_GATEWAY.
"""

import os
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BAD = os.path.join(HERE, "configs", "bad")
GOOD = os.path.join(HERE, "configs", "good")
TIMEOUT_S = 10      # one --check run; it parses one small file
MIN_BAD_CASES = 12  # the corpus must not shrink unnoticed


def gateway():
    path = os.environ.get("WEIR_GATEWAY", "")
    if not path or not os.access(path, os.X_OK):
        raise AssertionError("WEIR_GATEWAY must name the weir-gateway binary, got %r" % path)
    return path


def check(path):
    return subprocess.run([gateway(), "--check", path], capture_output=True, text=True,
                          errors="replace", timeout=TIMEOUT_S, check=False)


def json_files(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".json"))


class CheckCorpus(unittest.TestCase):
    def test_corpus_is_complete(self):
        bad = json_files(BAD)
        self.assertGreaterEqual(len(bad), MIN_BAD_CASES)
        for path in bad:
            self.assertTrue(os.path.isfile(path[:-len(".json")] + ".expect"),
                            "missing .expect for " + path)
        self.assertEqual([os.path.basename(p) for p in json_files(GOOD)],
                         ["full.json", "minimal.json"])

    def test_bad_configs_are_refused_with_their_error(self):
        for path in json_files(BAD):
            with self.subTest(config=os.path.basename(path)):
                with open(path[:-len(".json")] + ".expect", encoding="utf-8") as f:
                    expected = f.read().strip()
                self.assertTrue(expected, "empty .expect for " + path)
                r = check(path)
                self.assertEqual(r.returncode, 2, "stdout=%r stderr=%r" % (r.stdout, r.stderr))
                self.assertTrue(r.stderr.startswith(path + ": "), r.stderr)
                self.assertEqual(r.stderr.count(path), 1, r.stderr)
                self.assertIn(expected, r.stderr)
                self.assertNotIn(": ok", r.stdout)

    def test_good_configs_are_accepted(self):
        for path in json_files(GOOD):
            with self.subTest(config=os.path.basename(path)):
                r = check(path)
                self.assertEqual(r.returncode, 0, "stdout=%r stderr=%r" % (r.stdout, r.stderr))
                self.assertIn(path + ": ok", r.stdout + r.stderr)

    def test_missing_file_is_refused(self):
        path = os.path.join(BAD, "no-such-file.json")
        r = check(path)
        self.assertEqual(r.returncode, 2, "stdout=%r stderr=%r" % (r.stdout, r.stderr))
        self.assertEqual(r.stderr.strip(), path + ": cannot read: No such file or directory")


if __name__ == "__main__":
    unittest.main(verbosity=2)
