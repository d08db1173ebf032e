#!/usr/bin/env python3
"""The C symbols libweir.so exports must be exactly those listed in
capi/weir.symbols: a symbol that appears or disappears by accident breaks the
ABI promise (bindings resolve these names at run time).

    check_symbols.py LIBWEIR_SO WEIR_SYMBOLS

Reads the dynamic symbol table with `nm -D --defined-only`; the C ABI is the
symbols whose name starts with `weir_` (C++ symbols are mangled: `_ZN4weir...`).
Any other unmangled symbol is a leak too (llhttp's or a helper's C function
escaping the version script) and fails the check.
"""

import subprocess
import sys


def exported_c_symbols(lib):
    """(weir_ symbols, other unmangled symbols) of the dynamic symbol table."""
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    names, leaks = set(), set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 3:  # "ADDRESS TYPE NAME"
            continue
        kind, name = fields[1], fields[2].split("@")[0]  # weir_x@@WEIR_0 -> weir_x
        if name.startswith("weir_"):
            names.add(name)
        elif not name.startswith("_Z") and kind != "A":  # A: the version node itself
            leaks.add(name)
    return names, leaks


def listed_symbols(path):
    with open(path) as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    lib, listing = sys.argv[1], sys.argv[2]
    exported, leaks = exported_c_symbols(lib)
    listed = listed_symbols(listing)
    if not exported:
        print(f"{lib} exports no weir_ symbol: the symbol table was not read", file=sys.stderr)
        return 1
    missing = sorted(listed - exported)
    extra = sorted(exported - listed)
    for name in missing:
        print(f"- {name}  (listed in {listing}, not exported)")
    for name in extra:
        print(f"+ {name}  (exported, not listed in {listing})")
    for name in sorted(leaks):
        print(f"! {name}  (exported, not part of weir's API)")
    if missing or extra or leaks:
        print("the exported C ABI differs from the list: change the list on purpose, "
              "or fix the visibility", file=sys.stderr)
        return 1
    print(f"{len(exported)} C symbols exported, as listed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
