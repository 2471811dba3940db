#!/usr/bin/env python3
"""Panic call sites left in paywire code after optimisation: reads a demangled disassembly
(llvm-objdump -d --demangle) on standard input, finds every branch to a panicking function
of core (core::panicking::*, the slice and str index failures, unwrap and expect failures) and
counts them by the crate of the function that holds the branch (after LTO and inlining, the
function a call site ended up in). Prints one line per crate and the sites of paywire's
library crates."""
import re
import sys
from collections import Counter

FUNCTION = re.compile(r"^[0-9a-f]+ <(.*)>:$")
BRANCH = re.compile(r"\s(?:bl|blx|b|b\.w|beq|bne|b\.n)\s+0x[0-9a-f]+ <(.*)>")
PANICKING = re.compile(
    r"^core::(panicking::|slice::index::|slice::copy_from_slice_impl::len_mismatch_fail|"
    r"str::slice_error_fail|result::unwrap_failed|option::(expect_failed|unwrap_failed)|"
    r"cell::panic_already)")
CRATE = re.compile(r"(paywire[a-z0-9_]*|qrcodegen_no_heap)")
LIBRARIES = {"paywire", "paywire_emv_tlv", "paywire_iso8583", "paywire_emvqr", "paywire_unionpay"}

caller = ""
sites = Counter()
where = []
for line in sys.stdin:
    m = FUNCTION.match(line.strip())
    if m:
        caller = m.group(1)
        continue
    b = BRANCH.search(line)
    if not b or not PANICKING.match(b.group(1)):
        continue
    if PANICKING.match(caller):
        continue  # core's own panic machinery calling itself
    crate = CRATE.search(caller)
    name = crate.group(1) if crate else "other (core, cortex-m, ...)"
    sites[name] += 1
    if name in LIBRARIES:
        where.append(f"    {caller} -> {b.group(1)}")
for name, n in sorted(sites.items()):
    print(f"  {name}: {n}")
library = sum(n for name, n in sites.items() if name in LIBRARIES)
print(f"  paywire library crates: {library}")
print("\n".join(where))
