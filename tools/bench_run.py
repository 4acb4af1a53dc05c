#!/usr/bin/env python3
"""Run apps/bench on Wicket, on a Linux guest and on the host; report.

    bench_run.py --build DIR --out DIR [--linux-dir DIR] [--rounds N]
        [--no-icount] [--no-linux] [--no-host]

What `./wicket bench` runs after the build (docs/bench.md). Each round
of TSC cycles boots, under the runner's accelerator and flags:

  Wicket            the test libOS's scenarios (Wicket's own paths) and
                    apps/bench (build/apps/bench-static) as the app;
  Linux guest       --linux-dir's kernel (boot/vmlinuz-*, Debian's cloud
                    kernel unpacked by ./wicket) with an initramfs whose
                    /init is the same bench binary, command line
                    "console=ttyS0 quiet panic=-1";
  Linux guest       the same with mitigations=off;
  host              the same binary run natively.

Then once more each guest under TCG with -icount shift=0 (the TSC counts
guest instructions: deterministic). The serial logs go to OUT/logs/, the
tables, bench.csv, bench.json and bench.png to OUT (tools/bench_report.py).
Progress goes to stderr, the tables to stdout. Exits 1 if any run failed
(the report then has "-" where it is missing). Python 3.11, standard
library only; needs cpio for the initramfs.
"""

import argparse
import datetime
import glob
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
import bench_report  # noqa: E402

RUNNER = os.path.join(TOOLS, "qemu_run.py")
LINUX_RUNNER = os.path.join(TOOLS, "bench_linux.py")
MKBUNDLE = os.path.join(TOOLS, "mkbundle.py")

# The test libOS's benchmark scenarios (as `./wicket bench` always ran).
KERNEL_SCENARIOS = ["test=bench wicket.bench=usercopy", "test=events-bench"]
LINUX_CMDLINE = "console=ttyS0 quiet panic=-1"
ICOUNT = ["--accel", "tcg", "--", "-icount", "shift=0"]
# Generous: a Linux guest boots in ~7 s under TCG here, ~13 s with
# -icount; QEMU can pause instead of exiting, so both limits are needed.
TIMEOUT = ["--timeout", "240", "--silence", "90"]
HOST_TIMEOUT = 120
STEP_LIMIT = 600            # over the runner's own limits, just in case


def read_rows(path):
    try:
        with open(path, errors="replace") as f:
            return bench_report.parse(f.read())
    except OSError:
        return {}


