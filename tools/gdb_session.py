#!/usr/bin/env python3
"""Debug a Wicket appliance with gdb: the kernel, the libOS and the app,
each with its symbols at the addresses it runs at.

    gdb_session.py --kernel ELF --libos ELF --app ELF [--argv 'ARGV']
                   [--append CMDLINE] [--batch FILE] [--break SYMBOL]
                   [--net] [--forward PROTO:HOSTPORT:GUESTPORT]...

Packs the libOS and the app into a PVH bundle (tools/mkbundle.py), starts
QEMU through tools/qemu_run.py halted (-S) with a gdb stub on a free local
port, and runs gdb with:
  - the kernel ELF (linked at its higher-half addresses),
  - the libOS ELF (linked at WK_LIBOS_BASE),
  - the app at its load address: as linked for ET_EXEC, moved by
    APP_PIE_BASE - its lowest segment for a static PIE (libos/layout.h),
and a hardware breakpoint on --break (default: the app's main). Hardware
breakpoints, because the app's pages do not exist until the libOS maps
them: a software breakpoint cannot be written there at the start. The
serial console goes to the terminal (or, with --batch, to a log printed
at the end). With --batch, gdb runs the commands in FILE and detaches, and
the guest runs to its end (30 s at most); otherwise QEMU is stopped when
gdb exits. Python 3.11, standard library.
"""

import argparse
import os
import shlex
import socket
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
APP_PIE_BASE = 0x0000555555554000   # libos/layout.h
PAGE = 4096
PT_LOAD = 1
ET_DYN = 3


def load_bias(path):
    """The address the libOS adds to the app's p_vaddr (0 for ET_EXEC)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        sys.exit("gdb_session: %s is not a 64-bit ELF" % path)
    e_type, = struct.unpack_from("<H", data, 16)
    if e_type != ET_DYN:
        return 0
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    low = min(struct.unpack_from("<Q", data, phoff + i * phentsize + 16)[0]
              for i in range(phnum)
              if struct.unpack_from("<I", data, phoff + i * phentsize)[0]
              == PT_LOAD)
    return APP_PIE_BASE - (low & ~(PAGE - 1))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--libos", required=True)
    p.add_argument("--app", required=True)
    p.add_argument("--argv", help="the app's argv, shell-quoted "
                   "(default: its file name)")
    p.add_argument("--append", default="", help="kernel command line")
    p.add_argument("--files", metavar="DIR",
                   help="the app's file tree (a directory or newc archive)")
    p.add_argument("--net", action="store_true",
                   help="a network device (qemu_run.py's --net)")
    p.add_argument("--forward", action="append", default=[],
                   metavar="PROTO:HOSTPORT:GUESTPORT",
                   help="a forwarded port (qemu_run.py's --forward)")
    p.add_argument("--break", dest="breakpoint", default="main")
    p.add_argument("--batch", metavar="FILE",
                   help="gdb commands to run, then exit")
    a = p.parse_args()

    argv = a.argv or shlex.quote(os.path.basename(a.app))
    work = tempfile.mkdtemp(prefix="wicket-gdb-")
    bundle = os.path.join(work, "bundle")
    libraries = os.path.join(work, "libraries")  # a dynamic app's
    subprocess.run([sys.executable, os.path.join(HERE, "app_libraries.py"),
                    a.app, libraries]
                   + (["--tree", a.files] if a.files else []), check=True)
    subprocess.run([sys.executable, os.path.join(HERE, "mkbundle.py"),
                    bundle, a.libos, "libos", a.app, argv]
                   + ([a.files, "files"] if a.files else [])
                   + ([libraries, "files"] if os.path.exists(libraries)
                      else []), check=True)
    port = free_port()
    log = os.path.join(work, "serial.log")
    runner = [sys.executable, os.path.join(HERE, "qemu_run.py"),
              "--kernel", a.kernel, "--initrd", bundle,
              "--append", a.append, "--accel", "tcg",
              "--timeout", "86400", "--silence", "86400"]
    runner += ["--net"] if a.net else []
    for rule in a.forward:
        runner += ["--forward", rule]
    if a.batch:
        runner += ["--quiet", "--log", log]
    runner += ["--", "-S", "-gdb", "tcp:127.0.0.1:%d" % port]
    qemu = subprocess.Popen(runner, stdin=subprocess.DEVNULL,
                            start_new_session=True)

    bias = load_bias(a.app)
    init = os.path.join(work, "gdbinit")
    with open(init, "w") as f:
        f.write("set pagination off\nset confirm off\n"
                "set architecture i386:x86-64\n"
                "file %s\n" % a.kernel)
        f.write("add-symbol-file %s\n" % a.libos)
        f.write("add-symbol-file %s%s\n" % (
            a.app, " -o %#x" % bias if bias else ""))
        f.write("target remote 127.0.0.1:%d\n" % port)
        f.write("hbreak %s\n" % a.breakpoint)
        if not a.batch:
            f.write("continue\n")
    gdb = ["gdb", "-q", "-nx", "-x", init]
    if a.batch:
        gdb += ["-batch", "-x", a.batch]
    try:
        status = subprocess.call(gdb)
        if a.batch:
            # gdb detached: the guest runs on; let it finish its output
            # (and exit) before QEMU is stopped.
            try:
                qemu.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
    finally:
        try:
            os.killpg(qemu.pid, 9)
        except ProcessLookupError:
            pass
        qemu.wait()
    if a.batch and os.path.exists(log):
        with open(log, "rb") as f:
            sys.stdout.write("---- serial log ----\n")
            sys.stdout.write(f.read().decode("utf-8", "replace"))
    return status


if __name__ == "__main__":
    sys.exit(main())
