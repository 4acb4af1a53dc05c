#!/usr/bin/env python3
"""tools/qemu_run.py with one more option, `--forward udp:PORT:7777` (PORT
a free one on 127.0.0.1), while a child process sends the datagram
"wicket forward test" to 127.0.0.1:PORT every 50 ms until the runner ends:
the test libOS's net-forward scenario prints the first that reaches it.
For boot_check.py's --runner.

    net_forward_runner.py [RUNNER-ARGS...]
"""
import os
import socket
import sys
import time

PAYLOAD = b"wicket forward test"
GUEST_PORT = 7777
RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "..", "tools", "qemu_run.py")


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send_until_parent_ends(port, parent):
    # Until the runner has bound the port (QEMU's start), sends fail or
    # go nowhere: both are fine.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        while os.getppid() == parent:
            try:
                s.sendto(PAYLOAD, ("127.0.0.1", port))
            except OSError:
                pass
            time.sleep(0.05)


def main():
    args = sys.argv[1:]
    port = free_udp_port()
    parent = os.getpid()
    if os.fork() == 0:
        try:
            send_until_parent_ends(port, parent)
        finally:
            os._exit(0)
    # The runner takes this process's place, so that the signals
    # boot_check.py passes on reach it.
    os.execv(sys.executable, [sys.executable, RUNNER, "--forward",
                              "udp:%d:%d" % (port, GUEST_PORT)] + args)


if __name__ == "__main__":
    main()
