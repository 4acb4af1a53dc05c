#!/bin/sh
# Builds a C file with plain `musl-gcc -static` in a temporary directory and
# runs the differential test on it with arguments (meson test app-outside-tree).
#   outside_tree.sh PYTHON DIFFERENTIAL KERNEL LIBOS RUNNER MKBUNDLE SOURCE
set -eu
[ $# -eq 7 ] || { echo "usage: $0 PYTHON DIFFERENTIAL KERNEL LIBOS RUNNER MKBUNDLE SOURCE" >&2; exit 2; }
python=$1 differential=$2 kernel=$3 libos=$4 runner=$5 mkbundle=$6 source=$7
command -v musl-gcc >/dev/null || { echo "musl-gcc missing (./wicket deps)"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
musl-gcc -static -O2 -o "$dir/prog" "$source"
exec "$python" "$differential" --name app-outside-tree --kernel "$kernel" \
	--libos "$libos" --app "$dir/prog" --runner "$runner" --mkbundle "$mkbundle" \
	--argv0 prog --run "first 'second word' \"it's\""
