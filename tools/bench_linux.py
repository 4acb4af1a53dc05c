#!/usr/bin/env python3
"""Boot a Linux guest under exactly the runner's QEMU flags.

    bench_linux.py [qemu_run.py options] --kernel VMLINUZ --initrd CPIO
        --append "console=ttyS0 ..."

The options, accelerator choice, timeouts, fatal-error detection and
logging are tools/qemu_run.py's (docs/runner.md). One difference: a
Linux guest ends with an ACPI power-off (its /init calls
reboot(RB_POWER_OFF)), so QEMU's status 0 is success here, where the
runner wants Wicket's exit line. A panic under `panic=-1 -no-reboot`
also ends with 0: the caller checks the output (tools/bench_run.py wants
every row). Everything else decodes as in the runner. `./wicket bench` boots apps/bench this way (docs/bench.md).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_run  # noqa: E402


class LinuxGuestRun(qemu_run.Run):
    def decode(self):
        if self.proc.returncode == 0:
            return 0            # ACPI power-off (or a reset under -no-reboot)
        return super().decode()


def main(argv):
    qemu_run.Run = LinuxGuestRun
    return qemu_run.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
