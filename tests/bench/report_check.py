#!/usr/bin/env python3
"""tools/bench_report.py on canned logs: the row parser (both line forms,
serial noise), rounds, ratios, the text and Markdown tables, CSV, JSON
and, when gnuplot is there, the PNG. No QEMU.

    report_check.py TOOLS/bench_report.py
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

# apps/bench as Wicket prints it (three rounds; the third has a row the
# others lack, as a row added to bench.c would), with the libOS's notes.
WICKET = [
    """bench: getpid              median    5823  min    3533 cycles per op, kernel entries per op 1.00
wicket: unimplemented syscall 100000 (unknown)
bench: invalid syscall     median    6368  min    3388 cycles per op, kernel entries per op 1.00
bench: raise round trip    median   93988  min   56367 cycles per op, kernel entries per op 4.00
wicket: exit status 0
""",
    """bench: getpid              median    6000  min    3000 cycles per op, kernel entries per op 1.00
bench: invalid syscall     median    6000  min    3500 cycles per op, kernel entries per op 1.00
bench: raise round trip    median   90000  min   50000 cycles per op, kernel entries per op 4.00
""",
    """bench: getpid              median    4000  min    3600 cycles per op, kernel entries per op 1.00
bench: invalid syscall     median    7000  min    3400 cycles per op, kernel entries per op 1.00
bench: raise round trip    median   99000  min   58000 cycles per op, kernel entries per op 4.00
bench: getpid (patched): median 40 min 38 cycles per op, kernel entries per op 0.00
""",
]
# A Linux guest's serial log: CRLF, a kernel message, the power-off.
LINUX = ("bench: getpid              median    2000  min    1364 cycles per op, kernel entries per op -\r\n"
         "[    4.788214] random: crng init done\r\n"
         "bench: invalid syscall     median    1394  min    1316 cycles per op, kernel entries per op -\r\n"
         "bench: raise round trip    median  234114  min  119430 cycles per op, kernel entries per op -\r\n"
         "[    5.404116] reboot: Power down\r\n")
LINUX_MITOFF = LINUX.replace("2000", "1000")
HOST = ("bench: getpid              median     551  min     544 cycles per op, kernel entries per op -\n"
        "bench: invalid syscall     median     359  min     298 cycles per op, kernel entries per op -\n"
        "bench: raise round trip    median   10036  min    7982 cycles per op, kernel entries per op -\n")
ICOUNT_WICKET = WICKET[0].replace("5823", "613")
ICOUNT_LINUX = LINUX.replace("2000", "309")
# The test libOS's scenarios: "NAME: median N cycles, min N cycles ...".
KERNEL = """wicket: command line: "test=bench wicket.bench=usercopy"
wicket: bench: copy_from_user 4096 bytes: median 3357 cycles, min 3283 cycles over 1000 copies
bench: tsc 2450175706 Hz, 100000 calls
bench: rdtsc pair overhead: median 25 cycles
bench: native nop round trip: median 686 cycles, min 392 cycles, mean 1895 cycles over 100000 calls
"""

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def main():
    tool = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        specs = []

        def log(spec, text):
            path = os.path.join(tmp, "%d.log" % len(specs))
            with open(path, "w", newline="") as f:
                f.write(text)
            specs.extend(["--log", "%s=%s" % (spec, path)])

        for text in WICKET:
            log("cycles:wicket", text)
        log("cycles:linux", LINUX)
        log("cycles:linux-mitoff", LINUX_MITOFF)
        log("cycles:host", HOST)
        log("instructions:wicket", ICOUNT_WICKET)
        log("instructions:linux", ICOUNT_LINUX)
        log("cycles:wicket-kernel", KERNEL)
        meta = os.path.join(tmp, "meta.json")
        with open(meta, "w") as f:
            json.dump({"date": "2026-01-01 00:00 UTC", "machine": "a test"}, f)
        out = os.path.join(tmp, "out")
        chart = shutil.which("gnuplot") is not None
        r = subprocess.run([sys.executable, tool, "--out", out, "--meta", meta]
                           + specs + ([] if chart else ["--no-chart"]),
                           capture_output=True, text=True)
        check(r.returncode == 0, "status %d: %s" % (r.returncode, r.stderr))
        text = r.stdout
        cycles_text = text.split("\n\n")[0]
        lines = {}
        for line in cycles_text.splitlines()[2:]:
            name, rest = line[2:].split("  ", 1)
            lines[name.strip()] = [name.strip()] + rest.split()

        # The median of the rounds' medians; ratios to Wicket.
        getpid = lines.get("getpid", [])
        check(getpid[1:8] == ["5823", "2000", "1000", "551", "0.34", "0.17",
                              "0.09"], "getpid row: %r" % getpid)
        check(getpid[-1] == "1.00", "getpid kernel entries: %r" % getpid)
        # A row only Wicket has: "-" elsewhere.
        patched = text.split("getpid (patched)")[1].split("\n")[0].split()
        check(patched[:4] == ["40", "-", "-", "-"], "patched row: %r" % patched)
        check(text.index("raise round trip") < text.index("getpid (patched)"),
              "row order")
        # The instruction table has no host column.
        icount = text.split("guest instructions")[1].split("\n\n")[0]
        check("host" not in icount and "Linux m=off" not in icount,
              "instruction columns: %r" % icount.splitlines()[1])
        check("613" in icount and "0.50" in icount, "instruction ratios")
        # Wicket's own paths, both line forms, the "wicket: " prefix.
        own = text.split("Wicket's own paths")[1]
        for name, value in (("copy_from_user 4096 bytes", "3357"),
                            ("native nop round trip", "686"),
                            ("rdtsc pair overhead", "25")):
            check(name in own and value in own.split(name)[1].split("\n")[0],
                  "own path %s" % name)
        check(not any(line.lstrip().startswith("tsc")
                      for line in own.splitlines()), "the tsc line is no row")

        with open(os.path.join(out, "bench.csv")) as f:
            rows = list(csv.DictReader(f))
        byk = {(r["table"], r["operation"], r["config"]): r for r in rows}
        g = byk.get(("cycles", "getpid", "wicket"), {})
        check(g.get("median") == "5823" and g.get("min") == "3000"
              and g.get("rounds") == "3" and g.get("kernel_entries") == "1.00",
              "csv wicket getpid: %r" % g)
        check(byk.get(("cycles", "getpid", "linux"), {}).get(
            "ratio_to_wicket") == "0.3435", "csv ratio")
        check(("wicket-kernel-cycles", "native nop round trip", "wicket")
              in byk, "csv own paths")

        with open(os.path.join(out, "bench.json")) as f:
            report = json.load(f)
        cycles = report["tables"]["cycles"]
        check(cycles["configs"] == ["wicket", "linux", "linux-mitoff", "host"],
              "json configs")
        check([row["name"] for row in cycles["rows"]] ==
              ["getpid", "invalid syscall", "raise round trip",
               "getpid (patched)"], "json rows")
        check(report["meta"]["machine"] == "a test", "json meta")

        with open(os.path.join(out, "bench.md")) as f:
            md = f.read()
        check("| getpid | 5823 | 2000 | 1000 | 551 | 0.34 |" in md, "markdown")
        check("Measured 2026-01-01 00:00 UTC on a test." in md, "markdown date")
        if chart:
            with open(os.path.join(out, "bench.png"), "rb") as f:
                check(f.read(8) == b"\x89PNG\r\n\x1a\n", "bench.png")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        print(text)
        return 1
    print("PASS" + ("" if chart else " (no gnuplot: no chart)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
