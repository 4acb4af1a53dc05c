#!/usr/bin/env python3
"""Runs a Go standard-library package's own tests (a binary made by
`go test -c`) on the host and under Wicket through differential.py, with
the package's source directory as the host's working directory and
Wicket's file tree, and compares what they print ("PASS").

The tests are named in -test.run patterns, several per boot: the app's
arguments travel in the kernel's module string, which holds 511 bytes
(WK_INFO_STRING_MAX), so the names are split into patterns that fit. The
tests --exclude names are left out: the ones that start a process (no
fork on Wicket: docs/libos.md, "Threads and scheduling"), open raw
sockets (none on Wicket), or read files outside the package's directory.

    go_stdtests.py --binary FILE --source DIR [--exclude NAME]...
        [--flags 'FLAGS'] -- PYTHON differential.py ARGS...

Exit status: differential.py's.
"""

import argparse
import os
import re
import subprocess
import sys

# The module string holds the app's name and its arguments: room for the
# flags and the quoting around one pattern.
PATTERN_BYTES = 400


def test_names(binary, source):
    """The package's tests and examples, as -test.list prints them."""
    listing = subprocess.run([binary, "-test.list", "."], cwd=source,
                             capture_output=True, text=True, timeout=120)
    if listing.returncode != 0:
        sys.exit("go_stdtests: %s -test.list failed: %s"
                 % (binary, listing.stderr.strip()))
    return [name for name in listing.stdout.split()
            if re.match(r"^(Test|Example)\w*$", name)]


def patterns(names):
    """Anchored alternations of names, each at most PATTERN_BYTES long."""
    groups, current = [], []
    for name in names:
        if current and len("^(%s)$" % "|".join(current + [name])) > \
                PATTERN_BYTES:
            groups.append(current)
            current = []
        current.append(name)
    if current:
        groups.append(current)
    return ["^(%s)$" % "|".join(group) for group in groups]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", required=True, help="the go test -c binary")
    p.add_argument("--source", required=True,
                   help="the package's source directory")
    p.add_argument("--exclude", action="append", default=[],
                   metavar="NAME", help="a test left out")
    p.add_argument("--flags", default="", metavar="'FLAGS'",
                   help="more test flags for every run (-test.cpu 1,4)")
    p.add_argument("command", nargs=argparse.REMAINDER,
                   help="-- and the differential.py command")
    a = p.parse_args()
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not command:
        p.error("no differential.py command after --")

    names = test_names(a.binary, a.source)
    unknown = sorted(set(a.exclude) - set(names))
    if unknown:
        # A name that is not there any more: the list is out of date.
        sys.exit("go_stdtests: excluded but not in %s: %s"
                 % (a.binary, " ".join(unknown)))
    kept = [name for name in names if name not in a.exclude]
    print("go_stdtests: %d of %d tests of %s, in %d boots"
          % (len(kept), len(names), os.path.basename(a.binary),
             len(patterns(kept))), flush=True)
    runs = []
    for pattern in patterns(kept):
        runs += ["--run", " ".join(filter(None, [
            "-test.short", a.flags, "-test.run '%s'" % pattern]))]
    os.execvp(command[0], command + ["--app", a.binary, "--files", a.source]
              + runs)


if __name__ == "__main__":
    main()
