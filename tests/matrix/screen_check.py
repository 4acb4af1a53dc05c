#!/usr/bin/env python3
"""Test: the console reaches the screen, the same lines as the serial port.

    screen_check.py RUNNER MKISO KERNEL LIBOS APP text
    screen_check.py RUNNER MKISO KERNEL LIBOS APP framebuffer FONT
    screen_check.py RUNNER MKISO KERNEL LIBOS APP terminal-text
                    [--argv ARGV [--read-after TEXT] [RUNNER OPTION...]]
    screen_check.py RUNNER MKISO KERNEL LIBOS APP terminal-framebuffer FONT

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
screen's width), the app's last line and the exit line among them.

The terminal kinds run APP, tests/matrix/terminal_script.c, whose escape
sequences the libOS's terminal draws (libos/terminal.c): the serial log,
from the kernel's first line on, is fed to pyte (Debian's python3-pyte, a
VT100 emulator) with the screen's size, and every cell must hold pyte's
character (past ASCII: as terminal.c's fallback) in pyte's colours (VGA
text: the attribute byte; the framebuffer: the cell's pixels, drawn as
the kernel draws them), but the cell under pyte's cursor, which may also
be drawn in reverse. The app's last line must report its native calls'
checks passed and the screen's size.

With --no-serial (a runner option), QEMU has no serial port: the screen is
the console alone, read until it shows the halt; terminal_script's report
on it must give the screen's size, the default without a serial port.

With --argv, a terminal kind runs APP with that module string instead (a
program of the host's, busybox's vi say) and checks the screen alone; with
--read-after TEXT the screen is read once the serial log has TEXT, not at
the halt; the options after them go to the runner (--keys, --stdin-after,
...). pyte has no alternate screen (`ESC[?1049h`): the check stands one in;
and it decodes the UTF-8 itself, since pyte ignores the character sets
(`ESC ( 0`, SO, SI) when it does.
Exit 0 or 1.
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


def read_text_cells(sock):
    """The 2000 VGA text cells (character | attribute << 8), or an error
    string."""
    out = monitor(sock, "xp /2000xh 0xb8000")
    cells = []
    for line in out.replace("\r", "").split("\n"):
        match = re.match(r"^[0-9a-f]+: (.*)$", line.strip())
        if match:
            cells += [int(v, 16) for v in
                      re.findall(r"0x([0-9a-f]{4})", match.group(1))]
    if len(cells) < 2000:
        return "read %d cells, not 2000:\n%s" % (len(cells), out[:2000])
    return cells[:2000]


def read_text_screen(sock, _work, _font):
    """The VGA text cells as rows of characters, or an error string."""
    cells = read_text_cells(sock)
    if isinstance(cells, str):
        return cells
    chars = "".join(chr(c & 0xff) if 32 <= (c & 0xff) < 127 else " "
                    for c in cells[:2000])
    return [chars[i:i + 80] for i in range(0, 2000, 80)]


def load_glyphs(path):
    """ascii.h's 128 glyphs, each 16 rows of 8 pixels (0/1 bytes)."""
    with open(path) as f:
        data = [int(v, 16) for v in
                re.findall(r"0x([0-9a-fA-F]{1,2})\b", f.read())]
    if len(data) != 128 * 16:
        sys.exit("FAIL: %s holds %d bytes, not 128 glyphs" % (path, len(data)))
    return [tuple(bytes((row >> (7 - x)) & 1 for x in range(8))
                  for row in data[code * 16:code * 16 + 16])
            for code in range(128)]


def load_font(path):
    """{glyph: character} for the printable characters."""
    glyphs = {}
    for code, rows in enumerate(load_glyphs(path)):
        if code < 32 or code > 126:
            continue
        if rows in glyphs:
            sys.exit("FAIL: %r and %r have the same glyph"
                     % (glyphs[rows], chr(code)))
        glyphs[rows] = chr(code)
    return glyphs


def read_screendump(sock, work):
    """(width, height, RGB bytes) of a screendump, or an error string."""
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
    return width, height, image[header.end():]


def read_framebuffer_screen(sock, work, font):
    """The framebuffer as rows of characters ('\\0' for a cell that is no
    glyph), or an error string."""
    dump = read_screendump(sock, work)
    if isinstance(dump, str):
        return dump
    width, height, pixels = dump
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


