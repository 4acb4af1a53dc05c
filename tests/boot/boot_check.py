#!/usr/bin/env python3
"""Boot test: run tools/qemu_run.py once and check its status and output.

    boot_check.py --runner tools/qemu_run.py [--expect REGEX]...
                  [--reject REGEX]... [--expect-status N]
                  [--skip-unless-file PATH]... -- RUNNER-ARGS...

The runner runs with RUNNER-ARGS plus --quiet and --log TMPFILE. The text
checked is the serial log (from the log file) followed by the runner's own
stdout and stderr; carriage returns and ANSI escape sequences are removed
before matching, and patterns are Python regular expressions compiled with
re.MULTILINE. Exit 0 on success, 1 on failure, 77 (meson's "skip") when a
--skip-unless-file path is missing. See docs/runner.md.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile

SKIP = 77
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>c]")
TIMINGS_RE = re.compile(r"^runner: timings: .*$", re.MULTILINE)


def clean(text):
    return ANSI_RE.sub("", text.replace("\r", ""))


def parse_args(argv):
    if "--" in argv:
        cut = argv.index("--")
        own, runner_args = argv[:cut], argv[cut + 1:]
    else:
        own, runner_args = argv, []
    p = argparse.ArgumentParser(
        prog="boot_check.py",
        description="Run the QEMU runner once and check the result.",
        epilog="Arguments after '--' go to the runner.")
    p.add_argument("--runner", required=True, metavar="PATH",
                   help="path of tools/qemu_run.py")
    p.add_argument("--expect", action="append", default=[], metavar="REGEX",
                   help="must match the output (repeatable)")
    p.add_argument("--reject", action="append", default=[], metavar="REGEX",
                   help="must not match the output (repeatable)")
    p.add_argument("--expect-status", type=int, default=0, metavar="N",
                   help="expected runner exit status (default 0)")
    p.add_argument("--skip-unless-file", action="append", default=[],
                   metavar="PATH", help="skip (exit 77) if PATH is missing")
    args = p.parse_args(own)
    if not runner_args:
        p.error("no runner arguments after '--'")
    args.runner_args = runner_args
    for rx in args.expect + args.reject:
        try:
            re.compile(rx, re.MULTILINE)
        except re.error as e:
            p.error("bad regex %r: %s" % (rx, e))
    return args


def user_log_path(runner_args):
    """The --log FILE the caller already gave the runner, if any."""
    own = runner_args[:runner_args.index("--")] if "--" in runner_args \
        else runner_args
    path = None
    for i, a in enumerate(own):
        if a == "--log" and i + 1 < len(own):
            path = own[i + 1]
        elif a.startswith("--log="):
            path = a[len("--log="):]
    return path


def run_runner(cmd):
    """Run the runner; forward SIGTERM/SIGINT/SIGHUP to it so it can kill
    QEMU, and return (status, combined stdout+stderr text)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def forward(signum, _frame):
        try:
            proc.send_signal(signum)
        except OSError:
            pass

    old = {s: signal.signal(s, forward)
           for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        out, _ = proc.communicate()
    finally:
        for s, h in old.items():
            signal.signal(s, h)
    return proc.returncode, out.decode("utf-8", errors="replace")


def main(argv):
    args = parse_args(argv)

    for path in args.skip_unless_file:
        if not os.path.exists(path):
            print("SKIP: missing %s" % path)
            return SKIP

    log_path = user_log_path(args.runner_args)
    tmpdir = None
    extra = ["--quiet"]
    if log_path is None:
        tmpdir = tempfile.mkdtemp(prefix="wicket-boot-check-")
        log_path = os.path.join(tmpdir, "serial.log")
        extra += ["--log", log_path]
    # Our options go first: RUNNER-ARGS may end with "-- QEMU-ARGS".
    cmd = [sys.executable, args.runner] + extra + args.runner_args

    try:
        status, runner_out = run_runner(cmd)
        try:
            with open(log_path, "rb") as f:
                serial = f.read().decode("utf-8", errors="replace")
        except OSError:
            serial = ""
    finally:
        if tmpdir:
            try:
                os.unlink(log_path)
            except OSError:
                pass
            os.rmdir(tmpdir)

    text = clean(serial) + "\n" + clean(runner_out)
    failures = []
    if status != args.expect_status:
        failures.append("exit status %d, expected %d"
                        % (status, args.expect_status))
    for rx in args.expect:
        if not re.search(rx, text, re.MULTILINE):
            failures.append("expected pattern not found: %r" % rx)
    for rx in args.reject:
        m = re.search(rx, text, re.MULTILINE)
        if m:
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            line = text[start:end if end >= 0 else len(text)]
            failures.append("rejected pattern %r matched: %r" % (rx, line))

    timings = TIMINGS_RE.findall(runner_out)
    if not failures:
        print("PASS" + (" (%s)" % timings[-1] if timings else ""))
        return 0

    print("FAIL: command: %s" % " ".join(cmd))
    for f in failures:
        print("FAIL: %s" % f)
    print("---- serial log ----")
    sys.stdout.write(serial if serial.endswith("\n") or not serial
                     else serial + "\n")
    print("---- runner output ----")
    sys.stdout.write(runner_out if runner_out.endswith("\n") or not runner_out
                     else runner_out + "\n")
    print("---- end ----")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
