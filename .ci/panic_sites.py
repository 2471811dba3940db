#!/usr/bin/env python3
"""Panic call sites left after optimisation: reads `llvm-objdump -d -l --demangle` on standard
input (the source line of each instruction group comes from the DWARF line table), finds every
branch to a panicking function of core (core::panicking::*, the slice index failures,
copy_from_slice's length failure, unwrap and expect failures) and attributes each to the last
source line outside the Rust library (/rustc/...) that precedes it in its function — after
inlining, the code that asked for the check. Prints the count per source crate, then the sites
in paywire's library crates (which should be none)."""
import re
import sys
from collections import Counter

FUNCTION = re.compile(r"^[0-9a-f]+ <(.*)>:$")
BRANCH = re.compile(r"\s(?:bl|blx|b|b\.w|beq|bne|b\.n)\s+0x[0-9a-f]+ <(.*)>")
PANICKING = re.compile(
    r"^core::(panicking::|slice::index::|slice::copy_from_slice_impl::len_mismatch_fail|"
    r"str::slice_error_fail|result::unwrap_failed|option::(expect_failed|unwrap_failed)|"
    r"cell::panic_already)")
# paywire's library crates, by their folder in the repository.
LIBRARIES = {"emv-tlv", "iso8583", "emvqr", "unionpay-cps", "paywire", "wechat-pay", "alipay", "pos"}


def crate_of(path):
    """The crate a source file belongs to: a registry crate's name-version, a repository
    folder (examples/firmware, emvqr, ...), or `core` for the Rust library."""
    if path.startswith("/rustc/"):
        return "core"
    m = re.search(r"/registry/src/[^/]+/([^/]+)/", path)
    if m:
        return m.group(1)
    m = re.search(r"/((?:examples/)?[a-z0-9-]+)/src/", path)
    return m.group(1) if m else path


function = ""
sources = []
sites = Counter()
library_sites = []
for line in sys.stdin:
    line = line.rstrip("\n")
    m = FUNCTION.match(line)
    if m:
        function, sources = m.group(1), []
        continue
    if line.startswith("; /"):
        sources.append(line[2:])
        continue
    b = BRANCH.search(line)
    if not b or not PANICKING.match(b.group(1)) or PANICKING.match(function):
        continue
    own = [s for s in sources if not s.startswith("/rustc/")]
    where = own[-1] if own else (sources[-1] if sources else "?")
    crate = crate_of(where)
    sites[crate] += 1
    if crate in LIBRARIES:
        library_sites.append(f"    {where} -> {b.group(1)}")
for crate, n in sorted(sites.items()):
    print(f"  {crate}: {n}")
print(f"  paywire library crates: {len(library_sites)}")
print("\n".join(library_sites))
