#!/usr/bin/env python3
"""Run a Wicket kernel under QEMU and hand back the kernel's exit status.

    qemu_run.py [options] --kernel ELF [--initrd FILE] [--append CMDLINE]
    qemu_run.py [options] --iso ISO [--firmware bios|uefi]
    qemu_run.py --which-accel

Anything after a lone "--" goes to QEMU verbatim. `--stdin FILE` feeds the
file and then one Ctrl-D (0x04, the console's end of file) to the serial
port. `--net` adds a virtio-net device on QEMU's user-mode network,
`--forward PROTO:HOSTPORT:GUESTPORT` a port forwarded to it. See
docs/runner.md for the accelerator choice, the timeouts, the network and
the exit-status decoding. Python 3.11, standard library only.
"""

import argparse
import ctypes
import json
import os
import re
import selectors
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import termios
import threading
import time

EXIT_TIMEOUT = 124          # WK_EXIT_RUNNER_TIMEOUT in include/wicket/abi.h
EXIT_FAILURE = 125          # WK_EXIT_RUNNER_FAILURE
EXIT_STOPPED = 130          # stopped by the user (as a shell's ^C)

QEMU = "qemu-system-x86_64"
DEBUG_EXIT_DEVICE = "isa-debug-exit,iobase=0xf4,iosize=0x04"
DEFAULT_OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
DEFAULT_OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"

KERNEL_LINE_RE = re.compile(r"^wicket: kernel\b")
# At the end of a line, not necessarily its start: after app output that
# did not end in a newline the kernel's line follows it (docs/runner.md).
EXIT_LINE_RE = re.compile(r"wicket: exit status (\d+)\s*$", re.MULTILINE)
FATAL_RE = re.compile(r"emulation failure|KVM internal error")
# CSI escape sequences (OVMF and GRUB paint the serial console with them).
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>c]")

POLL_INTERVAL = 0.05        # seconds between timeout checks
STDIN_EOF = b"\x04"         # Ctrl-D: the console's end-of-file convention
STDIN_CHUNK = 4096          # bytes per write to QEMU's stdin
DRAIN_LIMIT = 2.0           # seconds to wait for the pipes after QEMU exited


def say(msg):
    """One diagnostic line from the runner, always on stderr."""
    try:
        sys.stderr.write("runner: %s\n" % msg)
        sys.stderr.flush()
    except OSError:
        pass


def clean_text(data):
    """Serial bytes -> text for matching: no CRs, no ANSI escapes."""
    text = data.decode("utf-8", errors="replace")
    return ANSI_RE.sub("", text.replace("\r", ""))


# --------------------------------------------------------------------------
# Accelerator choice

def choose_accel(requested, cpu_override):
    """Return (accel, cpu, reason line) without side effects."""
    kvm_reason = None
    if os.path.exists("/sys/module/kvm_intel"):
        hw = "kvm_intel"
    elif os.path.exists("/sys/module/kvm_amd"):
        hw = "kvm_amd"
    else:
        hw = None

    if not os.path.exists("/dev/kvm"):
        kvm_reason = "no /dev/kvm"
    elif not os.access("/dev/kvm", os.R_OK | os.W_OK):
        kvm_reason = "/dev/kvm is not accessible (permission denied)"
    elif hw is None:
        if os.path.exists("/sys/module/kvm_pvm"):
            kvm_reason = "/dev/kvm is kvm_pvm, a software hypervisor"
        else:
            kvm_reason = ("/dev/kvm is not backed by kvm_intel or kvm_amd "
                          "(hardware virtualization unknown)")

    if requested == "tcg":
        accel, why = "tcg", "requested with --accel tcg"
    elif requested == "kvm":
        accel, why = "kvm", "requested with --accel kvm"
        if kvm_reason:
            why += " (warning: %s)" % kvm_reason
    elif kvm_reason is None:
        accel, why = "kvm", "%s loaded" % hw
    else:
        accel, why = "tcg", kvm_reason

    cpu = cpu_override or ("host" if accel == "kvm" else "max")
    line = "runner: accel=%s (-cpu %s): %s" % (accel, cpu, why)
    return accel, cpu, line


