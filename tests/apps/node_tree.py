#!/usr/bin/env python3
"""Makes the file tree of the Node.js differential test (app-node-*):

    node_tree.py SCRIPT OUT

OUT holds SCRIPT and, when the host has it, a copy of /usr/share/nodejs:
Debian's node loads some of its own modules (acorn, cjs-module-lexer,
undici: other Debian packages) from there when it starts, so under
Wicket the tree must have them where the host does.
"""

import os
import shutil
import sys

SHARED = "/usr/share/nodejs"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    script, out = argv[1:]
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    shutil.copy(script, out)
    if os.path.isdir(SHARED):
        shutil.copytree(SHARED, os.path.join(out, SHARED.lstrip("/")),
                        symlinks=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
