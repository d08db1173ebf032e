#!/usr/bin/env python3
"""Prints the version that capi/weir.h declares, so the build has one source of truth."""
import pathlib, re
text = (pathlib.Path(__file__).resolve().parent.parent / "capi" / "weir.h").read_text()
parts = [re.search(r"#define WEIR_VERSION_%s (\d+)" % k, text).group(1) for k in ("MAJOR", "MINOR", "PATCH")]
print(".".join(parts))
