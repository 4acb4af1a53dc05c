#!/usr/bin/env python3
"""The host files a dynamically linked app (or a script's interpreter)
needs, as a file archive.

    app_libraries.py APP OUT [--tree DIR]

If APP names an interpreter (PT_INTERP), writes OUT: a newc cpio archive
(the libOS's file archive, docs/libos.md, "Files") holding that
interpreter and every library APP needs (DT_NEEDED, transitively), each
at the path where the host has it, so that the interpreter finds them in
the guest as it would on the host (a path that is a link on the host is
a link in the archive, to the file at its real path). A statically
linked APP needs nothing:
OUT is not written. A "#!" script APP needs its interpreter (from this
host, at its path, unless the tree has it) and what that needs. With --tree DIR (the app's --files tree), the
libraries that the tree's own ELF objects need come too (extension modules
that the app loads with dlopen, say), and a path that DIR has already is
left out: the tree's own file is the one used.

The libraries are found as glibc's and musl's loaders find them without a
cache: each object's DT_RPATH (when it has no DT_RUNPATH), then its
DT_RUNPATH, then the system's directories. glibc's libc.so.6 opens
libgcc_s.so.1 (the unwinder pthread_exit and cancellation need) with
dlopen: it comes along with libc.so.6. Libraries that the app opens with
dlopen itself (NSS modules, Python's extension modules) are in no
DT_NEEDED: give them with --files.

Exit status: 0, or 1 with a message (not an ELF, a library not found).
The ELF is only read, never run (unlike ldd).
"""

import os
import shutil
import stat
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkbundle  # noqa: E402

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NULL, DT_NEEDED, DT_STRTAB, DT_RPATH, DT_RUNPATH = 0, 1, 5, 15, 29
# What a library opens with dlopen for itself: name -> names.
OPENED_BY = {"libc.so.6": ["libgcc_s.so.1"]}
SYSTEM_DIRECTORIES = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                      "/lib64", "/usr/lib64", "/lib", "/usr/lib",
                      "/usr/local/lib"]


class NotUsable(Exception):
    pass


