#!/usr/bin/env python3
"""Differential test: run one Linux program on the host and under
Wicket, and compare what it printed and how it exited.

    differential.py --kernel ELF --libos ELF --app FILE [options] [-- ARGS...]

Each run gives the program an argv (argv[0] from --argv0, default the app's
file name; the rest from `-- ARGS` or from each --run 'SHELL WORDS'), an
environment and a standard input, then compares

  * the output: stdout and stderr merged (on the host both go to one pipe;
    under Wicket both go to the serial console), and
  * the exit status: a host process killed by signal S counts as 128 + S,
    the status Linux's shell reports and the one the libOS exits with.

Host side: the binary runs with exactly that argv (argv[0] through
`executable=`), the environment HOME=/, PATH=/usr/local/bin:/usr/bin:/bin,
TERM=linux (the libOS's default environment, in that order) plus each
--env NAME=VALUE (appended), stdin from --stdin FILE or empty, cwd / (or
a fresh copy of the --files DIR, which the program may change).

Wicket side: tools/mkbundle.py packs the libOS and the app (the app's module
string is shlex.join(argv): the libOS shell-splits it and argv[0] is its
first word; with --files DIR, DIR packed as the file archive, the root of
the app's tree, whose working directory starts there; for a dynamically
linked app, its interpreter and libraries from the host as a second
archive, tools/app_libraries.py), tools/qemu_run.py boots the kernel with that bundle as initrd
and the command line "wicket.quiet wicket.echo=off wicket.exe=PATH
wicket.env=NAME=VALUE ..." (PATH: the app's real path, where the host
runs it and /proc/self/exe names it) followed by each --append WORD (libOS options such as wicket.patch=off
or wicket.quantum=1), under -icount shift=N with --icount N, feeding --stdin FILE (or nothing) to the serial port
followed by Ctrl-D, the console's end of file (wicket.echo=off: the
console, a terminal, does not echo that input; Linux does not echo a file
on stdin either). The serial log becomes the output after these steps, and
only these:

  1. "\\r\\n" becomes "\\n" (the console's line ending).
  2. The kernel's last line, "wicket: exit status N", is dropped (N must
     agree with the runner's status). If the app's output did not end in a
     newline, the kernel's line follows it on the same line; only the
     kernel's text is dropped.
  3. Kernels that do not know wicket.quiet yet print a banner before they
     enter the libOS: when a line "wicket: entering the libOS at ..." is
     there and every line up to it starts with "wicket: ", those lines are
     dropped (and a note says so).
  4. With --extra-line REGEX (a test that expects one report line from the
     libOS, such as abort's "wicket: app killed by SIGABRT..."), exactly one
     output line must match REGEX (re.search); it is dropped. No match or
     several is a failure.

Lines that legitimately differ between two runs (a time, a count that
depends on the kernel) are marked by the test program itself: a line that
starts with "VARIES " is compared only up to and including its first ':'
(the whole line if it has none). Every other line, including the presence
and order of the VARIES lines, must match exactly.

Two environment variables change every Wicket run, for a whole suite
run under stress by hand (docs/runner.md, "Stress runs"):
WICKET_APPS_APPEND adds its blank-separated words after the --append
ones (WICKET_APPS_APPEND=wicket.quantum=1: a preemption every
millisecond), and WICKET_APPS_CPU is the CPU model where the test gives
none (WICKET_APPS_CPU=qemu64: no XSAVE, FSGSBASE or AVX).

Exit status: 0 when every run matched, 1 on a mismatch or error, 77 (meson's
"skipped") only when qemu-system-x86_64 is missing or when the program's
first run on the host exits with 77 itself: a program that needs something
of the host (IPv6's loopback address, say) says so that way, on a line of
its own, when the host lacks it. --host-only runs just
the host side and prints its output and status (no QEMU needed).
"""

import argparse
import difflib
import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

EXIT_SKIP = 77
RUNNER_TIMEOUT = 124        # tools/qemu_run.py's own statuses
RUNNER_FAILURE = 125

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

# The libOS's default environment, in its order.
DEFAULT_ENV = [("HOME", "/"), ("PATH", "/usr/local/bin:/usr/bin:/bin"),
               ("TERM", "linux")]

EXIT_LINE_RE = re.compile(rb"wicket: exit status (\d+)\n?\Z")
LIBOS_ENTRY_PREFIX = b"wicket: entering the libOS at "
KERNEL_PREFIX = b"wicket: "
ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MAX_DIFF_LINES = 400


