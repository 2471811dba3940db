#!/usr/bin/env python3
"""Flash bytes of 32-bit little-endian ELF images: the sizes of the allocated sections that are
loaded into flash (addresses below 0x20000000, and the initial values of .data, which are
copied from flash at start), and the static RAM (allocated sections at or above 0x20000000:
.data and .bss — the stack is not a section). Prints `NAME FLASH RAM` for each file given."""
import struct
import sys

SHF_ALLOC = 0x2
SHT_NOBITS = 8
RAM = 0x20000000


def flash_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        raise SystemExit(f"{path}: not a 32-bit little-endian ELF file")
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x2E)
    total = 0
    ram = 0
    for i in range(shnum):
        (_, sh_type, flags, addr, _, size, *_rest) = struct.unpack_from(
            "<IIIIIIIIII", data, shoff + i * shentsize)
        if not flags & SHF_ALLOC:
            continue
        if addr >= RAM:
            ram += size
        if sh_type == SHT_NOBITS:
            continue
        # In flash, or in RAM with its initial values kept in flash (.data).
        total += size
    return total, ram


for path in sys.argv[1:]:
    print(path, *flash_bytes(path))
