#!/usr/bin/env python3
"""Counts meson's test results: prints 'tests: N passed, N failed[, N skipped]'.

Exits 1 when any test failed or none ran, so a broken suite cannot look green.
"""
import json
import sys

counts = {"passed": 0, "failed": 0, "skipped": 0}
try:
    with open(sys.argv[1]) as f:
        for line in f:
            if not line.strip():
                continue
            result = json.loads(line).get("result", "")
            if result in ("OK", "EXPECTEDFAIL"):
                counts["passed"] += 1
            elif result == "SKIP":
                counts["skipped"] += 1
            else:
                counts["failed"] += 1
except OSError as e:
    print(f"tests: cannot read results: {e}")
    sys.exit(1)

line = f"tests: {counts['passed']} passed, {counts['failed']} failed"
if counts["skipped"]:
    line += f", {counts['skipped']} skipped"
print(line)
sys.exit(1 if counts["failed"] or counts["passed"] == 0 else 0)
