# How CPython ends: deep recursion, a huge allocation, then an uncaught
# exception (traceback on stderr, status 1). The traceback names this file
# by its absolute path, which is the tree's copy on the host: the hook
# prints it without its directory.
import os
import sys
import traceback

here = os.path.join(os.path.dirname(__file__), "")


def report(kind, value, trace):
    text = "".join(traceback.format_exception(kind, value, trace))
    sys.stderr.write(text.replace('File "' + here, 'File "'))


sys.excepthook = report


def down(n):
    return down(n + 1) + 1


try:
    down(0)
except RecursionError as error:
    print("recursion:", error)
sys.setrecursionlimit(20000)
try:
    down(0)
except RecursionError as error:
    print("deeper recursion:", error)
try:
    bytearray(1 << 46)
except MemoryError:
    print("MemoryError")
big = bytearray(64 << 20)
big[-1] = 7
print("64 MiB", len(big), big[-1], sum(big[::4096]))
del big
print("to stderr", file=sys.stderr)
{}["missing"]
