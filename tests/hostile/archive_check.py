#!/usr/bin/env python3
"""Hostile file archives: damaged and ill-meant newc cpio archives given as
the boot's "files" module (docs/libos.md, "Files"). Each one boots with
tests/apps/tree.c in its "walk /" mode, which lists what the app sees.

For each archive: the app must run to its end (status 0, "walked"); the
libOS must report what it left out on its "wicket: files:" lines (and
report nothing for a sound archive); the
names before any damage must be there and the ill-meant ones must not.

    archive_check.py --runner qemu_run.py --mkbundle mkbundle.py
                     --kernel ELF --libos ELF --app tree-static
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR, S_IFIFO = (0o040000, 0o100000, 0o120000,
                                              0o020000, 0o010000)


def entry(name, mode, data=b"", ino=1, nlink=1, namesize=None,
          magic=b"070701", fields=None):
    """One newc entry; namesize, magic or a field's text may be forced."""
    raw_name = name.encode() + b"\0"
    values = [ino, mode, 0, 0, nlink, 1700000000, len(data), 0, 0, 0, 0,
              len(raw_name) if namesize is None else namesize, 0]
    text = [b"%08X" % v for v in values]
    for index, forced in (fields or {}).items():
        text[index] = forced
    head = magic + b"".join(text) + raw_name
    head += bytes(-len(head) % 4)
    return head + data + bytes(-len(data) % 4)


def trailer():
    return entry("TRAILER!!!", 0)


def regular(name, data, **kw):
    return entry(name, S_IFREG | 0o644, data, **kw)


def directory(name):
    return entry(name, S_IFDIR | 0o755)


def link(name, target):
    return entry(name, S_IFLNK | 0o777, target.encode())


GOOD = directory("ok") + regular("ok/x.txt", b"x marks\n", ino=2)

CASES = {
    # Names that would climb out, land under a file, repeat, replace a
    # device, overflow NAME_MAX, or are devices; hard links; a link; a
    # FIFO (kept).
    "names": (
        GOOD
        + regular("../escape.txt", b"out\n", ino=3)
        + regular("a/../../b.txt", b"out\n", ino=4)
        + regular("./ok/./y.txt", b"y\n", ino=5)
        + regular("/abs.txt", b"absolute\n", ino=6)
        + directory("trailing/")
        + regular("abs.txt/under", b"under a file\n", ino=7)
        + regular("dup.txt", b"first\n", ino=8)
        + regular("dup.txt", b"second\n", ino=9)
        + regular("dev/null", b"not the device\n", ino=10)
        + directory("dev")
        + regular("n" * 300, b"long\n", ino=11)
        + entry("chr", S_IFCHR | 0o600, ino=12)
        + entry("fifo", S_IFIFO | 0o600, ino=13)
        + regular("h1", b"", ino=14, nlink=2)
        + regular("h2", b"hard linked\n", ino=14, nlink=2)
        + link("to-x", "ok/x.txt")
        + trailer(),
        [r'^wicket: files: 7 entries of the archive left out \(devices; '
         r'names with "\.\.", under a file, too long, '
         r'or there already\)$'],
        [r"^walk /ok/x\.txt file 8 \"x marks\|\"$",
         r"^walk /ok/y\.txt file 2 \"y\|\"$",
         r"^walk /abs\.txt file 9 \"absolute\|\"$",
         r"^walk /trailing directory 0755 1700000000$",
         r"^walk /dup\.txt file 6 \"first\|\"$",
         r"^walk /h1 file 12 \"hard linked\|\"$",
         r"^walk /h2 file 12 \"hard linked\|\"$",
         r"^walk /to-x link -> ok/x\.txt$",
         r"^walk /fifo other$",
         r"^walk /a directory 0755 \d+$"],
        [r"escape", r"b\.txt", r"under", r"second", r"not the device",
         r"nnnn", r"chr", r"^walk /\.\."]),
    # `find -depth` order: a directory after its contents keeps its own
    # mode and time; /tmp and /dev take an archive's tmp and dev too (but
    # for /dev, which is fixed).
    "depth-order": (
        regular("late/x.txt", b"x\n", ino=2)
        + entry("late", S_IFDIR | 0o700, ino=3)
        + entry("tmp", S_IFDIR | 0o755, ino=4)
        + entry("dev", S_IFDIR | 0o700, ino=5)
        + trailer(),
        [],
        [r"^walk /late directory 0700 1700000000$",
         r"^walk /late/x\.txt file 2 ",
         r"^walk /tmp directory 0755 1700000000$",
         r"^walk /dev directory 0755 \d+$"],
        []),
    "data-past-the-end": (
        GOOD + regular("big.txt", b"short", fields={6: b"7FFFFFFF"}),
        [r"^wicket: files: the archive is damaged at byte \d+ \(an "
         r"entry's data runs past the archive\)"],
        [r"^walk /ok/x\.txt file 8"], [r"big\.txt"]),
    "bad-magic": (
        GOOD + regular("z.txt", b"z\n", magic=b"070707") + trailer(),
        [r"^wicket: files: the archive is damaged at byte \d+ \(an entry "
         r"is not in the newc format"],
        [r"^walk /ok/x\.txt file 8"], [r"z\.txt"]),
    "not-hex": (
        GOOD + regular("z.txt", b"z\n", fields={1: b"0000G1A4"}) + trailer(),
        [r"^wicket: files: the archive is damaged at byte \d+ \(a header "
         r"field is not hexadecimal\)"],
        [r"^walk /ok/x\.txt file 8"], [r"z\.txt"]),
    "name-past-the-end": (
        GOOD + regular("z.txt", b"z\n", namesize=0xFFFFFFFF),
        [r"^wicket: files: the archive is damaged at byte \d+ \(an entry's "
         r"name runs past the archive or has no NUL\)"],
        [r"^walk /ok/x\.txt file 8"], [r"z\.txt"]),
    "nul-in-name": (
        GOOD + regular("z.txt\0hidden", b"z\n") + trailer(),
        [r"^wicket: files: the archive is damaged at byte \d+ \(an entry's "
         r"name has a NUL inside\)"],
        [r"^walk /ok/x\.txt file 8"], [r"z\.txt", r"hidden"]),
    "no-trailer": (
        GOOD,
        [r"^wicket: files: the archive is damaged at byte \d+ \(it ends "
         r"without its trailer\)"],
        [r"^walk /ok/x\.txt file 8"], []),
    "garbage": (
        bytes(range(256)) * 16,
        [r"^wicket: files: the archive is damaged at byte 0 \(an entry is "
         r"not in the newc format"],
        [r"^walk /dev directory 0755 \d+$"], [r"^walk /ok"]),
    "too-many-names": (
        b"".join(regular("f%05d" % i, b"", ino=100 + i) for i in range(9000))
        + trailer(),
        [r"^wicket: files: the tree is full \(8192 nodes\); the rest of "
         r"the archive is left out$"],
        [r"^walk /f00000 file 0", r"^walk /f08000 file 0"], [r"f08999"]),
}