class Interrupted(Exception):
    pass


def _on_signal(signum, _frame):
    raise Interrupted(signum)


def parse_args(argv):
    if "--" in argv:
        cut = argv.index("--")
        own, rest = argv[:cut], argv[cut + 1:]
    else:
        own, rest = argv, None
    p = argparse.ArgumentParser(
        prog="differential.py",
        description="Run a static Linux program on the host and under "
                    "Wicket; compare output and exit status.",
        epilog="Arguments after a lone '--' are argv[1..] of one run.")
    p.add_argument("--kernel", metavar="ELF", help="the Wicket kernel")
    p.add_argument("--libos", metavar="ELF", help="the libOS")
    p.add_argument("--app", metavar="FILE", required=True,
                   help="the static Linux program")
    p.add_argument("--name", help="test name for messages")
    p.add_argument("--argv0", metavar="WORD",
                   help="argv[0] (default: the app's file name)")
    p.add_argument("--run", metavar="'ARGS'", action="append", default=[],
                   help="one run whose argv[1..] are these shell words "
                        "(repeatable)")
    p.add_argument("--stdin", metavar="FILE",
                   help="standard input (default: empty)")
    p.add_argument("--env", metavar="NAME=VALUE", action="append",
                   default=[], help="add to the default environment")
    p.add_argument("--extra-line", metavar="REGEX",
                   help="Wicket prints exactly one extra line matching "
                        "REGEX (dropped before comparing)")
    p.add_argument("--runner", default=os.path.join(ROOT, "tools",
                                                    "qemu_run.py"))
    p.add_argument("--mkbundle", default=os.path.join(ROOT, "tools",
                                                      "mkbundle.py"))
    p.add_argument("--files", metavar="DIR",
                   help="the tree the app runs in: its working directory "
                   "on the host, the file archive (the root) under Wicket")
    p.add_argument("--append", metavar="WORD", action="append", default=[],
                   help="add WORD to Wicket's kernel command line "
                        "(repeatable; e.g. wicket.patch=off)")
    p.add_argument("--cpu", metavar="MODEL",
                   help="QEMU CPU model for the Wicket side (default: the "
                        "runner's choice)")
    p.add_argument("--icount", metavar="SHIFT", type=int,
                   help="run the Wicket side under TCG with -icount "
                        "shift=SHIFT (one instruction per 2^SHIFT ns of "
                        "virtual time; interrupts then land at any "
                        "instruction, not only between translated blocks)")
    p.add_argument("--memory", metavar="MiB", type=int,
                   help="the Wicket guest's memory (default: the runner's)")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="limit for each QEMU run (default 60 s)")
    p.add_argument("--silence", type=float,
                   help="limit on a QEMU run's time without output "
                        "(default: the runner's, 20 s), for programs that "
                        "print only when a long step ends")
    p.add_argument("--host-timeout", type=float, default=30.0)
    p.add_argument("--host-only", action="store_true",
                   help="only run the host side; print its output")
    p.add_argument("--keep", metavar="DIR",
                   help="keep bundles and serial logs in DIR")
    p.add_argument("--net", action="store_true",
                   help="the peers on a network: a TCP echo server, a UDP "
                   "echo server and a TCP port where nothing listens, on "
                   "the host's loopback; in the runs, @HOST@ is their "
                   "address (127.0.0.1 on the host, 10.0.2.2 under "
                   "Wicket, whose QEMU gets the runner's --net), @TCP@, "
                   "@UDP@ and @REFUSED@ their ports; @LISTEN@ is a port "
                   "where the app listens, to which a client connects "
                   "(NetPeers.client; under Wicket through a port QEMU "
                   "forwards)")
    p.add_argument("--verbose", action="store_true",
                   help="print the output of matching runs too")
    args = p.parse_args(own)

    if not args.host_only and not (args.kernel and args.libos):
        p.error("--kernel and --libos are required (or --host-only)")
    if args.icount is not None and not 0 <= args.icount <= 10:
        p.error("--icount: a shift of 0..10")
    args.name = args.name or os.path.basename(args.app)
    argv0 = args.argv0 if args.argv0 is not None else \
        os.path.basename(args.app)
    runs = [[argv0] + shlex.split(r) for r in args.run]
    if rest is not None or not runs:
        runs.append([argv0] + (rest or []))
    args.runs = runs

    env = list(DEFAULT_ENV)
    for word in args.append:
        if not word or re.search(r"[\s\"'\\]", word):
            p.error("--append %r: one word, without blanks, quotes or "
                    "backslashes" % word)
    for item in args.env:
        name, eq, value = item.partition("=")
        if not eq or not ENV_NAME_RE.match(name):
            p.error("--env wants NAME=VALUE, not %r" % item)
        # The kernel command line is split at blanks and has no quoting
        # that both sides are known to share.
        if re.search(r"[\s\"'\\]", value):
            p.error("--env %s: the value may not contain blanks, quotes or "
                    "backslashes" % name)
        if any(n == name for n, _ in env):
            p.error("--env %s: overriding a default variable is not "
                    "supported (only additions)" % name)
        env.append((name, value))
    args.environment = env
    if args.extra_line is not None:
        try:
            args.extra_re = re.compile(args.extra_line)
        except re.error as e:
            p.error("--extra-line: %s" % e)
    else:
        args.extra_re = None
    return args