# --------------------------------------------------------------------------
# Command line

def forward_rule(text):
    """PROTO:HOSTPORT:GUESTPORT -> QEMU's hostfwd rule, host side bound to
    127.0.0.1."""
    parts = text.split(":")
    if len(parts) != 3 or parts[0] not in ("tcp", "udp") or not all(
            p.isdigit() and 1 <= int(p) <= 65535 for p in parts[1:]):
        raise argparse.ArgumentTypeError(
            "expected PROTO:HOSTPORT:GUESTPORT (tcp or udp, ports 1-65535), "
            "not %r" % text)
    return "%s:127.0.0.1:%d-:%d" % (parts[0], int(parts[1]), int(parts[2]))


def parse_args(argv):
    if "--" in argv:
        cut = argv.index("--")
        own, extra = argv[:cut], argv[cut + 1:]
    else:
        own, extra = argv, []

    p = argparse.ArgumentParser(
        prog="qemu_run.py",
        description="Boot a Wicket kernel under QEMU; exit with its status.",
        epilog="Arguments after a lone '--' are passed to QEMU verbatim.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--kernel", metavar="ELF", help="PVH direct boot")
    src.add_argument("--iso", metavar="ISO", help="GRUB ISO boot")
    p.add_argument("--initrd", metavar="FILE")
    p.add_argument("--append", metavar="CMDLINE")
    p.add_argument("--firmware", choices=("bios", "uefi"), default=None,
                   help="firmware for --iso (default bios)")
    p.add_argument("--accel", choices=("auto", "kvm", "tcg"), default="auto")
    p.add_argument("--cpu", metavar="MODEL", help="override the -cpu model")
    p.add_argument("--machine", choices=("pc", "q35"), default="pc")
    p.add_argument("--memory", metavar="MiB", type=int, default=256)
    p.add_argument("--no-serial", action="store_true",
                   help="no serial port (COM1 does not answer): the guest's "
                        "console is its screen alone (give --silence)")
    p.add_argument("--display", metavar="SPEC", default="none",
                   help="QEMU's -display: where the guest's screen shows "
                        "(gtk, sdl, vnc=127.0.0.1:0, ...; default none)")
    p.add_argument("--timeout", metavar="SECONDS", type=float,
                   help="overall limit (default 60; none on a terminal)")
    p.add_argument("--silence", metavar="SECONDS", type=float,
                   help="limit on time without serial output (default 20; "
                        "none on a terminal)")
    p.add_argument("--no-debug-exit", action="store_true",
                   help="do not add the isa-debug-exit device")
    p.add_argument("--timings", action="store_true")
    p.add_argument("--quiet", action="store_true",
                   help="do not echo the serial log to stdout")
    p.add_argument("--log", metavar="FILE",
                   help="also write the serial log to FILE")
    p.add_argument("--net", action="store_true",
                   help="a virtio-net-pci device on QEMU's user-mode "
                        "network: the guest is 10.0.2.15/24, the gateway "
                        "10.0.2.2 (the host's 127.0.0.1), DNS 10.0.2.3")
    p.add_argument("--forward", metavar="PROTO:HOSTPORT:GUESTPORT",
                   action="append", default=[], type=forward_rule,
                   help="forward 127.0.0.1:HOSTPORT on the host to the "
                        "guest's GUESTPORT (PROTO tcp or udp; repeatable; "
                        "implies --net)")
    p.add_argument("--stdin", metavar="FILE",
                   help="feed FILE, then Ctrl-D (0x04), to the serial input")
    p.add_argument("--keys", metavar="TEXT", type=key_presses,
                   help="type TEXT on the PS/2 keyboard (QEMU's send-key, "
                        "through a QMP socket) instead of --stdin, as "
                        "--stdin-after and --stdin-delay say; {NAME} is a "
                        "key by QEMU's name, with modifiers: {ret}, "
                        "{ctrl-c}, {up}")
    p.add_argument("--stdin-after", metavar="TEXT",
                   help="hold the --stdin input until the serial output "
                        "shows TEXT")
    p.add_argument("--stdin-delay", metavar="SECONDS", type=float,
                   default=0.0,
                   help="and then until SECONDS more have passed")
    p.add_argument("--ovmf-code", metavar="FILE", default=DEFAULT_OVMF_CODE)
    p.add_argument("--vars-template", metavar="FILE",
                   default=DEFAULT_OVMF_VARS)
    p.add_argument("--print-command", action="store_true")
    p.add_argument("--which-accel", action="store_true",
                   help="print the accelerator line to stdout and exit")
    args = p.parse_args(own)
    args.extra = extra
    if args.keys is not None and args.stdin is not None:
        p.error("--keys and --stdin: one input at a time")

    if args.which_accel:
        return args
    if not args.kernel and not args.iso:
        p.error("one of --kernel or --iso is required")
    if args.kernel and args.firmware:
        p.error("--firmware goes with --iso (--kernel is a PVH boot)")
    if args.iso and (args.initrd or args.append is not None):
        p.error("--initrd and --append go with --kernel")
    if args.iso and not args.firmware:
        args.firmware = "bios"
    if (args.timeout is not None and args.timeout <= 0) or \
            (args.silence is not None and args.silence <= 0):
        p.error("--timeout and --silence must be positive")
    # A person at the terminal is the limit there (Ctrl-A x, ^C): an
    # interactive program may sit at its prompt for as long as they like.
    if args.timeout is None:
        args.timeout = None if interactive(args) else 60.0
    if args.silence is None:
        args.silence = None if interactive(args) else 20.0
    if args.memory <= 0:
        p.error("--memory must be positive")
    args.net = args.net or bool(args.forward)
    return args