def run_case(args, work, name, archive):
    path = os.path.join(work, name + ".cpio")
    bundle = os.path.join(work, name + ".bundle")
    log = os.path.join(work, name + ".log")
    with open(path, "wb") as f:
        f.write(archive)
    subprocess.run([sys.executable, args.mkbundle, bundle, args.libos,
                    "libos", args.app, "tree walk /", path, "files"],
                   check=True)
    done = subprocess.run([sys.executable, args.runner, "--kernel",
                           args.kernel, "--initrd", bundle, "--append",
                           "wicket.quiet", "--quiet", "--log", log,
                           "--timeout", "60", "--stdin", os.devnull],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    with open(log, "rb") as f:
        text = f.read().decode("utf-8", "replace").replace("\r\n", "\n")
    return done.returncode, text.splitlines()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for option in ("runner", "mkbundle", "kernel", "libos", "app"):
        p.add_argument("--" + option, required=True)
    p.add_argument("--case", action="append", help="only these cases")
    args = p.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="wicket-archive-") as work:
        for name, (archive, reports, present, absent) in CASES.items():
            if args.case and name not in args.case:
                continue
            status, lines = run_case(args, work, name, archive)
            problems = []
            if status != 0:
                problems.append("exit status %d, not 0" % status)
            if "walked" not in lines:
                problems.append("the walk did not finish")
            for line in lines:
                if re.search(r"KERNEL PANIC|LIBOS DOUBLE FAULT|killed by",
                             line):
                    problems.append("crash: " + line)
            if not reports:
                problems += ["reported: " + l for l in lines
                             if l.startswith("wicket: files:")]
            for pattern in reports + present:
                if not any(re.search(pattern, line) for line in lines):
                    problems.append("missing: " + pattern)
            for pattern in absent:
                hits = [l for l in lines if l.startswith("walk ")
                        and re.search(pattern, l)]
                if hits:
                    problems.append("must not be there: " + hits[0])
            print("%s %s" % ("ok  " if not problems else "FAIL", name))
            for problem in problems:
                print("     " + problem)
            if problems:
                failures += 1
                print("     serial log:\n       " + "\n       ".join(lines))
    print("%d archives, %d failed" % (len(args.case or CASES), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
