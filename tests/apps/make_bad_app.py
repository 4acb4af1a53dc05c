#!/usr/bin/env python3
"""Makes the boot bundle of an app the libOS's loader must refuse.

    make_bad_app.py KIND LIBOS APP OUT

APP is a dynamically linked musl program (its interpreter
/lib/ld-musl-x86_64.so.1); KIND says what is wrong with it or with the
file tree its interpreter should come from:

    interp-missing     the tree has no interpreter
    interp-not-string  PT_INTERP's bytes do not end in a NUL
    interp-not-elf     the interpreter is a text file
    interp-directory   the interpreter's path is a directory
    interp-dynamic     the interpreter names an interpreter itself

OUT gets the bundle: the libOS, the app (string "app") and, but for
interp-missing, a file archive.
"""

import os
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools"))
import mkbundle  # noqa: E402

PT_INTERP = 3
INTERPRETER = "lib/ld-musl-x86_64.so.1"


def interp_header(data):
    """The offset of APP's PT_INTERP program header."""
    phoff, = struct.unpack_from("<Q", data, 32)
    phnum, = struct.unpack_from("<H", data, 56)
    for i in range(phnum):
        at = phoff + i * 56
        if struct.unpack_from("<I", data, at)[0] == PT_INTERP:
            return at
    raise SystemExit("make_bad_app: the app has no PT_INTERP")


def main(kind, libos, app, out):
    with open(app, "rb") as f:
        data = bytearray(f.read())
    header = interp_header(data)
    tree = tempfile.mkdtemp(prefix="wicket-bad-app-")
    try:
        make(kind, libos, data, header, tree, out)
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def make(kind, libos, data, header, tree, out):
    path = os.path.join(tree, INTERPRETER)
    os.makedirs(os.path.dirname(path))
    if kind == "interp-not-string":
        offset, = struct.unpack_from("<Q", data, header + 8)
        size, = struct.unpack_from("<Q", data, header + 32)
        data[offset + size - 1] = ord("x")  # its NUL
    elif kind == "interp-not-elf":
        with open(path, "w") as f:
            f.write("#!/bin/sh\n")
    elif kind == "interp-directory":
        os.makedirs(path)
    elif kind == "interp-dynamic":
        with open(path, "wb") as f:
            f.write(data)
    elif kind != "interp-missing":
        raise SystemExit("make_bad_app: unknown kind %s" % kind)
    with open(libos, "rb") as f:
        members = [(f.read(), "libos"), (bytes(data), "app")]
    if kind != "interp-missing":
        members.append((mkbundle.archive(tree), "files"))
    with open(out, "wb") as f:
        f.write(mkbundle.bundle(members))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit("usage: make_bad_app.py KIND LIBOS APP OUT")
    main(*sys.argv[1:])
