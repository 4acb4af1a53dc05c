#!/usr/bin/env python3
"""Test: the console reaches the screen, the same lines as the serial port.

    screen_check.py RUNNER MKISO KERNEL LIBOS APP text
    screen_check.py RUNNER MKISO KERNEL LIBOS APP framebuffer FONT

Makes an ISO (the libOS and APP, the hello app, with arguments enough to
fill the screen and scroll it, and `wicket.on_exit=halt` so that the
machine stays up), boots it with a QEMU monitor on a Unix socket, waits for
the halt and reads the screen back:

  text         SeaBIOS, where GRUB leaves VGA text mode: the 80x25 cells
               at 0xb8000, through the monitor's `xp`;
  framebuffer  OVMF, where GRUB hands over the GOP framebuffer: a
               `screendump` (PPM), cut into 8x16 cells, each of which must
               be exactly a glyph of FONT (GRUB's ascii.h, the kernel's
               font source: rows of bits, the leftmost pixel in bit 7)
               drawn light grey (0xaaaaaa) on black.

Either way the screen must have scrolled, and its rows must be the last
lines of the kernel's serial output (from its first line on, cut at the
screen's width), the app's last line and the exit line among them. Exit 0
or 1.
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time

# hello prints each argument on a line: 60 of varying lengths.
APP_ARGS = ["%d%s" % (i, "-" * (i * 5 % 11)) for i in range(60)]
EXPECTED_ROWS = [APP_ARGS[-1], "wicket: exit status 0",
                 "wicket: halting (wicket.on_exit=halt)"]
GREY, BLACK = 0xaa, 0x00


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


def read_text_screen(sock, _work, _font):
    """The VGA text cells as rows of characters, or an error string."""
    out = monitor(sock, "xp /2000xh 0xb8000")
    cells = []
    for line in out.replace("\r", "").split("\n"):
        match = re.match(r"^[0-9a-f]+: (.*)$", line.strip())
        if match:
            cells += [int(v, 16) for v in
                      re.findall(r"0x([0-9a-f]{4})", match.group(1))]
    if len(cells) < 2000:
        return "read %d cells, not 2000:\n%s" % (len(cells), out[:2000])
    chars = "".join(chr(c & 0xff) if 32 <= (c & 0xff) < 127 else " "
                    for c in cells[:2000])
    return [chars[i:i + 80] for i in range(0, 2000, 80)]


def load_font(path):
    """ascii.h's 128 glyphs: {16 rows of 8 pixels (0/1 bytes): character}
    for the printable ones."""
    with open(path) as f:
        data = [int(v, 16) for v in
                re.findall(r"0x([0-9a-fA-F]{1,2})\b", f.read())]
    if len(data) != 128 * 16:
        sys.exit("FAIL: %s holds %d bytes, not 128 glyphs" % (path, len(data)))
    glyphs = {}
    for code in range(32, 127):
        rows = tuple(bytes((row >> (7 - x)) & 1 for x in range(8))
                     for row in data[code * 16:code * 16 + 16])
        if rows in glyphs:
            sys.exit("FAIL: %r and %r have the same glyph"
                     % (glyphs[rows], chr(code)))
        glyphs[rows] = chr(code)
    return glyphs


def read_framebuffer_screen(sock, work, font):
    """The framebuffer as rows of characters ('\\0' for a cell that is no
    glyph), or an error string."""
    path = os.path.join(work, "screen.ppm")
    if os.path.exists(path):
        os.unlink(path)
    out = monitor(sock, "screendump " + path)
    if not os.path.exists(path):
        return "no screendump:\n" + out
    with open(path, "rb") as f:
        image = f.read()
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", image)
    if not header:
        return "the screendump is not a 24-bit PPM"
    width, height = int(header.group(1)), int(header.group(2))
    pixels = image[header.end():]
    red, green, blue = pixels[0::3], pixels[1::3], pixels[2::3]
    if len(green) != width * height:
        return "the screendump is short"
    if not red == green == blue or not set(green) <= {GREY, BLACK}:
        return "the screen holds colours other than grey and black"
    on = green.translate(bytes(1 if v == GREY else 0 for v in range(256)))
    screen = []
    for top in range(0, height - 15, 16):
        lines = [on[(top + y) * width:(top + y + 1) * width]
                 for y in range(16)]
        screen.append("".join(
            font.get(tuple(line[x:x + 8] for line in lines), "\0")
            for x in range(0, width - 7, 8)))
    return screen


def wrap(line, columns):
    return [line[i:i + columns] for i in range(0, max(len(line), 1), columns)]


def check(screen, serial):
    """None when the screen shows the end of the kernel's serial output,
    else why not."""
    start = serial.rfind("wicket: kernel ")
    if start < 0:
        return "no kernel line in the serial log"
    lines = serial[start:].replace("\r\n", "\n").split("\n")[:-1]
    if not screen:
        return "the screen is too small for one row"
    columns = len(screen[0])
    wrapped = [row for line in lines for row in wrap(line, columns)]
    rows = [row.rstrip() for row in screen]
    while rows and rows[-1] == "":
        rows.pop()
    if "\0" in "".join(rows):
        return "some cells are not glyphs of the font"
    if len(rows) != len(screen) - 1:
        return "the screen did not fill up and scroll"
    missing = [r for r in EXPECTED_ROWS if r not in rows]
    if missing:
        return "not on the screen: %s" % missing
    if rows != [row.rstrip() for row in wrapped[-len(rows):]]:
        return "the screen's rows are not the serial log's last lines"
    return None


def main():
    runner, mkiso, kernel, libos, app, kind = sys.argv[1:7]
    font = load_font(sys.argv[7]) if kind == "framebuffer" else None
    read_screen = {"text": read_text_screen,
                   "framebuffer": read_framebuffer_screen}[kind]
    firmware = "bios" if kind == "text" else "uefi"
    work = tempfile.mkdtemp(prefix="wicket-screen-")
    iso = os.path.join(work, "screen.iso")
    subprocess.run([mkiso, iso, os.path.join(work, "staging"), kernel,
                    "-c", "wicket.on_exit=halt", "-m", libos, "libos",
                    "-m", app, " ".join(["hello"] + APP_ARGS)], check=True)
    sock = os.path.join(work, "monitor.sock")
    log = os.path.join(work, "serial.log")
    qemu = subprocess.Popen(
        [sys.executable, runner, "--iso", iso, "--firmware", firmware,
         "--quiet", "--log", log, "--timeout", "80", "--silence", "80",
         "--", "-monitor", "unix:%s,server,nowait" % sock],
        stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 70
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
        # The screen follows the serial port by a moment: a few tries.
        for attempt in range(5):
            screen = read_screen(sock, work, font)
            problem = screen if isinstance(screen, str) else check(screen,
                                                                   text)
            if problem is None:
                break
            time.sleep(0.5)
        if not isinstance(screen, str):
            print("---- screen (%d x %d) ----" % (len(screen[0]), len(screen)))
            print("\n".join(row.replace("\0", "#").rstrip() for row in screen))
        if problem:
            print("---- serial ----\n" + text)
            print("FAIL: " + problem)
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
