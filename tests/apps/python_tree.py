#!/usr/bin/env python3
"""Runs differential.py for app-python: the tree it gives both sides is the
test scripts (tests/apps/python/) at the root and a copy of the host's
CPython standard library at /usr/lib/python3.11, the one directory the
static interpreter (python_main.c) imports from. The host imports the same
files from their real place.

    python_tree.py --scripts DIR --stdlib DIR [--tests NAME,...]
        [--dynload] -- DIFFERENTIAL-ARGUMENTS...

Left out of the copy: what the test never imports and what a static
interpreter cannot use (tests, GUI toolkits, extension modules,
site-packages, bytecode caches); lib-dynload stays, empty, or with
--dynload (for the host's dynamically linked interpreter) holds the
host's extension modules. With --tests,
CPython's own test package comes too (Debian's libpython3.11-testsuite),
with only its support modules and the named test modules.
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


def copy_tests(stdlib, library, names):
    """The test package's __init__ and support, and each named module
    (a file, or a package directory)."""
    source = os.path.join(stdlib, "test")
    target = os.path.join(library, "test")
    skip_caches = shutil.ignore_patterns("__pycache__")
    os.makedirs(target)
    shutil.copy(os.path.join(source, "__init__.py"), target)
    shutil.copytree(os.path.join(source, "support"),
                    os.path.join(target, "support"), ignore=skip_caches)
    for name in names:
        if os.path.isdir(os.path.join(source, name)):
            shutil.copytree(os.path.join(source, name),
                            os.path.join(target, name), ignore=skip_caches)
        else:
            shutil.copy(os.path.join(source, name + ".py"), target)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scripts", required=True)
    parser.add_argument("--stdlib", required=True)
    parser.add_argument("--tests", default="",
                        help="test modules to copy (test_x,test_y)")
    parser.add_argument("--dynload", action="store_true",
                        help="copy lib-dynload's extension modules")
    parser.add_argument("differential", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    rest = args.differential[1:] if args.differential[:1] == ["--"] else args.differential
    with tempfile.TemporaryDirectory(prefix="wicket-python-") as tree:
        shutil.copytree(args.scripts, tree, dirs_exist_ok=True)
        library = os.path.join(tree, args.stdlib.lstrip("/"))
        shutil.copytree(args.stdlib, library,
                        ignore=lambda directory, names: [n for n in names if n in LEFT_OUT])
        # Its presence is how CPython finds exec_prefix (else a warning).
        dynload = os.path.join(library, "lib-dynload")
        if args.dynload:
            shutil.copytree(os.path.join(args.stdlib, "lib-dynload"),
                            dynload)
        os.makedirs(dynload, exist_ok=True)
        if args.tests:
            copy_tests(args.stdlib, library, args.tests.split(","))
        return subprocess.call(rest + ["--files", tree])


if __name__ == "__main__":
    sys.exit(main())
