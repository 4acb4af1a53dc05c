#!/usr/bin/env python3
"""Packs files and their module strings into one module bundle.

    mkbundle.py OUT FILE STRING [FILE STRING]...
    mkbundle.py --archive OUT DIR

A FILE that is a directory goes in as a newc cpio archive of what is
under it (the libOS's file archive, module string "files": docs/libos.md,
"Files"); --archive only writes that archive, for an ISO's module.

QEMU's PVH boot (-initrd) passes a single module; the kernel splits a
module that is a bundle into its members, in order (docs/boot.md, "Modules
under PVH: the bundle"). Layout, little endian:

    char magic[8] = "WKBUNDLE"; u32 version = 1; u32 count (1..16);
    count entries of u64 offset, u64 size, u32 string_offset,
    u32 string_length; then the strings (no NULs);
    all of it within the first 4096 bytes; each member at the next multiple
    of 4096 from offset 4096 on.

Each STRING is stored as GRUB's module2 delivers it: a backslash before
every backslash, single quote and double quote, so that the libOS sees the
same bytes on both boot paths.
"""

import os
import shutil
import struct
import subprocess
import sys

PAGE = 4096
MAGIC = b"WKBUNDLE"
VERSION = 1
MEMBERS_MAX = 16  # BOOT_MODULES_MAX
HEADER = struct.Struct("<8sII")
ENTRY = struct.Struct("<QQII")
STRING_MAX = 511  # include/wicket/abi.h's WK_INFO_STRING_MAX, its NUL aside


def grub_escape(string):
    """The bytes GRUB's module2 passes for one argument STRING."""
    out = bytearray()
    for byte in os.fsencode(string):
        if byte in b"\\'\"":
            out.append(ord("\\"))
        out.append(byte)
    return bytes(out)


def page_up(n):
    return (n + PAGE - 1) // PAGE * PAGE


def bundle(members):
    """members: a list of (bytes, string); returns the bundle's bytes."""
    if not 1 <= len(members) <= MEMBERS_MAX:
        raise ValueError("a bundle holds 1 to %d members" % MEMBERS_MAX)
    strings = [grub_escape(s) for _, s in members]
    for string in strings:
        if len(string) > STRING_MAX:
            raise ValueError("a module string is %d bytes as GRUB passes it; "
                             "the kernel keeps at most %d (WK_INFO_STRING_MAX"
                             " - 1)" % (len(string), STRING_MAX))
    string_at = HEADER.size + ENTRY.size * len(members)
    if string_at + sum(len(s) for s in strings) > PAGE:
        raise ValueError("the header and strings exceed %d bytes" % PAGE)

    header = bytearray(HEADER.pack(MAGIC, VERSION, len(members)))
    body = bytearray()
    offset = PAGE
    for (data, _), string in zip(members, strings):
        header += ENTRY.pack(offset, len(data), string_at, len(string))
        string_at += len(string)
        body += data + bytes(page_up(len(data)) - len(data))
        offset += page_up(len(data))
    header += b"".join(strings)
    return bytes(header) + bytes(PAGE - len(header)) + bytes(body)


def archive(directory):
    """What is under directory as a newc cpio archive (bytes): names
    sorted, owned by root, as `cpio -o -H newc` writes them."""
    if shutil.which("cpio") is None:
        raise ValueError("cpio not found (./wicket deps installs it)")
    names = []
    for top, dirs, files in os.walk(directory):
        dirs.sort()
        for name in dirs + files:
            names.append(os.path.relpath(os.path.join(top, name), directory))
    listing = b"".join(os.fsencode(n) + b"\0" for n in ["."] + sorted(names))
    done = subprocess.run(["cpio", "-o", "-H", "newc", "-R", "0:0", "--null",
                           "--quiet"], input=listing, cwd=directory,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if done.returncode != 0:
        raise ValueError("cpio failed: %s"
                         % done.stderr.decode("utf-8", "replace").strip())
    return done.stdout


def read_member(path):
    if os.path.isdir(path):
        return archive(path)
    with open(path, "rb") as f:
        return f.read()


def main(argv):
    if len(argv) == 4 and argv[1] == "--archive":
        try:
            data = archive(argv[3])
        except (ValueError, OSError) as e:
            sys.stderr.write("mkbundle: %s\n" % e)
            return 1
        with open(argv[2], "wb") as f:
            f.write(data)
        return 0
    if len(argv) < 4 or len(argv) % 2 != 0:
        sys.stderr.write("usage: mkbundle.py OUT FILE STRING "
                         "[FILE STRING]...\n")
        return 2
    members = []
    try:
        for path, string in zip(argv[2::2], argv[3::2]):
            members.append((read_member(path), string))
        data = bundle(members)
    except (ValueError, OSError) as e:
        sys.stderr.write("mkbundle: %s\n" % e)
        return 1
    with open(argv[1], "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