def progress(text, end="\n"):
    sys.stderr.write(text + end)
    sys.stderr.flush()


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.out = os.path.abspath(args.out)
        self.logs = os.path.join(self.out, "logs")
        self.specs = []          # bench_report --log specs
        self.failures = []
        self.step = 0
        self.steps = 0
        self.vmlinuz = None
        self.initramfs = None

    # -- one measurement ----------------------------------------------------

    def run_step(self, title, log_name, spec_prefix, command, required=()):
        """Runs one measurement whose serial log (or, for the host, output)
        becomes LOG_NAME and records it for the report. It succeeds with
        status 0, at least one row and every row of REQUIRED. Returns the
        rows, or None on failure."""
        self.step += 1
        path = os.path.join(self.logs, log_name)
        diag_path = path + ".stderr"
        head = "bench: [%2d/%d] %s... " % (self.step, self.steps, title)
        live = sys.stderr.isatty()
        progress(head, end="")
        started = time.monotonic()
        with open(diag_path, "wb") as diag:
            if command[0] == "host":
                out = open(path, "wb")
                argv, limit = command[1:], HOST_TIMEOUT
            else:
                out = diag
                argv = [sys.executable, command[0], "--quiet", "--log",
                        path] + command[1:]
                limit = STEP_LIMIT
            try:
                proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                        stdout=out, stderr=diag)
                status = None
                while status is None:
                    try:
                        status = proc.wait(timeout=0.5)
                    except subprocess.TimeoutExpired:
                        elapsed = time.monotonic() - started
                        if elapsed > limit:
                            proc.terminate()
                            try:
                                proc.wait(timeout=10)
                            except subprocess.TimeoutExpired:
                                proc.kill()
                                proc.wait()
                            status = 124
                            diag.write(b"bench: stopped after %d s\n" % limit)
                        elif live:
                            n = len(read_rows(path))
                            progress("\r\033[K%s%.0f s, %s" % (
                                head, elapsed, "%d rows so far" % n if n
                                else "no row yet"), end="")
            finally:
                if out is not diag:
                    out.close()
        elapsed = time.monotonic() - started
        rows = read_rows(path)
        missing = [name for name in required if name not in rows]
        if live:
            progress("\r\033[K" + head, end="")
        if status == 0 and rows and not missing:
            progress("%.1f s, %d rows" % (elapsed, len(rows)))
            for prefix in spec_prefix:
                self.specs.append("%s=%s" % (prefix, path))
            return rows
        if status:
            why = "status %d" % status
        elif not rows:
            why = "no bench rows"
        else:
            why = "rows missing: %s" % ", ".join(missing)
        progress("FAILED (%s) after %.1f s; log: %s" % (why, elapsed, path))
        with open(diag_path, errors="replace") as f:
            diag_lines = [line.rstrip() for line in f
                          if not line.startswith("runner: accel=")]
        if diag_lines:
            progress("\n".join("  | " + line for line in diag_lines[-40:]))
        self.failures.append(title)
        return None

    # -- the configurations ---------------------------------------------------

    def wicket(self, table, tag, slug, extra):
        kernel = os.path.join(self.build, "kernel", "wicket.elf")
        test_kernel = os.path.join(self.build, "kernel", "wicket-test.elf")
        test_libos = os.path.join(self.build, "tests", "libos",
                                  "test-libos.elf")
        parts = []
        for i, scenario in enumerate(KERNEL_SCENARIOS):
            parts.append("%s-wicket-kernel-%d.log" % (slug, i))
            self.run_step("Wicket, own paths (%s), %s" % (scenario, tag),
                          parts[-1], [],
                          [RUNNER, "--kernel", test_kernel, "--initrd",
                           test_libos, "--append", scenario] + TIMEOUT + extra)
        # The scenarios' rows make one table: their logs, concatenated.
        joined = os.path.join(self.logs, "%s-wicket-kernel.log" % slug)
        with open(joined, "w") as out:
            for part in parts:
                try:
                    with open(os.path.join(self.logs, part),
                              errors="replace") as f:
                        out.write(f.read())
                except OSError:
                    pass
        self.specs.append("%s:wicket-kernel=%s" % (table, joined))
        self.run_step("Wicket, apps/bench, %s" % tag, "%s-wicket.log" % slug,
                      ["%s:wicket" % table],
                      [RUNNER, "--kernel", kernel, "--initrd", self.bundle,
                       "--append", "wicket.quiet"] + TIMEOUT + extra)

    def linux(self, table, tag, slug, mitoff, extra, required):
        cmdline = LINUX_CMDLINE + (" mitigations=off" if mitoff else "")
        config = "linux-mitoff" if mitoff else "linux"
        self.run_step("booting Linux guest%s, %s" % (
                          " (mitigations=off)" if mitoff else "", tag),
                      "%s-%s.log" % (slug, config), ["%s:%s" % (table, config)],
                      [LINUX_RUNNER, "--kernel", self.vmlinuz, "--initrd",
                       self.initramfs, "--append", cmdline] + TIMEOUT + extra,
                      required)

    # -- set-up ----------------------------------------------------------------

    def prepare(self):
        shutil.rmtree(self.logs, ignore_errors=True)
        os.makedirs(self.logs)
        self.app = os.path.join(self.build, "apps", "bench-static")
        self.bundle = os.path.join(self.out, "wicket-bench.bundle")
        subprocess.run([sys.executable, MKBUNDLE, self.bundle,
                        os.path.join(self.build, "libos", "libos.elf"),
                        "libos", self.app, "bench"], check=True)
        if self.args.no_linux:
            return
        if not self.args.linux_dir:
            progress("bench: no Linux guest kernel (see the message above): "
                     "the Linux columns stay empty")
            self.failures.append("Linux guest kernel")
            return
        found = sorted(glob.glob(os.path.join(self.args.linux_dir, "boot",
                                              "vmlinuz-*")))
        if not found:
            progress("bench: no boot/vmlinuz-* in %s" % self.args.linux_dir)
            self.failures.append("Linux guest kernel")
            return
        self.vmlinuz = found[-1]
        self.initramfs = os.path.join(self.out, "initramfs.cpio")
        make_initramfs(self.app, self.initramfs)

    def plan(self):
        per_round = len(KERNEL_SCENARIOS) + 1
        if self.vmlinuz:
            per_round += 2
        if not self.args.no_host:
            per_round += 1
        self.steps = per_round * self.args.rounds
        if not self.args.no_icount:
            self.steps += len(KERNEL_SCENARIOS) + 1 + (2 if self.vmlinuz else 0)

    def run(self):
        self.prepare()
        self.plan()
        rounds = self.args.rounds
        # The host's rows are the ones a Linux guest must print too (the
        # same binary on the same kind of kernel): a guest whose bench
        # died half-way still powers off.
        reference = ()
        for r in range(1, rounds + 1):
            tag, slug = "TSC cycles, round %d/%d" % (r, rounds), "cycles-%d" % r
            if not self.args.no_host:
                rows = self.run_step("host, apps/bench natively, %s" % tag,
                                     "%s-host.log" % slug, ["cycles:host"],
                                     ["host", self.app])
                reference = reference or tuple(rows or ())
            self.wicket("cycles", tag, slug, [])
            if self.vmlinuz:
                # Alternated, so that the order favours neither column.
                for mitoff in (False, True) if r % 2 else (True, False):
                    self.linux("cycles", tag, slug, mitoff, [], reference)
        if not self.args.no_icount:
            tag, slug = "instructions (-icount shift=0)", "instructions"
            self.wicket("instructions", tag, slug, ICOUNT)
            if self.vmlinuz:
                self.linux("instructions", tag, slug, False, ICOUNT, reference)
                self.linux("instructions", tag, slug, True, ICOUNT, reference)
        meta = self.meta()
        report = bench_report.build(bench_report.read_logs(self.specs), meta)
        text, error = bench_report.write_all(report, self.out)
        sys.stdout.write("\n" + text)
        if error:
            progress("bench: %s" % error)
            if error != bench_report.NO_RATIOS:
                self.failures.append("chart")
        progress("bench: wrote %s/bench.{txt,md,csv,json%s} (logs in %s)" % (
            self.out, "" if error else ",png", self.logs))
        if self.failures:
            progress("bench: failed: %s" % "; ".join(self.failures))
            return 1
        return 0

    def meta(self):
        accel = subprocess.run([sys.executable, RUNNER, "--which-accel"],
                               capture_output=True, text=True).stdout.strip()
        qemu = subprocess.run(["qemu-system-x86_64", "--version"],
                              capture_output=True, text=True)
        qemu = qemu.stdout.splitlines()[0] if qemu.stdout else "?"
        now = datetime.datetime.now(datetime.timezone.utc)
        guest = (os.path.basename(self.vmlinuz).replace("vmlinuz-", "")
                 if self.vmlinuz else None)
        machine = machine_description()
        setup = ("QEMU %s, %s; Wicket and the Linux guest (Debian's "
                 "linux-image-%s, command line \"%s\", apps/bench as /init) "
                 "under the same flags (-machine pc, 256 MiB, one vCPU); "
                 "TSC-cycle medians are the median of %d rounds; "
                 "instructions under TCG with -icount shift=0." % (
                     qemu.replace("QEMU emulator version ", ""),
                     accel.replace("runner: ", ""), guest or "-",
                     LINUX_CMDLINE, self.args.rounds))
        return {"date": now.strftime("%Y-%m-%d %H:%M UTC"),
                "machine": machine, "accel": accel, "qemu": qemu,
                "linux_guest": guest, "linux_cmdline": LINUX_CMDLINE,
                "rounds": self.args.rounds, "setup": setup}


