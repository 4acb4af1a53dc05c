#!/usr/bin/env python3
"""The runner on a terminal, as `./wicket run` is used: what the user types
reaches the guest, ^C included, and Ctrl-A x still stops the run.

    terminal_check.py RUNNER KERNEL BUNDLE READY KEYS STATUS REGEX

Runs RUNNER --kernel KERNEL --initrd BUNDLE on a new pseudo-terminal,
types KEYS (Python escapes, e.g. '\\x03') once the output shows READY, and
requires exit status STATUS and a line matching REGEX.
"""

import os
import pty
import re
import select
import sys
import time

LIMIT = 60.0    # seconds for the whole run


def main():
    if len(sys.argv) != 8:
        print(__doc__, file=sys.stderr)
        return 2
    runner, kernel, bundle, ready, keys, status, regex = sys.argv[1:]
    keys = keys.encode().decode("unicode_escape").encode("latin-1")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.executable, [sys.executable, runner, "--kernel", kernel,
                                   "--initrd", bundle, "--timeout", "50"])
    output, typed, start = b"", False, time.monotonic()
    while time.monotonic() - start < LIMIT:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                data = os.read(fd, 4096)
            except OSError:         # the other side closed: the run ended
                break
            if not data:
                break
            output += data
        if not typed and ready.encode() in output:
            time.sleep(0.2)
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
        problems.append("never saw %r" % ready)
    if got != int(status):
        problems.append("exit status %d, wanted %s" % (got, status))
    if not re.search(regex, text, re.M):
        problems.append("no line matches %r" % regex)
    for problem in problems:
        print("terminal_check: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
