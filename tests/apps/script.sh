#!/bin/sh -e
# A "#!" script as the app (docs/libos.md, "execve"): the libOS starts its
# interpreter, the host's /bin/sh, which the runner brings with its
# libraries, with the script's path and arguments, as execve does.
echo "args: $# [$*]"
echo "\$0 ends in ${0##*/}"
read -r name < /proc/self/comm
echo "comm $name"
cd /dev && echo "in $PWD"
exec /bin/sh -c 'echo "exec: $0 [$1]"; read -r name < /proc/self/comm; echo "comm $name"' zero "one two"
