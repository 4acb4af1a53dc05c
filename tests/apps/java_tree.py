#!/usr/bin/env python3
"""Makes the file tree of the Java differential test (app-java-*):

    java_tree.py JAVA_HOME SOURCE OUT

OUT/JAVA_HOME is a runtime of java.base alone, made by the JDK's jlink
(44 MB where the JDK is 260), at the host JDK's own path, so that the
tree's copy is the one the host's `JAVA_HOME/bin/java` finds under
Wicket (the app's file is the tree's when the tree has one at its path);
OUT/app holds SOURCE compiled by javac. The host runs its own JDK in OUT.
"""

import os
import shutil
import subprocess
import sys


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    java_home, source, out = argv[1:]
    if os.path.exists(out):
        shutil.rmtree(out)
    runtime = os.path.join(out, java_home.lstrip("/"))
    os.makedirs(os.path.dirname(runtime))
    subprocess.run([os.path.join(java_home, "bin", "jlink"),
                    "--add-modules", "java.base", "--output", runtime,
                    "--no-header-files", "--no-man-pages", "--strip-debug"],
                   check=True)
    subprocess.run([os.path.join(java_home, "bin", "javac"), "-d",
                    os.path.join(out, "app"), source], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
