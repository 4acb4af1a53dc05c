#!/usr/bin/env python3
"""Test: tools/gdb_session.py in batch mode stops in the app, the libOS and
the kernel with their symbols (three_layers.gdb).

    gdb_check.py SESSION KERNEL LIBOS APP COMMANDS

Exit 0 when every expected stop is in gdb's output, 1 otherwise (the output
is printed), 77 (meson's skip) when gdb is not installed.
"""

import re
import shutil
import subprocess
import sys

EXPECTED = [
    r"Breakpoint 1, 0x[0-9a-f]+ in main \(\)",
    r"Breakpoint 2, (0x[0-9a-f]+ in )?syscall_entry \(\)",
    r"^syscall_entry in section \.text",
    r"Breakpoint 3(\.1)?, write_console \(",
    r"Breakpoint 4, native_console_write \(",
    r"^hello, world",
]


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    if shutil.which("gdb") is None:
        print("gdb is not installed (./wicket deps installs it)")
        return 77
    session, kernel, libos, app, commands = sys.argv[1:]
    try:
        run = subprocess.run([sys.executable, session, "--kernel", kernel,
                              "--libos", libos, "--app", app,
                              "--argv", "hello", "--batch", commands],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=240)
    except subprocess.TimeoutExpired as e:
        print((e.output or b"").decode("utf-8", "replace"))
        print("FAIL: gdb session timed out")
        return 1
    text = run.stdout.decode("utf-8", "replace").replace("\r", "")
    missing = [p for p in EXPECTED if not re.search(p, text, re.MULTILINE)]
    if missing:
        print(text)
        for pattern in missing:
            print("FAIL: not found: %s" % pattern)
        return 1
    print("PASS: stopped in the app, the kernel's entry, the libOS and the kernel")
    return 0


if __name__ == "__main__":
    sys.exit(main())