# The terminal kinds.
VGA_RGB = [0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa,
           0xaa5500, 0xaaaaaa, 0x555555, 0x5555ff, 0x55ff55, 0x55ffff,
           0xff5555, 0xff55ff, 0xffff55, 0xffffff]
PYTE_COLOURS = {"black": 0, "red": 4, "green": 2, "brown": 6, "blue": 1,
                "magenta": 5, "cyan": 3, "white": 7}
HORIZONTAL = {0x2500, 0x2501, 0x2504, 0x2505, 0x2508, 0x2509, 0x254c,
              0x254d, 0x2550}
VERTICAL = {0x2502, 0x2503, 0x2506, 0x2507, 0x250a, 0x250b, 0x254e, 0x254f,
            0x2551}
ALTERNATE_SCREEN = re.compile(rb"\x1b\[\?(?:1049|1047|47)([hl])")
REPORT = re.compile(r"winsize ok (\d+)x(\d+), bad calls refused: yes, "
                    r"cursor right, first cell '(.)'")


def fallback(data):
    """A pyte cell's text as the one ASCII character terminal.c draws."""
    if data == "":
        return " "
    code = ord(data[0])
    if code < 128:
        return data[0]
    if code == 0xa0:
        return " "
    if code in HORIZONTAL:
        return "-"
    if code in VERTICAL:
        return "|"
    if 0x2580 <= code <= 0x259f:  # blocks and shades
        return "#"
    return "+" if 0x2500 <= code <= 0x257f else "?"


def reversed_cell(cell):
    """A cell as terminal.c draws it under the cursor."""
    return (cell & 0x88ff) | (cell & 0x0700) << 4 | (cell & 0x7000) >> 4


def pyte_cells(serial, columns, rows):
    """pyte's screen after the serial log `serial`: (cells as
    WK_SCREEN_CELL values, the cursor's cell or None)."""
    try:
        import pyte
    except ImportError:  # a Python of its own (pyenv) next to Debian's
        sys.path.append("/usr/lib/python3/dist-packages")
        import pyte
    # pyte has no alternate screen (xterm's modes 47, 1047, 1049): one
    # more Screen stands for it, starting blank at the main one's cursor
    # and pen, which it leaves as they were.
    # And pyte ignores the character sets (ESC ( 0, SO, SI) when it reads
    # UTF-8 itself; xterm and terminal.c do not: the text goes to it
    # decoded, its own UTF-8 mode off.
    def text_stream(screen):
        stream = pyte.Stream(screen)
        stream.use_utf8 = False
        return stream

    main_screen = screen = pyte.Screen(columns, rows)
    stream = text_stream(screen)
    for index, part in enumerate(ALTERNATE_SCREEN.split(serial)):
        if index % 2 == 0:  # text; between them, "h" or "l"
            stream.feed(part.decode("utf-8", "replace"))
            continue
        alternate = part == b"h"
        if alternate == (screen is not main_screen):
            continue
        screen = pyte.Screen(columns, rows) if alternate else main_screen
        if alternate:
            screen.cursor.x, screen.cursor.y = (main_screen.cursor.x,
                                                main_screen.cursor.y)
            screen.cursor.attrs = main_screen.cursor.attrs
        stream = text_stream(screen)
    cells = []
    for y in range(rows):
        for x in range(columns):
            char = screen.buffer[y][x]
            foreground = PYTE_COLOURS.get(char.fg, 7) | (8 if char.bold else 0)
            background = PYTE_COLOURS.get(char.bg, 0)
            attribute = (background | (foreground & 7) << 4 if char.reverse
                         else foreground | background << 4)
            cells.append(ord(fallback(char.data)) | attribute << 8)
    cursor = screen.cursor
    at = None if cursor.hidden else (min(cursor.y, rows - 1) * columns +
                                     min(cursor.x, columns - 1))
    return cells, at


def read_terminal_text(sock, _work, _glyphs):
    cells = read_text_cells(sock)
    return cells if isinstance(cells, str) else (80, 25, cells, False)