def machine_description():
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break           # the first CPU is enough
                key, _, value = line.partition(":")
                info[key.strip()] = value.strip()
    except OSError:
        pass
    cpu = info.get("model name", "?")
    if "cpu family" in info and "model" in info:
        cpu += " (family %s model %s)" % (info["cpu family"], info["model"])
    os_name = "?"
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return "%s, %d cores, %s, host kernel %s" % (
        cpu, os.cpu_count() or 0, os_name, platform.release())


def make_initramfs(app, path):
    """A newc cpio archive holding only /init = the bench binary (owned by
    root). /init makes /dev/console itself (apps/bench/bench.c)."""
    if shutil.which("cpio") is None:
        raise SystemExit("bench: cpio not found (./wicket deps installs it)")
    with tempfile.TemporaryDirectory(prefix="wicket-initramfs-") as staging:
        shutil.copyfile(app, os.path.join(staging, "init"))
        os.chmod(os.path.join(staging, "init"), 0o755)
        with open(path, "wb") as out:
            subprocess.run(["cpio", "-o", "-H", "newc", "-R", "0:0", "--quiet"],
                           input=b"init\n", stdout=out, cwd=staging,
                           check=True)


def main(argv):
    p = argparse.ArgumentParser(prog="bench_run.py",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--build", required=True, metavar="DIR")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--linux-dir", metavar="DIR",
                   help="the unpacked kernel package (boot/vmlinuz-*)")
    p.add_argument("--rounds", type=int, default=3,
                   help="rounds of TSC-cycle runs (default 3)")
    p.add_argument("--no-icount", action="store_true")
    p.add_argument("--no-linux", action="store_true")
    p.add_argument("--no-host", action="store_true")
    args = p.parse_args(argv)
    if args.rounds < 1:
        p.error("--rounds must be at least 1")
    return Bench(args).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
