#!/usr/bin/env python3
"""Test: tools/trace_path.py counts a sched_yield switch of apps/bench
instruction by instruction, and the switch stays in user mode.

    trace_check.py SESSION TRACER KERNEL LIBOS BENCH_APP

Boots apps/bench under tools/gdb_session.py, stops at musl's sched_yield
past its first 300 calls (the ping-pong's steady state: its call site is
rewritten), and runs `trace-path` until the next sched_yield, which the
other thread makes after the switch. Checks that the trace came back to
its start, went through the libOS's fast-call entry, its fast switch and
light_resume, touched no kernel address (the switch enters no kernel),
and is under 400 instructions (`./wicket bench` counts 175 at 05a0296).
Exit 0 on success, 1 otherwise (the trace is printed), 77 (meson's skip)
when gdb is not installed.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

KERNEL_HALF = 0xffff800000000000
MOST = 400


def symbol_address(elf, name):
    out = subprocess.run(["nm", elf], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2] == name and fields[1] in "tT":
            return int(fields[0], 16)
    sys.exit("trace_check: no %s in %s" % (name, elf))


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    if shutil.which("gdb") is None:
        print("gdb is not installed (./wicket deps installs it)")
        return 77
    session, tracer, kernel, libos, app = sys.argv[1:]
    start = symbol_address(app, "sched_yield")
    with tempfile.TemporaryDirectory(prefix="wicket-trace-") as work:
        trace = os.path.join(work, "trace.txt")
        commands = os.path.join(work, "yield.gdb")
        with open(commands, "w") as f:
            f.write("ignore $bpnum 300\ncontinue\ndelete\n"
                    "source %s\ntrace-path %s\n" % (tracer, trace))
        try:
            run = subprocess.run(
                [sys.executable, session, "--kernel", kernel, "--libos",
                 libos, "--app", app, "--break", "*%#x" % start,
                 "--batch", commands],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                timeout=240)
        except subprocess.TimeoutExpired:
            print("FAIL: gdb session timed out")
            return 1
        if not os.path.exists(trace):
            print(run.stdout.decode("utf-8", "replace"))
            print("FAIL: no trace written")
            return 1
        with open(trace) as f:
            text = f.read()
    steps = [line.split(" ", 1) for line in text.split("\n\n")[0].splitlines()]
    total = re.search(r"^total (\d+)(.*)$", text, re.MULTILINE)
    functions = {symbol.split(" + ")[0] for _, symbol in steps}
    problems = []
    if not total or total.group(2):
        problems.append("the trace did not come back to sched_yield")
    elif int(total.group(1)) != len(steps) or len(steps) > MOST:
        problems.append("%d steps (at most %d expected)" % (len(steps), MOST))
    for needed in ("libos_syscall_entry", "light_resume", "sched_yield"):
        if needed not in functions:
            problems.append("never in %s" % needed)
    kernel_steps = [s for s in steps if int(s[0], 16) >= KERNEL_HALF]
    if kernel_steps:
        problems.append("%d steps in the kernel, the first at %s"
                        % (len(kernel_steps), " ".join(kernel_steps[0])))
    if problems:
        print(text)
        for problem in problems:
            print("FAIL: %s" % problem)
        return 1
    print("PASS: a sched_yield switch, %d instructions, none in the kernel"
          % len(steps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