def read_terminal_framebuffer(sock, work, glyphs):
    """The framebuffer's cells as WK_SCREEN_CELL values: each cell's pixels
    must be a glyph in a foreground and a background colour of VGA's 16
    (the background of its first 8), else it is 0xffff."""
    dump = read_screendump(sock, work)
    if isinstance(dump, str):
        return dump
    width, height, pixels = dump
    columns, rows = width // 8, height // 16
    drawn = {}  # (glyph's pixels as RGB bytes) -> cell
    for code in range(32, 127):
        for attribute in range(128):
            on, off = (VGA_RGB[attribute & 15].to_bytes(3, "big"),
                       VGA_RGB[attribute >> 4].to_bytes(3, "big"))
            image = b"".join(on if bit else off for row in glyphs[code]
                             for bit in row)
            drawn.setdefault(image, code | attribute << 8)
    cells = []
    for y in range(rows):
        for x in range(columns):
            image = b"".join(
                pixels[((y * 16 + row) * width + x * 8) * 3:
                       ((y * 16 + row) * width + x * 8 + 8) * 3]
                for row in range(16))
            cells.append(drawn.get(image, 0xffff))
    return columns, rows, cells, True


def describe(cell):
    return "%r in 0x%02x" % (chr(cell & 0xff), cell >> 8)


def differences(screen, expected, cursor):
    """The cells of screen that are not pyte's, described."""
    columns, _rows, cells, framebuffer = screen
    wrong = []
    for at, (cell, want) in enumerate(zip(cells, expected)):
        same = cell == want
        if framebuffer and (want & 0xff) == 32 and (cell & 0xff) == 32:
            # A blank's foreground is not drawn on a framebuffer.
            same = cell >> 12 == (want >> 12) & 7
        if not same and not (at == cursor and cell == reversed_cell(want)):
            wrong.append("row %d column %d: %s, pyte %s"
                         % (at // columns, at % columns, describe(cell),
                            describe(want)))
    return wrong


def check_terminal(screen, serial, report_expected=True):
    """None when every cell is pyte's, else why not. The kernel draws from
    the line after it maps the screen on, which is one of its boot lines:
    pyte starts at each, and the closest is taken."""
    columns, rows, cells, framebuffer = screen
    first = serial.rfind(b"wicket: kernel ")
    last = serial.find(b"wicket: entering the libOS", first)
    starts = [first] + [at + 2 for at in range(first, last)
                        if serial.startswith(b"\r\nwicket: ", at)]
    best = None
    for start in starts:
        expected, cursor = pyte_cells(serial[start:], columns, rows)
        wrong = differences(screen, expected, cursor)
        if best is None or len(wrong) < len(best[0]):
            best = wrong, expected
    wrong, expected = best
    if wrong:
        return "%d cells differ from pyte's:\n  %s\n---- pyte ----\n%s" % (
            len(wrong), "\n  ".join(wrong[:20]),
            show_terminal((columns, rows, expected, framebuffer)))
    if not report_expected:
        return None
    report = REPORT.search(serial.decode("utf-8", "replace"))
    if report is None:
        return "the app's report is missing or says a check failed"
    if (int(report.group(1)), int(report.group(2))) != (columns, rows):
        return "TIOCGWINSZ gave %sx%s, not the screen's %dx%d" % (
            report.group(1), report.group(2), columns, rows)
    if report.group(3) != chr(cells[0] & 0xff):
        return "screen_read's first cell was %r, the screen's %r" % (
            report.group(3), chr(cells[0] & 0xff))
    return None


def show_terminal(screen):
    columns, rows, cells, _framebuffer = screen
    return "\n".join("".join(chr(c & 0xff) if 32 <= (c & 0xff) < 127
                              and c != 0xffff else "#"
                              for c in cells[y * columns:(y + 1) * columns])
                      .rstrip() for y in range(rows))