def interactive(args):
    """Whether QEMU reads the serial input from our terminal."""
    return args.stdin is None and args.keys is None and os.isatty(0)


# QEMU's qcode names of the keys that type a character (US layout), and of
# those that type it with Shift.
KEY_NAMES = {" ": "spc", "\n": "ret", "\t": "tab", "-": "minus",
             "=": "equal", "[": "bracket_left", "]": "bracket_right",
             ";": "semicolon", "'": "apostrophe", "`": "grave_accent",
             "\\": "backslash", ",": "comma", ".": "dot", "/": "slash"}
SHIFTED_KEYS = dict(zip('!@#$%^&*()_+:"~|<>?',
                        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0",
                         "minus", "equal", "semicolon", "apostrophe",
                         "grave_accent", "backslash", "comma", "dot",
                         "slash"]))


def key_presses(text):
    """--keys TEXT as a list of key combinations, each a list of qcodes."""
    presses, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "{":
            end = text.find("}", i)
            if end < 0 or end == i + 1:
                raise argparse.ArgumentTypeError(
                    "an unfinished {NAME} in %r" % text)
            presses.append(text[i + 1:end].split("-"))
            i = end + 1
            continue
        if c.isascii() and (c.islower() or c.isdigit()):
            presses.append([c])
        elif c.isascii() and c.isupper():
            presses.append(["shift", c.lower()])
        elif c in KEY_NAMES:
            presses.append([KEY_NAMES[c]])
        elif c in SHIFTED_KEYS:
            presses.append(["shift", SHIFTED_KEYS[c]])
        else:
            raise argparse.ArgumentTypeError(
                "no key types %r (use {NAME})" % c)
        i += 1
    return presses