def read_elf(path):
    """(interpreter or None, [needed names], [search directories]) of the
    x86-64 ELF at path."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise NotUsable("%s: %s" % (path, e.strerror.lower()))
    if data[:4] != b"\x7fELF" or len(data) < 64 or data[4] != 2 \
            or data[5] != 1 or struct.unpack_from("<H", data, 18)[0] != 62:
        raise NotUsable("%s: not a 64-bit x86-64 ELF" % path)
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    if phentsize != 56 or phoff + phnum * 56 > len(data):
        raise NotUsable("%s: bad program header table" % path)
    headers = [struct.unpack_from("<IIQQQQQQ", data, phoff + i * 56)
               for i in range(phnum)]
    interpreter, dynamic = None, None
    for kind, _, offset, vaddr, _, filesz, _, _ in headers:
        if kind == PT_INTERP:
            interpreter = data[offset:offset + filesz].split(b"\0")[0]
            interpreter = os.fsdecode(interpreter)
        elif kind == PT_DYNAMIC:
            dynamic = (offset, filesz)
    if dynamic is None:
        return interpreter, [], []

    def file_offset(address):
        for kind, _, offset, vaddr, _, filesz, _, _ in headers:
            if kind == PT_LOAD and vaddr <= address < vaddr + filesz:
                return offset + address - vaddr
        raise NotUsable("%s: a dynamic entry points outside the file" % path)

    entries = []
    for at in range(dynamic[0], min(dynamic[0] + dynamic[1], len(data) - 15),
                    16):
        tag, value = struct.unpack_from("<qQ", data, at)
        if tag == DT_NULL:
            break
        entries.append((tag, value))
    strtab = [value for tag, value in entries if tag == DT_STRTAB]
    if not strtab:
        return interpreter, [], []
    strings = file_offset(strtab[0])

    def string(offset):
        start = strings + offset
        return os.fsdecode(data[start:data.index(b"\0", start)])

    needed = [string(v) for tag, v in entries if tag == DT_NEEDED]
    runpath = [string(v) for tag, v in entries if tag == DT_RUNPATH]
    rpath = [] if runpath else [string(v) for tag, v in entries
                                if tag == DT_RPATH]
    origin = os.path.dirname(os.path.abspath(path))
    directories = []
    for paths in rpath + runpath:
        for d in paths.split(":"):
            d = d.replace("$ORIGIN", origin).replace("${ORIGIN}", origin)
            if d:
                directories.append(d)
    return interpreter, needed, directories


def find_library(name, directories):
    if "/" in name:
        return name if os.path.isfile(name) else None
    for directory in directories + SYSTEM_DIRECTORIES:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            try:
                read_elf(candidate)
            except NotUsable:
                continue  # another architecture's: look further
            return candidate
    return None


def tree_objects(tree):
    """The ELF files under tree, as (path, needed, directories)."""
    objects = []
    for top, dirs, files in os.walk(tree):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(top, name)
            try:
                # Only regular files: opening a FIFO would wait.
                if not stat.S_ISREG(os.stat(path).st_mode):
                    continue
                with open(path, "rb") as f:
                    if f.read(4) != b"\x7fELF":
                        continue
                _, needed, directories = read_elf(path)
            except (OSError, NotUsable):
                continue  # not a file, or not for x86-64
            objects.append((path, needed, directories))
    return objects


def script_interpreter(path):
    """The interpreter a "#!" script's first line names, or None for a
    file that is no script (the libOS reads the line as Linux does)."""
    try:
        with open(path, "rb") as f:
            head = f.read(256)
    except OSError as e:
        raise NotUsable("%s: %s" % (path, e.strerror.lower()))
    if head[:2] != b"#!":
        return None
    words = head[2:].split(b"\n")[0].split()
    if not words:
        raise NotUsable("%s: its #! line names no interpreter" % path)
    return os.fsdecode(words[0])


def needed_files(app, tree=None):
    """The interpreter and libraries app (and the ELF objects under tree)
    need, as host paths, or [] for a statically linked app. A "#!"
    script's interpreter comes from the tree when the tree has it, else
    from this host, with what it needs."""
    script_of = script_interpreter(app)
    if script_of is not None:
        own = tree and os.path.lexists(os.path.join(
            tree, os.path.abspath(script_of).lstrip("/")))
        if own:
            return needed_files(os.path.join(
                tree, os.path.abspath(script_of).lstrip("/")), tree)
        if not os.path.isfile(script_of):
            raise NotUsable("%s: its interpreter %s is neither in --files "
                            "nor on this host" % (app, script_of))
        if script_interpreter(script_of) is not None:
            raise NotUsable("%s: its interpreter %s is a script itself; "
                            "give it with --files" % (app, script_of))
        return [script_of] + [p for p in needed_files(script_of, tree)
                              if p != script_of]
    interpreter, needed, directories = read_elf(app)
    if interpreter is None:
        return []
    if not os.path.isfile(interpreter):
        raise NotUsable("%s: its interpreter %s is not on this host"
                        % (app, interpreter))
    found, queue = [interpreter], [(app, needed, directories)]
    in_tree, left_out = set(), set()
    if tree and os.path.isdir(tree):
        objects = tree_objects(tree)
        in_tree = {path for path, _, _ in objects}
        queue += objects
    names_seen = set()
    # musl's loader is its C library, and answers to that name itself.
    if os.path.basename(interpreter).startswith("ld-musl-"):
        names_seen.add("libc.so")
    while queue:
        user, names, directories = queue.pop(0)
        for name in names:
            if name in names_seen:
                continue
            names_seen.add(name)
            path = find_library(name, directories)
            if path is None and user in in_tree:
                # A library the tree's objects name that the host lacks
                # may be one the tree holds where no search path leads
                # (a JDK's lib/server/libjvm.so, which the JVM loads
                # first): the object's own loading decides. Another
                # object's search path may still find it.
                if name not in left_out:
                    sys.stderr.write("app_libraries: %s needs %s, which "
                                     "is not on this host; left out\n"
                                     % (user, name))
                    left_out.add(name)
                names_seen.discard(name)
                continue
            if path is None:
                raise NotUsable("%s needs %s, which is not on this host"
                                % (user, name))
            # The interpreter is in DT_NEEDED of the C library: one copy.
            if os.path.realpath(path) not in map(os.path.realpath, found):
                found.append(path)
                _, more, more_directories = read_elf(path)
                queue.append((path, more, more_directories))
                opened = [n for n in OPENED_BY.get(name, [])
                          if find_library(n, more_directories)]
                queue.append((path, opened, more_directories))
    return found


def libraries_archive(app, tree=None):
    """The archive's bytes, or None for a statically linked app."""
    paths = needed_files(app, tree)
    if not paths:
        return None
    staging = tempfile.mkdtemp(prefix="wicket-libraries-")
    try:
        for path in paths:
            relative = os.path.abspath(path).lstrip("/")
            if tree and os.path.lexists(os.path.join(tree, relative)):
                continue
            # The file at its real path, and the path the app names a
            # link to it, as the host has them: /proc/self/maps shows
            # the real one (Debian's /lib64/ld-linux-x86-64.so.2 is
            # /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2, musl's
            # /lib/ld-musl-x86_64.so.1 its libc.so).
            real = os.path.realpath(path)
            real_target = os.path.join(staging, real.lstrip("/"))
            if not os.path.lexists(real_target):
                os.makedirs(os.path.dirname(real_target), exist_ok=True)
                shutil.copyfile(real, real_target)
                os.chmod(real_target, 0o755)
            target = os.path.join(staging, relative)
            if not os.path.lexists(target):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.symlink(real, target)
        return mkbundle.archive(staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv):
    args = argv[1:]
    tree = None
    if len(args) == 4 and args[2] == "--tree":
        tree = args[3]
        args = args[:2]
    if len(args) != 2:
        sys.stderr.write("usage: app_libraries.py APP OUT [--tree DIR]\n")
        return 2
    try:
        data = libraries_archive(args[0], tree)
    except (NotUsable, ValueError, OSError) as e:
        sys.stderr.write("app_libraries: %s\n" % e)
        return 1
    if data is not None:
        with open(args[1], "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
