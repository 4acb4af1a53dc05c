#!/usr/bin/env python3
"""The runner on a terminal, as `./wicket run` is used: what the user types
reaches the guest, ^C included, and Ctrl-A x still stops the run.

    terminal_check.py RUNNER KERNEL BUNDLE READY KEYS STATUS REGEX [DELAY]

Runs RUNNER --kernel KERNEL --initrd BUNDLE on a new pseudo-terminal,
types KEYS (Python escapes, e.g. '\\x03') DELAY seconds (default 0.2)
after the output shows READY, and requires exit status STATUS and a line
matching REGEX.
"""

import os
import pty
import re
import select
import sys
import time

LIMIT = 60.0    # seconds for the whole run


def main():
    if len(sys.argv) not in (8, 9):
        print(__doc__, file=sys.stderr)
        return 2
    runner, kernel, bundle, ready, keys, status, regex = sys.argv[1:8]
    delay = float(sys.argv[8]) if len(sys.argv) == 9 else 0.2
    keys = keys.encode().decode("unicode_escape").encode("latin-1")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.executable, [sys.executable, runner, "--kernel", kernel,
                                   "--initrd", bundle, "--timeout", "50"])
    output, typed, start, ready_at = b"", False, time.monotonic(), None
    while time.monotonic() - start < LIMIT:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                data = os.read(fd, 4096)
            except OSError:         # the other side closed: the run ended
                break
            if not data:
                break
            output += data
        if ready_at is None and ready.encode() in output:
            ready_at = time.monotonic()
        if not typed and ready_at is not None and \
                time.monotonic() - ready_at >= delay:
            os.write(fd, keys)
            typed = True
    else:
        os.kill(pid, 9)
    _, wait_status = os.waitpid(pid, 0)
    got = os.waitstatus_to_exitcode(wait_status)
    text = output.decode(errors="replace").replace("\r", "")
    sys.stdout.write(text)
    problems = []
    if not typed:
        problems.append("never typed: %s" % (
            "the run ended first" if ready_at is not None
            else "never saw %r" % ready))
    if got != int(status):
        problems.append("exit status %d, wanted %s" % (got, status))
    if not re.search(regex, text, re.M):
        problems.append("no line matches %r" % regex)
    for problem in problems:
        print("terminal_check: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
