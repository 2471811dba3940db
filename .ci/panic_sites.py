#!/usr/bin/env python3
"""Panic call sites left after optimisation in a firmware ELF.

Usage: panic_sites.py ELF OBJDUMP [--fail]

Finds every branch to a panicking function of core (core::panicking::*, the slice index
failures, copy_from_slice's length failure, unwrap and expect failures) in `OBJDUMP -d` of the
ELF, and attributes each to the source that asked for the check: GNU addr2line (`-i`) gives the
chain of inlined frames at the branch from the DWARF info, and the innermost frame outside the
Rust library is the code that indexed, unwrapped or asserted (its crate named by the frame's
function, its line by the frame's location when the line table has one). Prints the count per
source crate, then the sites in paywire's library crates; with --fail, exits 1 when there is
one."""
import re
import subprocess
import sys
from collections import Counter

FUNCTION = re.compile(r"^[0-9a-f]+ <(.*)>:$")
BRANCH = re.compile(r"^\s*([0-9a-f]+):\s+(?:bl|blx|b|b\.w|beq|bne|b\.n)(?:\.w)?\s+0x[0-9a-f]+ <(.*)>")
PANICKING = re.compile(
    r"^core::(panicking::|slice::index::|slice::copy_from_slice_impl::len_mismatch_fail|"
    r"str::slice_error_fail|result::unwrap_failed|option::(expect_failed|unwrap_failed)|"
    r"cell::panic_already)")
# paywire's library crates, by their folder in the repository.
LIBRARIES = {"emv-tlv", "iso8583", "emvqr", "unionpay-cps", "paywire", "wechat-pay", "alipay", "pos"}


CRATES = {
    "paywire_emv_tlv": "emv-tlv", "paywire_iso8583": "iso8583", "paywire_emvqr": "emvqr",
    "paywire_unionpay": "unionpay-cps", "paywire": "paywire", "paywire_wechat_pay": "wechat-pay",
    "paywire_alipay": "alipay", "paywire_pos": "pos",
    "paywire_example_firmware": "examples/firmware", "paywire_example_no_heap": "examples/no-heap",
}
RUST_LIBRARY = {"core", "alloc", "compiler_builtins"}


def crate_of_function(name):
    """The crate of a (demangled) function: the first path segment, `<` of an impl skipped."""
    m = re.match(r"<?([A-Za-z_][A-Za-z0-9_]*)::", name)
    segment = m.group(1) if m else name
    return CRATES.get(segment, segment)


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


elf, objdump = sys.argv[1], sys.argv[2]
fail = "--fail" in sys.argv[3:]
listing = subprocess.run([objdump, "-d", "--no-show-raw-insn", "--demangle", elf],
                         check=True, capture_output=True, text=True).stdout
function = ""
branches = []
for line in listing.splitlines():
    m = FUNCTION.match(line)
    if m:
        function = m.group(1)
        continue
    b = BRANCH.match(line)
    # A panicking function calling another is the panic machinery itself, not a site.
    if b and PANICKING.match(b.group(2)) and not PANICKING.match(function):
        branches.append((b.group(1), b.group(2)))

chains = {}
if branches:
    out = subprocess.run(["addr2line", "-a", "-i", "-f", "-C", "-e", elf] +
                         ["0x" + a for a, _ in branches],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    # `-a -f -i`: the address, then (function, location) per frame, innermost first.
    address = None
    function_name = None
    for line in out:
        if re.fullmatch(r"0x[0-9a-f]+", line):
            address, function_name = int(line, 16), None
            chains[address] = []
        elif address is not None and function_name is None:
            function_name = line
        elif address is not None:
            chains[address].append((function_name, line))
            function_name = None

sites = Counter()
library_sites = []
example_sites = []
for address, target in branches:
    frames = chains.get(int(address, 16), [])
    own = [(f, loc) for f, loc in frames if crate_of_function(f) not in RUST_LIBRARY]
    if own:
        function_name, loc = own[0]
        if loc.startswith("/rustc/"):
            # Library code inlined with no frame or line of its own (LTO merges code of other
            # crates this way, e.g. a dependency's unwrap): the function it landed in is known,
            # the source that asked for the check is not.
            crate, where = "unattributed", f"in {function_name}"
        else:
            # Code inlined without a frame of its own: its file names its crate.
            crate, where = crate_of(loc), loc
    else:
        where = frames[0][1] if frames else "?"
        crate = crate_of(where)
    sites[crate] += 1
    if crate in LIBRARIES:
        library_sites.append(f"    {where} -> {target}")
    elif crate.startswith("examples/") or crate == "unattributed":
        example_sites.append(f"    {crate}: {where} -> {target}")
for crate, n in sorted(sites.items()):
    print(f"  {crate}: {n}")
print(f"  in the examples' own code, or unattributed: {len(example_sites)}")
print("\n".join(example_sites))
print(f"  paywire library crates: {len(library_sites)}")
print("\n".join(library_sites))
if fail and library_sites:
    print("firmware: panic paths in paywire's library code (above)")
    sys.exit(1)