# --------------------------------------------------------------------------
# The two sides

class Result:
    def __init__(self, output, status, notes=None, error=None):
        self.output = output        # bytes, after the steps above
        self.status = status        # 0..255, or None when unknown
        self.notes = notes or []    # lines worth reporting either way
        self.error = error          # a reason the run could not compare


def host_status(returncode):
    return 128 - returncode if returncode < 0 else returncode


def copy_entry(source, target):
    """shutil.copytree's copy of one file: a FIFO or a socket file made
    anew (their contents are not files' bytes), the rest copied."""
    mode = os.lstat(source).st_mode
    if stat.S_ISFIFO(mode):
        os.mkfifo(target, stat.S_IMODE(mode))
    elif stat.S_ISSOCK(mode):
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(target)
        os.chmod(target, stat.S_IMODE(mode))
    else:
        shutil.copy2(source, target)


def run_host(args, argv):
    env = dict(args.environment)
    stdin = open(args.stdin, "rb") if args.stdin else subprocess.DEVNULL
    # A copy of the --files tree, which the program may change.
    tree = tempfile.mkdtemp(prefix="wicket-tree-") if args.files else None
    try:
        if tree:
            os.rmdir(tree)
            shutil.copytree(args.files, tree, symlinks=True,
                            copy_function=copy_entry)
        p = subprocess.run(argv, executable=os.path.abspath(args.app),
                           env=env, stdin=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, cwd=tree or "/",
                           timeout=args.host_timeout)
    except subprocess.TimeoutExpired as e:
        return Result(e.stdout or b"", None,
                      error="the host run took more than %gs"
                      % args.host_timeout)
    except OSError as e:
        return Result(b"", None, error="cannot run on the host: %s" % e)
    finally:
        if stdin is not subprocess.DEVNULL:
            stdin.close()
        if tree:
            shutil.rmtree(tree, ignore_errors=True)
    return Result(p.stdout, host_status(p.returncode))


def kernel_command_line(args):
    # wicket.echo=off: the console (a terminal in canonical mode) does not
    # echo what the runner types in, as Linux does not for a file on stdin.
    words = ["wicket.quiet", "wicket.echo=off"]
    # The app's file at its host path, which /proc/self/exe names there.
    words.append("wicket.exe=" + re.sub(r"([\\ ])", r"\\\1",
                                        os.path.realpath(args.app)))
    words += ["wicket.env=%s=%s" % (n, v) for n, v in args.environment
              if (n, v) not in DEFAULT_ENV]
    words += args.append
    words += os.environ.get("WICKET_APPS_APPEND", "").split()
    return " ".join(words)


