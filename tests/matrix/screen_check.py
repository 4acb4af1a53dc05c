#!/usr/bin/env python3
"""Test: on a BIOS boot in VGA text mode the console reaches the screen.

    screen_check.py RUNNER MKISO KERNEL LIBOS APP

Makes an ISO (the libOS and APP, `wicket.on_exit=halt` so that the machine
stays up), boots it under SeaBIOS with a QEMU monitor on a Unix socket,
waits for the halt, reads the 80x25 text buffer at 0xb8000 through the
monitor (`xp`), and checks that the rows hold the app's output and the
kernel's exit line, exactly as the serial console has them. Exit 0 or 1.
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time

EXPECTED_ROWS = ["hello, world", "wicket: exit status 0",
                 "wicket: halting (wicket.on_exit=halt)"]


def monitor(path, command):
    """Runs one monitor command; returns its output text."""
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(path)
        s.settimeout(10)
        data = b""
        while b"(qemu)" not in data:
            data += s.recv(65536)
        s.sendall(command.encode() + b"\n")
        data = b""
        while data.count(b"(qemu)") < 1:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.decode("utf-8", "replace")


def main():
    runner, mkiso, kernel, libos, app = sys.argv[1:6]
    work = tempfile.mkdtemp(prefix="wicket-screen-")
    iso = os.path.join(work, "screen.iso")
    subprocess.run([mkiso, iso, os.path.join(work, "staging"), kernel,
                    "-c", "wicket.on_exit=halt", "-m", libos, "libos",
                    "-m", app, "hello"], check=True)
    sock = os.path.join(work, "monitor.sock")
    log = os.path.join(work, "serial.log")
    qemu = subprocess.Popen(
        [sys.executable, runner, "--iso", iso, "--firmware", "bios",
         "--quiet", "--log", log, "--timeout", "60", "--silence", "60",
         "--", "-monitor", "unix:%s,server,nowait" % sock],
        stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 50
        text = ""
        while time.monotonic() < deadline:
            if os.path.exists(log):
                with open(log, "rb") as f:
                    text = f.read().decode("utf-8", "replace")
                if "halting (wicket.on_exit=halt)" in text:
                    break
            time.sleep(0.2)
        else:
            print(text)
            print("FAIL: the boot did not reach the halt")
            return 1
        out = monitor(sock, "xp /2000xh 0xb8000")
        cells = []
        for line in out.replace("\r", "").split("\n"):
            match = re.match(r"^[0-9a-f]+: (.*)$", line.strip())
            if match:
                cells += [int(v, 16) for v in
                          re.findall(r"0x([0-9a-f]{4})", match.group(1))]
        if len(cells) < 2000:
            print(out[:2000])
            print("FAIL: read %d cells, not 2000" % len(cells))
            return 1
        chars = "".join(chr(c & 0xff) if 32 <= (c & 0xff) < 127 else " "
                        for c in cells[:2000])
        screen = [chars[i:i + 80].rstrip() for i in range(0, 2000, 80)]
        print("---- screen ----\n" + "\n".join(screen))
        missing = [r for r in EXPECTED_ROWS if r not in screen]
        if missing:
            print("FAIL: not on the screen: %s" % missing)
            return 1
        print("PASS: the console's lines are on the screen")
        return 0
    finally:
        try:
            monitor(sock, "quit")
        except OSError:
            pass
        try:
            os.killpg(qemu.pid, 9)
        except ProcessLookupError:
            pass
        qemu.wait()


if __name__ == "__main__":
    sys.exit(main())