def type_keys(path, presses):
    """Types the key combinations through QEMU's QMP socket at path (it may
    not be listening yet): each held 20 ms, 50 ms apart."""
    connection = None
    for _ in range(100):
        try:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.connect(path)
            break
        except OSError:
            connection.close()
            connection = None
            time.sleep(0.05)
    if connection is None:
        say("--keys: no QMP socket at %s" % path)
        return
    with connection, connection.makefile("rw") as qmp:
        qmp.readline()                      # the greeting
        for command in [{"execute": "qmp_capabilities"}] + [
                {"execute": "send-key", "arguments": {
                    "keys": [{"type": "qcode", "data": name}
                             for name in press],
                    "hold-time": 20}} for press in presses]:
            qmp.write(json.dumps(command) + "\n")
            qmp.flush()
            reply = json.loads(qmp.readline() or "{}")
            while "event" in reply:
                reply = json.loads(qmp.readline() or "{}")
            if "error" in reply:
                say("--keys: QEMU refused %s: %s" % (
                    command.get("arguments"), reply["error"].get("desc")))
                return
            time.sleep(0.05)


def build_command(args, accel, cpu, vars_copy):
    cmd = [QEMU,
           "-machine", args.machine,
           "-accel", accel, "-cpu", cpu,
           "-m", str(args.memory),
           "-display", args.display,
           "-no-reboot",
           "-monitor", "none",
           "-nic", "none"]
    if args.net:
        # romfile= (empty): no iPXE option ROM, which the guest never uses.
        cmd += ["-netdev", ",".join(["user,id=net0"] + [
                    "hostfwd=" + rule for rule in args.forward]),
                "-device", "virtio-net-pci,netdev=net0,romfile="]
    if args.no_serial:
        cmd += ["-serial", "none"]  # a PC without one: the screen alone
    elif interactive(args):
        # A terminal: ^C goes to the guest (its console raises SIGINT),
        # and QEMU's multiplexer keeps Ctrl-A x to stop the run.
        cmd += ["-chardev", "stdio,id=console,mux=on,signal=off",
                "-serial", "chardev:console"]
    else:
        cmd += ["-serial", "stdio"]
    if args.keys is not None:
        cmd += ["-qmp", "unix:%s,server=on,wait=off" % args.qmp_socket]
    if not args.no_debug_exit:
        cmd += ["-device", DEBUG_EXIT_DEVICE]
    if args.kernel:
        cmd += ["-kernel", args.kernel]
        if args.initrd:
            cmd += ["-initrd", args.initrd]
        if args.append is not None:
            cmd += ["-append", args.append]
    else:
        if args.firmware == "uefi":
            cmd += ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file="
                    + args.ovmf_code,
                    "-drive", "if=pflash,format=raw,unit=1,file=" + vars_copy]
        cmd += ["-cdrom", args.iso, "-boot", "d"]
    return cmd + args.extra


def quote(argv):
    return " ".join(shlex.quote(a) for a in argv)


# --------------------------------------------------------------------------
# Running QEMU

HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(Exception):
    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, _frame):
    raise Interrupted(signum)


def _child_setup():
    # Runs in the child between fork and exec (start_new_session has already
    # made it a session leader): die with the runner even on its SIGKILL.
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HANDLED_SIGNALS)
    except Exception:
        pass
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)          # PR_SET_PDEATHSIG
    except Exception:
        pass