def clean_serial(log, runner_status, extra_re):
    """Serial log bytes -> the app's output (the steps in the docstring)."""
    notes = []
    errors = []
    data = log.replace(b"\r\n", b"\n")
    m = EXIT_LINE_RE.search(data)
    if m:
        if m.start() > 0 and data[m.start() - 1:m.start()] != b"\n":
            notes.append("the kernel's exit line followed output that did "
                         "not end in a newline")
        data = data[:m.start()]
        n = int(m.group(1))
        if n != runner_status:
            errors.append("the exit line says %d but the runner says %d"
                          % (n, runner_status))
    else:
        notes.append("the serial log does not end with the kernel's "
                     "'wicket: exit status N' line")

    lines = data.split(b"\n")
    for i, line in enumerate(lines):
        if line.startswith(LIBOS_ENTRY_PREFIX):
            if all(l.startswith(KERNEL_PREFIX) for l in lines[:i]):
                notes.append("dropped %d kernel banner lines (this kernel "
                             "ignores wicket.quiet)" % (i + 1))
                data = b"\n".join(lines[i + 1:])
            break

    if extra_re is not None:
        lines = data.split(b"\n")
        hits = [i for i, l in enumerate(lines)
                if extra_re.search(l.decode("utf-8", "backslashreplace"))]
        if len(hits) == 1:
            notes.append("expected extra line: %s"
                         % lines[hits[0]].decode("utf-8", "backslashreplace"))
            del lines[hits[0]]
            data = b"\n".join(lines)
        else:
            errors.append("expected exactly one line matching %r from "
                          "Wicket, found %d" % (extra_re.pattern, len(hits)))
    return data, notes, "; ".join(errors) or None


class WicketSide:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.child = None
        self.forward = None   # --net: the host port QEMU forwards

    def call(self, cmd):
        self.child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT)
        try:
            out, _ = self.child.communicate()
            return self.child.returncode, out
        finally:
            self.child = None

    def stop(self):
        c = self.child
        if c is not None and c.poll() is None:
            c.send_signal(signal.SIGTERM)   # the runner kills QEMU
            try:
                c.wait(timeout=10)
            except subprocess.TimeoutExpired:
                c.kill()

    def run(self, index, argv):
        a = self.args
        bundle = os.path.join(self.workdir, "run%d.bundle" % index)
        log = os.path.join(self.workdir, "run%d.serial.log" % index)
        libraries = os.path.join(self.workdir, "libraries.cpio")
        if index == 0:
            rc, out = self.call([sys.executable, os.path.join(
                os.path.dirname(a.mkbundle), "app_libraries.py"), a.app,
                libraries] + (["--tree", a.files] if a.files else []))
            if rc != 0:
                return Result(b"", None, error="app_libraries.py failed "
                              "(%d):\n%s" % (rc, out.decode("utf-8",
                                                            "replace")))
        rc, out = self.call([sys.executable, a.mkbundle, bundle, a.libos,
                             "libos", a.app, shlex.join(argv)]
                            + ([a.files, "files"] if a.files else [])
                            + ([libraries, "files"]
                               if os.path.exists(libraries) else []))
        if rc != 0:
            return Result(b"", None, error="mkbundle.py failed (%d):\n%s"
                          % (rc, out.decode("utf-8", "replace")))
        cmd = [sys.executable, a.runner, "--kernel", a.kernel,
               "--initrd", bundle, "--append", kernel_command_line(a),
               "--quiet", "--log", log, "--timeout", "%g" % a.timeout]
        # Always a --stdin, so that a read sees end of file as on the host.
        cmd += ["--stdin", a.stdin or os.devnull]
        cpu = a.cpu or os.environ.get("WICKET_APPS_CPU")
        if cpu:
            cmd += ["--cpu", cpu]
        if a.memory:
            cmd += ["--memory", str(a.memory)]
        if a.silence:
            cmd += ["--silence", "%g" % a.silence]
        if a.net:
            cmd += ["--net", "--forward", "tcp:%d:%d"
                    % (self.forward, GUEST_LISTEN_PORT)]
        if a.icount is not None:
            cmd += ["--accel", "tcg", "--", "-icount", "shift=%d" % a.icount]
        rc, out = self.call(cmd)
        runner_text = out.decode("utf-8", "replace")
        try:
            with open(log, "rb") as f:
                serial = f.read()
        except OSError:
            serial = b""
        if rc in (RUNNER_TIMEOUT, RUNNER_FAILURE):
            return Result(serial, None,
                          error="the runner failed with status %d:\n%s"
                          "serial log (raw):\n%s"
                          % (rc, runner_text,
                             serial.decode("utf-8", "backslashreplace")))
        data, notes, error = clean_serial(serial, rc, a.extra_re)
        return Result(data, rc, notes, error)


# --------------------------------------------------------------------------
# The network's peers (--net)

