#!/usr/bin/env python3
"""Runs differential.py for app-python: the tree it gives both sides is the
test scripts (tests/apps/python/) at the root and a copy of the host's
CPython standard library at /usr/lib/python3.11, the one directory the
static interpreter (python_main.c) imports from. The host imports the same
files from their real place.

    python_tree.py --scripts DIR --stdlib DIR -- DIFFERENTIAL-ARGUMENTS...

Left out of the copy: what the test never imports and what a static
interpreter cannot use (tests, GUI toolkits, extension modules,
site-packages, bytecode caches); lib-dynload stays, empty.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

LEFT_OUT = {"test", "idlelib", "tkinter", "turtledemo", "lib2to3", "ensurepip",
            "lib-dynload", "site-packages", "dist-packages", "pydoc_data",
            "__pycache__", "config-3.11-x86_64-linux-gnu"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scripts", required=True)
    parser.add_argument("--stdlib", required=True)
    parser.add_argument("differential", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    rest = args.differential[1:] if args.differential[:1] == ["--"] else args.differential
    with tempfile.TemporaryDirectory(prefix="wicket-python-") as tree:
        shutil.copytree(args.scripts, tree, dirs_exist_ok=True)
        library = os.path.join(tree, args.stdlib.lstrip("/"))
        shutil.copytree(args.stdlib, library,
                        ignore=lambda directory, names: [n for n in names if n in LEFT_OUT])
        # Its presence is how CPython finds exec_prefix (else a warning).
        os.makedirs(os.path.join(library, "lib-dynload"), exist_ok=True)
        return subprocess.call(rest + ["--files", tree])


if __name__ == "__main__":
    sys.exit(main())
