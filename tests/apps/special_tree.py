#!/usr/bin/env python3
"""Runs differential.py with a --files tree that git cannot hold: a FIFO
and a socket file (and a plain file) in special/, made afresh in a
temporary directory, for `fifo tree` (tests/apps/fifo.c). On Wicket they
come through the file archive (cpio keeps them); differential.py makes
them again in the host run's copy.

    special_tree.py -- DIFFERENTIAL-ARGUMENTS...
"""

import os
import socket
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) < 3 or argv[1] != "--":
        sys.stderr.write(__doc__)
        return 2
    with tempfile.TemporaryDirectory(prefix="wicket-special-") as tree:
        special = os.path.join(tree, "special")
        os.mkdir(special)
        os.mkfifo(os.path.join(special, "fifo"), 0o640)
        os.chmod(os.path.join(special, "fifo"), 0o640)
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(os.path.join(special, "sock"))
        os.chmod(os.path.join(special, "sock"), 0o751)
        with open(os.path.join(special, "plain"), "w") as f:
            f.write("plain\n")
        return subprocess.run(argv[2:] + ["--files", tree]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