class NetPeers:
    """Echo servers on the host's loopback, for the host run and for
    Wicket's (QEMU's user-mode network reaches them at 10.0.2.2)."""

    def __init__(self):
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(16)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        # Bound, never listening: a connection there is refused.
        self.refused = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.refused.bind(("127.0.0.1", 0))
        for target in (self.serve_tcp, self.serve_udp):
            threading.Thread(target=target, daemon=True).start()

    def serve_tcp(self):
        while True:
            try:
                connection, _ = self.tcp.accept()
            except OSError:
                return
            threading.Thread(target=self.echo, args=(connection,),
                             daemon=True).start()

    @staticmethod
    def echo(connection):
        with connection:
            while True:
                try:
                    data = connection.recv(65536)
                except OSError:
                    return
                if not data:
                    break
                connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)

    def serve_udp(self):
        while True:
            try:
                data, sender = self.udp.recvfrom(65536)
                self.udp.sendto(data, sender)
            except OSError:
                return

    def client(self, port, log):
        """Connects to the app's server on port until it answers a ping
        (a connection QEMU forwards before the app listens ends at
        once), then sends a megabyte and takes it back to the end."""
        deadline = time.monotonic() + 50
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port),
                                              timeout=5) as c:
                    c.sendall(b"ping\n")
                    if c.recv(5) == b"pong\n":
                        break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            log.append("client: the app's server never answered a ping")
            return
        payload = bytes((i * 13 + (i >> 10)) & 0xff for i in range(1 << 20))
        got = bytearray()
        try:
            with socket.create_connection(("127.0.0.1", port),
                                          timeout=30) as c:
                sender = threading.Thread(
                    target=lambda: (c.sendall(payload),
                                    c.shutdown(socket.SHUT_WR)))
                sender.start()
                while True:
                    data = c.recv(65536)
                    if not data:
                        break
                    got += data
                sender.join()
        except OSError as e:
            log.append("client: %s" % e)
            return
        if bytes(got) != payload:
            log.append("client: %d bytes came back, not the megabyte sent"
                       % len(got))

    def words(self, host):
        return {"@HOST@": host,
                "@TCP@": str(self.tcp.getsockname()[1]),
                "@UDP@": str(self.udp.getsockname()[1]),
                "@REFUSED@": str(self.refused.getsockname()[1])}

    def close(self):
        for s in (self.tcp, self.udp, self.refused):
            s.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


GUEST_LISTEN_PORT = 8080


def served(peers, argv, listen, run):
    """run() with @LISTEN@ in argv made `listen` and NetPeers.client
    connecting to `connect` meanwhile (listen = (app's port, the port the
    client connects to)); a client's failure becomes the result's error."""
    if peers is None or not any("@LISTEN@" in a for a in argv):
        return run(argv)
    port, connect = listen
    argv = [a.replace("@LISTEN@", str(port)) for a in argv]
    log = []
    client = threading.Thread(target=peers.client, args=(connect, log),
                              daemon=True)
    client.start()
    result = run(argv)
    client.join(timeout=60)
    if log and not result.error:
        result.error = "; ".join(log)
    return result


def substituted(argv, words):
    for key, value in (words or {}).items():
        argv = [a.replace(key, value) for a in argv]
    return argv


# --------------------------------------------------------------------------
# Comparison

def varies_key(line):
    """A VARIES line counts only up to its first ':'."""
    if line.startswith("VARIES "):
        colon = line.find(":")
        if colon >= 0:
            return line[:colon + 1]
    return line


class Line(str):
    """A line that compares (and hashes) by its varies_key but prints as
    itself, so that the diff shows the real text."""

    def __new__(cls, text):
        obj = super().__new__(cls, text)
        obj.key = varies_key(text)
        return obj

    def __eq__(self, other):
        return self.key == getattr(other, "key", other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.key)


def lines_of(data):
    # split("\n") keeps a final "" when the output ends in a newline, so
    # a missing last newline is a difference too.
    return [Line(l) for l in data.decode("utf-8", "backslashreplace")
            .split("\n")]


def show_command(argv):
    return shlex.join(argv)