def check_screen_alone(sock, work, read_screen, font, read_after):
    """--no-serial: the screen is the console alone. Waits for read_after
    on it, then for terminal_script's report, with the screen's size."""
    deadline = time.monotonic() + 70
    shown = ""
    while time.monotonic() < deadline:
        time.sleep(0.5)
        try:
            screen = read_screen(sock, work, font)
        except OSError:  # QEMU's monitor is not up yet
            continue
        if not isinstance(screen, str):
            shown = show_terminal(screen)
            if read_after in shown:
                break
    else:
        print(shown)
        print("FAIL: the screen did not show %r" % read_after)
        return 1
    print("---- screen (%d x %d) ----\n%s" % (screen[0], screen[1], shown))
    report = REPORT.search(shown)
    if report is None:
        print("FAIL: the app's report is missing or says a check failed")
        return 1
    if (int(report.group(1)), int(report.group(2))) != screen[:2]:
        print("FAIL: TIOCGWINSZ gave %sx%s, not the screen's %dx%d" % (
            report.group(1), report.group(2), screen[0], screen[1]))
        return 1
    print("PASS: without a serial port, the screen is the terminal")
    return 0


def main():
    runner, mkiso, kernel, libos, app, kind = sys.argv[1:7]
    rest = sys.argv[7:]
    terminal = kind.startswith("terminal-")
    font = None
    if kind == "framebuffer":
        font = load_font(rest.pop(0))
    elif kind == "terminal-framebuffer":
        font = load_glyphs(rest.pop(0))
    module_string, read_after = None, "halting (wicket.on_exit=halt)"
    if rest[:1] == ["--argv"]:
        module_string, rest = rest[1], rest[2:]
    if rest[:1] == ["--read-after"]:
        read_after, rest = rest[1], rest[2:]
    read_screen, check_screen = {
        "text": (read_text_screen, check),
        "framebuffer": (read_framebuffer_screen, check),
        "terminal-text": (read_terminal_text, check_terminal),
        "terminal-framebuffer": (read_terminal_framebuffer, check_terminal),
    }[kind]
    if module_string is not None:
        check_screen = (lambda screen, serial:
                        check_terminal(screen, serial, False))
    firmware = "bios" if kind.endswith("text") else "uefi"
    work = tempfile.mkdtemp(prefix="wicket-screen-")
    iso = os.path.join(work, "screen.iso")
    if module_string is None:
        module_string = " ".join(["terminal_script"] if terminal
                                 else ["hello"] + APP_ARGS)
    # The terminal kinds: the screen is the terminal a person looks at,
    # whose size TIOCGWINSZ gives (without a serial port, by default).
    no_serial = "--no-serial" in rest
    options = "wicket.on_exit=halt" + (
        " wicket.winsize=screen" if terminal and not no_serial else "")
    subprocess.run([mkiso, iso, os.path.join(work, "staging"), kernel,
                    "-c", options, "-m", libos, "libos",
                    "-m", app, module_string], check=True)
    sock = os.path.join(work, "monitor.sock")
    log = os.path.join(work, "serial.log")
    qemu = subprocess.Popen(
        [sys.executable, runner, "--iso", iso, "--firmware", firmware,
         "--quiet", "--log", log, "--timeout", "80", "--silence", "80"] +
        rest + ["--", "-monitor", "unix:%s,server,nowait" % sock],
        stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        if no_serial:
            return check_screen_alone(sock, work, read_screen, font,
                                      read_after)
        deadline = time.monotonic() + 70
        text = ""
        while time.monotonic() < deadline:
            if os.path.exists(log):
                with open(log, "rb") as f:
                    serial = f.read()
                text = serial.decode("utf-8", "replace")
                if read_after in text:
                    break
            time.sleep(0.2)
        else:
            print(text)
            print("FAIL: the boot did not reach %r" % read_after)
            return 1
        # The screen follows the serial port by a moment: a few tries.
        for attempt in range(5):
            screen = read_screen(sock, work, font)
            problem = screen if isinstance(screen, str) else check_screen(
                screen, serial if terminal else text)
            if problem is None:
                break
            time.sleep(0.5)
        if isinstance(screen, str):
            pass
        elif terminal:
            print("---- screen (%d x %d) ----" % tuple(screen[:2]))
            print(show_terminal(screen))
        else:
            print("---- screen (%d x %d) ----" % (len(screen[0]), len(screen)))
            print("\n".join(row.replace("\0", "#").rstrip() for row in screen))
        if problem:
            print("---- serial ----\n" + text)
            print("FAIL: " + problem)
            return 1
        print("PASS: the screen shows what pyte draws" if terminal else
              "PASS: the console's lines are on the screen")
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
