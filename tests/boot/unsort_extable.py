#!/usr/bin/env python3
"""Writes a kernel whose exception table is marked sorted but is not.

    unsort_extable.py IN.elf OUT.elf

Reverses the entries of .extable (rewriting each relative offset so that
every entry still points at the same instruction and fixup), then sets the
mark in .extable_sorted as tools/extable_sort would. The kernel must notice
the order at boot and refuse to start: this proves the check does more than
read the mark.
"""
import struct
import sys

SORTED_MAGIC = 0x58545253


def sections(data):
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
               for i in range(shnum)]
    strtab_offset = headers[shstrndx][4]
    result = {}
    for name_offset, _type, _flags, address, offset, size in headers:
        start = strtab_offset + name_offset
        name = data[start:data.index(b"\0", start)].decode()
        result[name] = (address, offset, size)
    return result


def main(source, target):
    data = bytearray(open(source, "rb").read())
    found = sections(data)
    address, offset, size = found[".extable"]
    count = size // 8
    entries = []
    for i in range(count):
        field = address + 8 * i
        instruction, fixup = struct.unpack_from("<ii", data, offset + 8 * i)
        entries.append((field + instruction, field + 4 + fixup))
    if len(set(e[0] for e in entries)) < 2:
        sys.exit("unsort_extable: fewer than two distinct entries")
    entries.sort(reverse=True)
    for i, (instruction, fixup) in enumerate(entries):
        field = address + 8 * i
        struct.pack_into("<ii", data, offset + 8 * i,
                         instruction - field, fixup - field - 4)
    _, mark_offset, _ = found[".extable_sorted"]
    struct.pack_into("<I", data, mark_offset, SORTED_MAGIC)
    open(target, "wb").write(data)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