def compare(args, index, argv, host, wicket):
    """Print the verdict of one run; return True when it matched."""
    label = "run %d: %s" % (index + 1, show_command(argv))
    problems = []
    if host.error:
        problems.append("host: " + host.error)
    if wicket.error:
        problems.append("wicket: " + wicket.error)
    same_output = False
    hl = wl = None
    if host.status is not None and wicket.status is not None:
        hl, wl = lines_of(host.output), lines_of(wicket.output)
        same_output = [l.key for l in hl] == [l.key for l in wl]
        if not same_output:
            problems.append("the output differs")
        if host.status != wicket.status:
            problems.append("the exit status differs")
    ok = not problems
    print("%s %s" % ("ok  " if ok else "FAIL", label))
    for note in wicket.notes:
        print("      note: %s" % note)
    if host.status is not None or wicket.status is not None:
        print("      exit status: host %s, wicket %s"
              % (host.status, wicket.status))
    for problem in problems:
        print("      " + problem.replace("\n", "\n      "))
    if hl is not None and not same_output:
        diff = list(difflib.unified_diff(hl, wl, "host", "wicket",
                                         lineterm="", n=3))
        for d in diff[:MAX_DIFF_LINES]:
            print(d)
        if len(diff) > MAX_DIFF_LINES:
            print("... %d more diff lines" % (len(diff) - MAX_DIFF_LINES))
        print("(VARIES lines compare only up to their first ':'; a last "
              "line shown empty means the output ends in a newline)")
    elif ok and args.verbose:
        sys.stdout.write(host.output.decode("utf-8", "backslashreplace"))
    sys.stdout.flush()
    return ok


def main(argv):
    args = parse_args(argv)
    for what, path in (("app", args.app), ("stdin", args.stdin)):
        if path and not os.path.isfile(path):
            print("differential: no such %s file: %s" % (what, path))
            return 1

    if args.host_only:
        peers = NetPeers() if args.net else None
        for i, run in enumerate(args.runs):
            port = free_port()
            r = served(peers, substituted(
                run, peers.words("127.0.0.1") if peers else None),
                (port, port), lambda argv: run_host(args, argv))
            print("== run %d: %s" % (i + 1, show_command(run)))
            sys.stdout.write(r.output.decode("utf-8", "backslashreplace"))
            print("== exit status %s%s" % (r.status, (" (%s)" % r.error)
                                           if r.error else ""))
        return 0

    if shutil.which("qemu-system-x86_64") is None:
        print("SKIP: qemu-system-x86_64 is not installed (./wicket deps)")
        return EXIT_SKIP
    for what, path in (("kernel", args.kernel), ("libOS", args.libos),
                       ("runner", args.runner), ("mkbundle", args.mkbundle)):
        if not os.path.isfile(path):
            print("differential: no such %s file: %s" % (what, path))
            return 1

    print("%s: %d run%s; host vs Wicket (kernel %s, libOS %s)"
          % (args.name, len(args.runs), "" if len(args.runs) == 1 else "s",
             args.kernel, args.libos))
    env_words = " ".join("%s=%s" % nv for nv in args.environment)
    print("environment: %s; stdin: %s" % (env_words, args.stdin or "empty"))

    old = {s: signal.signal(s, _on_signal)
           for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        tmp = None
        workdir = args.keep
    else:
        tmp = tempfile.TemporaryDirectory(prefix="wicket-differential-")
        workdir = tmp.name
    side = WicketSide(args, workdir)
    peers = NetPeers() if args.net else None
    host_words = peers.words("127.0.0.1") if peers else None
    wicket_words = peers.words("10.0.2.2") if peers else None
    failed = 0
    try:
        for i, run in enumerate(args.runs):
            port = free_port()
            host = served(peers, substituted(run, host_words), (port, port),
                          lambda argv: run_host(args, argv))
            if i == 0 and host.status == EXIT_SKIP:
                lines = host.output.decode("utf-8", "replace").splitlines()
                print("SKIP: the host cannot run this test: %s"
                      % (lines[-1] if lines else "no reason given"))
                return EXIT_SKIP
            side.forward = free_port()
            wicket = served(peers, substituted(run, wicket_words),
                            (GUEST_LISTEN_PORT, side.forward),
                            lambda argv: side.run(i, argv))
            if not compare(args, i, run, host, wicket):
                failed += 1
                if wicket.error and wicket.status is None:
                    # A timeout or a runner failure: later runs would
                    # most likely only repeat it, slowly.
                    left = len(args.runs) - i - 1
                    if left:
                        print("stopping: %d later run%s not tried"
                              % (left, "" if left == 1 else "s"))
                    break
    except Interrupted as e:
        side.stop()
        print("differential: interrupted by signal %d" % e.args[0])
        return 128 + e.args[0]
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        if peers:
            peers.close()
        if tmp is not None:
            tmp.cleanup()
    if failed:
        print("FAIL %s: %d of %d runs differ" % (args.name, failed,
                                                 len(args.runs)))
        return 1
    print("PASS %s: %d run%s match" % (args.name, len(args.runs),
                                       "" if len(args.runs) == 1 else "s"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
