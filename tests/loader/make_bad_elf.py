#!/usr/bin/env python3
"""Writes a malformed copy of a good libOS ELF, for the loader's tests.

    make_bad_elf.py KIND GOOD.elf OUT.elf

KIND names the damage; each must make the kernel refuse the image with a
clear message and WK_EXIT_BAD_IMAGE (121):
  wrong-machine     e_machine = 3 (i386)
  not-executable    e_type = ET_DYN without being linked for it
  kernel-half       the first PT_LOAD's address moved into the kernel half
  past-module       the file cut in the middle of the first segment's bytes
  headers-past-end  e_phoff pointing past the end of the file
  writable-code     the executable PT_LOAD also marked writable
  entry-outside     the entry point moved out of every executable segment
  file-over-memory  a PT_LOAD whose file size exceeds its memory size
  stack-guard       the first PT_LOAD moved onto the user stack's guard page
"""
import struct
import sys

PT_LOAD, PF_X, PF_W = 1, 1, 2


def program_headers(data):
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    return [phoff + i * phentsize for i in range(phnum)]


def first_load(data, want_exec=None):
    for offset in program_headers(data):
        p_type, p_flags = struct.unpack_from("<II", data, offset)
        if p_type != PT_LOAD:
            continue
        if want_exec is None or bool(p_flags & PF_X) == want_exec:
            return offset
    sys.exit("make_bad_elf: no suitable PT_LOAD")


def main(kind, good, out):
    data = bytearray(open(good, "rb").read())
    if kind == "wrong-machine":
        struct.pack_into("<H", data, 18, 3)
    elif kind == "not-executable":
        struct.pack_into("<H", data, 16, 3)
    elif kind == "kernel-half":
        struct.pack_into("<Q", data, first_load(data) + 16, 0xffffffff80000000)
    elif kind == "past-module":
        offset = first_load(data)
        p_offset, = struct.unpack_from("<Q", data, offset + 8)
        p_filesz, = struct.unpack_from("<Q", data, offset + 32)
        del data[p_offset + p_filesz // 2:]
    elif kind == "headers-past-end":
        struct.pack_into("<Q", data, 32, len(data) + 4096)
    elif kind == "writable-code":
        offset = first_load(data, want_exec=True)
        flags, = struct.unpack_from("<I", data, offset + 4)
        struct.pack_into("<I", data, offset + 4, flags | PF_W)
    elif kind == "entry-outside":
        struct.pack_into("<Q", data, 24, 0x10000)
    elif kind == "file-over-memory":
        offset = first_load(data)
        memsz, = struct.unpack_from("<Q", data, offset + 40)
        struct.pack_into("<Q", data, offset + 32, memsz + 1)
    elif kind == "stack-guard":
        # WK_STACK_TOP - WK_STACK_BYTES - one page (include/wicket/abi.h).
        struct.pack_into("<Q", data, first_load(data) + 16, 0x7ffffefbf000)
    else:
        sys.exit(f"make_bad_elf: unknown kind {kind}")
    open(out, "wb").write(data)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