class Run:
    """State of one QEMU run."""

    def __init__(self, args):
        self.args = args
        self.proc = None
        self.serial = bytearray()       # everything QEMU wrote to stdout
        self.stderr = bytearray()       # everything QEMU wrote to stderr
        self.partial = b""              # serial bytes after the last newline
        self.fatal_tail = ""            # tail for fatal-message matching
        self.t0 = None
        self.t_first = None             # first "wicket: kernel" line complete
        self.t_exit = None
        self.last_output = None
        self.logfile = None
        self.echo = not args.quiet
        self.input = b""                # --stdin bytes not yet written
        self.input_fd = None            # QEMU's stdin while input remains
        self.input_gate = (args.stdin_after.encode()
                           if args.stdin_after else None)
        self.input_open_at = None       # when the held input may flow
        self.typing = None              # the thread typing --keys

    # -- output handling ---------------------------------------------------

    def on_serial(self, data, now):
        self.serial += data
        self.last_output = now
        if self.echo:
            try:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            except (OSError, ValueError):
                self.echo = False
        if self.logfile:
            self.logfile.write(data)
            self.logfile.flush()
        if self.t_first is None:
            buf = self.partial + data
            lines = buf.split(b"\n")
            self.partial = lines.pop()[-4096:]
            for line in lines:
                if KERNEL_LINE_RE.search(clean_text(line)):
                    self.t_first = now - self.t0
                    self.partial = b""
                    break
        return self.check_fatal(data)

    def on_stderr(self, data):
        self.stderr += data
        try:
            sys.stderr.buffer.write(data)
            sys.stderr.buffer.flush()
        except (OSError, ValueError):
            pass
        return self.check_fatal(data)

    def check_fatal(self, data):
        text = self.fatal_tail + data.decode("utf-8", errors="replace")
        self.fatal_tail = text[-64:]
        return bool(FATAL_RE.search(text))

    def dump_log_if_quiet(self):
        """Print the serial log to stderr unless it was already echoed."""
        if self.args.quiet:
            if not self.serial:
                say("the serial log is empty")
                return
            try:
                sys.stderr.write("runner: serial log follows\n")
                sys.stderr.buffer.write(bytes(self.serial))
                if self.serial and not self.serial.endswith(b"\n"):
                    sys.stderr.buffer.write(b"\n")
                sys.stderr.write("runner: end of serial log\n")
                sys.stderr.flush()
            except (OSError, ValueError):
                pass

    # -- process control ---------------------------------------------------

    def kill(self):
        if self.proc is None or self.proc.returncode is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        except OSError:
            try:
                self.proc.kill()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.t_exit is None and self.t0 is not None:
            self.t_exit = time.monotonic() - self.t0

    def start(self, cmd, input_bytes=None):
        if input_bytes is not None:
            stdin = subprocess.PIPE
        else:
            stdin = None if os.isatty(0) else subprocess.DEVNULL
        # Block our signals until self.proc is set so that a signal cannot
        # leave an untracked QEMU behind; the child unblocks them.
        signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED_SIGNALS)
        try:
            self.t0 = time.monotonic()
            self.last_output = self.t0
            self.proc = subprocess.Popen(
                cmd, stdin=stdin, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True,
                preexec_fn=_child_setup, bufsize=0)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, HANDLED_SIGNALS)
        if input_bytes is not None:
            # Written from the pump loop without blocking: QEMU reads its
            # stdin only while the guest's UART can take a byte, so a
            # blocking write of a large input would stop the runner from
            # reading the serial output (and the guest may be waiting for
            # that output to drain before it reads more input).
            self.input = input_bytes
            self.input_fd = self.proc.stdin.fileno()
            os.set_blocking(self.input_fd, False)

    def feed_input(self):
        """Write what QEMU's stdin pipe takes now. After the last byte the
        pipe stays open (QEMU is not shown an end of file on stdin) until
        QEMU exits."""
        try:
            n = os.write(self.input_fd, self.input[:STDIN_CHUNK])
        except BlockingIOError:
            return
        except (BrokenPipeError, OSError):
            n = len(self.input)     # QEMU is gone or closed its stdin
        self.input = self.input[n:]

    def close_input(self):
        if self.proc is not None and self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass

    def pump(self):
        """Read QEMU's output until it exits. Returns None when QEMU exited
        by itself, else the runner status to exit with (124 or 125)."""
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ, "out")
        sel.register(self.proc.stderr, selectors.EVENT_READ, "err")
        if self.input and self.input_gate is None:
            sel.register(self.input_fd, selectors.EVENT_WRITE, "in")
        open_pipes = 2
        deadline = self.t0 + self.args.timeout if self.args.timeout \
            else float("inf")
        silence = self.args.silence or float("inf")
        exited_at = None
        try:
            while open_pipes:
                now = time.monotonic()
                if self.proc.poll() is not None:
                    if exited_at is None:
                        exited_at = now
                        self.t_exit = now - self.t0
                    elif now - exited_at > DRAIN_LIMIT:
                        break       # something else holds the pipes open
                else:
                    if now >= deadline:
                        return self.fail_timeout(
                            "timeout after %gs" % self.args.timeout)
                    if now - self.last_output >= silence:
                        return self.fail_timeout(
                            "no output for %gs" % self.args.silence)
                    if self.input_open_at is None and self.input_gate \
                            and self.input_gate in self.serial:
                        self.input_open_at = now + self.args.stdin_delay
                    if self.input_open_at is not None \
                            and now >= self.input_open_at:
                        self.input_gate = self.input_open_at = None
                        if self.input:
                            sel.register(self.input_fd,
                                         selectors.EVENT_WRITE, "in")
                    if self.args.keys is not None and \
                            self.input_gate is None and not self.typing:
                        self.typing = threading.Thread(
                            target=type_keys, daemon=True,
                            args=(self.args.qmp_socket, self.args.keys))
                        self.typing.start()
                for key, _ in sel.select(POLL_INTERVAL):
                    if key.data == "in":
                        self.feed_input()
                        if not self.input:
                            sel.unregister(key.fileobj)
                        continue
                    data = os.read(key.fileobj.fileno(), 65536)
                    now = time.monotonic()
                    if not data:
                        sel.unregister(key.fileobj)
                        open_pipes -= 1
                        continue
                    if key.data == "out":
                        fatal = self.on_serial(data, now)
                    else:
                        fatal = self.on_stderr(data)
                    if fatal:
                        self.kill()
                        self.finish_partial_line()
                        say("QEMU reported an emulation failure")
                        self.dump_log_if_quiet()
                        return EXIT_FAILURE
        finally:
            sel.close()
        self.proc.wait()
        if self.t_exit is None:
            self.t_exit = time.monotonic() - self.t0
        self.finish_partial_line()
        return None

    def finish_partial_line(self):
        if self.echo and self.serial and not self.serial.endswith(b"\n"):
            try:
                sys.stdout.write("\n")
                sys.stdout.flush()
            except (OSError, ValueError):
                pass

    def fail_timeout(self, what):
        self.kill()
        self.finish_partial_line()
        say(what)
        self.dump_log_if_quiet()
        return EXIT_TIMEOUT

    # -- exit status -------------------------------------------------------

    def decode(self):
        """Map QEMU's exit status to the run's status (docs/runner.md)."""
        status = self.proc.returncode
        found = EXIT_LINE_RE.findall(clean_text(bytes(self.serial)))
        n = int(found[-1]) if found else None
        if n is not None and n > 255:
            say("ignoring out-of-range exit line 'wicket: exit status %d'" % n)
            n = None

        if status < 0:
            say("QEMU was killed by signal %d" % -status)
            self.dump_log_if_quiet()
            return EXIT_FAILURE
        if status == 0:
            if n is not None:
                return n
            if interactive(self.args) and b"QEMU: Terminated" in self.serial:
                say("stopped with Ctrl-A x")
                return EXIT_STOPPED
            say("QEMU powered off without an exit status "
                "(a triple fault under -no-reboot also ends this way)")
            self.dump_log_if_quiet()
            return EXIT_FAILURE
        if status & 1:
            v = status >> 1
            if n is not None and (n & 0x7f) == v:
                return n
            if status == 1:
                # QEMU's own startup errors exit 1, which is also what
                # writing 0 to the device gives: only the log can tell.
                say("QEMU failed (status 1)" if n is None else
                    "QEMU failed (status 1; the log says exit status %d)" % n)
                self.dump_log_if_quiet()
                return EXIT_FAILURE
            if n is not None:
                say("exit line says %d but the device reported %d; using %d"
                    % (n, v, v))
            return v
        say("QEMU failed (status %d)" % status)
        self.dump_log_if_quiet()
        return EXIT_FAILURE


