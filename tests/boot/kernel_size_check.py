#!/usr/bin/env python3
"""The kernel's size goal (issue #2): wicket.elf, stripped, at most 64 KiB.

Usage: kernel_size_check.py STRIP KERNEL_ELF [LIMIT_BYTES]

Strips a copy (the build keeps its symbols for gdb) and prints the size,
then each loadable segment's file bytes, so that a failure shows where the
bytes went, padding between segments included.
"""
import os
import subprocess
import sys
import tempfile


def main():
    strip, elf = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 64 << 10
    with tempfile.TemporaryDirectory() as tmp:
        stripped = os.path.join(tmp, "wicket.elf")
        subprocess.run([strip, "-o", stripped, elf], check=True)
        size = os.path.getsize(stripped)
        headers = subprocess.run(["readelf", "-lW", stripped], check=True,
                                 capture_output=True, text=True).stdout
    end = None  # of the previous segment's bytes; the ELF headers precede
    for line in headers.splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"]:
            offset, file_size = int(fields[1], 16), int(fields[4], 16)
            if file_size:
                gap = "" if end is None else ", %d of padding before it" % (
                    max(0, offset - end))
                print("segment at file offset %#x: %d bytes%s"
                      % (offset, file_size, gap))
                end = max(end or 0, offset + file_size)
    print("stripped kernel: %d bytes (limit %d)" % (size, limit))
    if size > limit:
        print("FAIL: the stripped kernel is over its size goal")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