def run(args):
    accel, cpu, accel_line = choose_accel(args.accel, args.cpu)
    sys.stderr.write(accel_line + "\n")
    sys.stderr.flush()

    if shutil.which(QEMU) is None:
        say("%s not found in PATH" % QEMU)
        return EXIT_FAILURE
    needed = [args.kernel or args.iso]
    if args.initrd:
        needed.append(args.initrd)
    if args.iso and args.firmware == "uefi":
        needed += [args.ovmf_code, args.vars_template]
    for path in needed:
        if not os.path.isfile(path):
            say("no such file: %s" % path)
            return EXIT_FAILURE
    input_bytes = None
    if args.stdin is not None:
        try:
            with open(args.stdin, "rb") as f:
                input_bytes = f.read() + STDIN_EOF
        except OSError as e:
            say("cannot read --stdin: %s" % e)
            return EXIT_FAILURE

    r = Run(args)
    vars_copy = keys_dir = None
    saved_tty = None
    old_handlers = {}
    try:
        for sig in HANDLED_SIGNALS:
            old_handlers[sig] = signal.signal(sig, _on_signal)
        if args.keys is not None:
            keys_dir = tempfile.mkdtemp(prefix="wicket-qmp-")
            args.qmp_socket = os.path.join(keys_dir, "qmp")
        if args.iso and args.firmware == "uefi":
            fd, vars_copy = tempfile.mkstemp(prefix="wicket-ovmf-vars-",
                                             suffix=".fd")
            os.close(fd)
            shutil.copyfile(args.vars_template, vars_copy)
        if args.log:
            try:
                r.logfile = open(args.log, "wb")
            except OSError as e:
                say("cannot write the log: %s" % e)
                return EXIT_FAILURE
        if os.isatty(0):
            try:
                saved_tty = termios.tcgetattr(0)
            except Exception:
                saved_tty = None

        cmd = build_command(args, accel, cpu, vars_copy)
        if args.print_command:
            sys.stderr.write("runner: command: %s\n" % quote(cmd))
            sys.stderr.flush()
        try:
            r.start(cmd, input_bytes)
        except OSError as e:
            say("cannot start QEMU: %s" % e)
            return EXIT_FAILURE

        result = r.pump()
        if result is None:
            result = r.decode()
        if args.timings:
            first = ("%.3fs" % r.t_first) if r.t_first is not None else "none"
            say("timings: first-kernel-line=%s exit=%.3fs" % (first, r.t_exit))
        return result
    except Interrupted as e:
        r.kill()
        say("interrupted by signal %d; QEMU killed" % e.signum)
        return 128 + e.signum
    finally:
        # A second signal must not cut the clean-up short.
        for sig in old_handlers:
            signal.signal(sig, signal.SIG_IGN)
        r.kill()
        r.close_input()
        if saved_tty is not None:
            try:
                termios.tcsetattr(0, termios.TCSADRAIN, saved_tty)
            except Exception:
                pass
        if r.logfile:
            r.logfile.close()
        if vars_copy:
            try:
                os.unlink(vars_copy)
            except OSError:
                pass
        if keys_dir:
            shutil.rmtree(keys_dir, ignore_errors=True)
        for sig, h in old_handlers.items():
            signal.signal(sig, h)


def main(argv):
    args = parse_args(argv)
    if args.which_accel:
        print(choose_accel(args.accel, args.cpu)[2])
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
