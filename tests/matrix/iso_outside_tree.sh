#!/bin/sh
# What `./wicket iso prog -o prog.iso -- one 'two words'` makes, for a
# program built by hand with plain `musl-gcc -static` in a temporary
# directory, booted under SeaBIOS or OVMF (meson: iso-outside-tree-*).
#   iso_outside_tree.sh PYTHON BOOT_CHECK RUNNER MKISO KERNEL LIBOS SOURCE FIRMWARE
set -eu
[ $# -eq 8 ] || { echo "usage: $0 PYTHON BOOT_CHECK RUNNER MKISO KERNEL LIBOS SOURCE FIRMWARE" >&2; exit 2; }
python=$1 boot_check=$2 runner=$3 mkiso=$4 kernel=$5 libos=$6 source=$7 firmware=$8
command -v musl-gcc >/dev/null || { echo "musl-gcc missing (./wicket deps)"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
musl-gcc -static -O2 -o "$dir/prog" "$source"
"$mkiso" "$dir/prog.iso" "$dir/staging" "$kernel" -c "" \
	-m "$libos" libos -m "$dir/prog" "prog one 'two words'"
"$python" "$boot_check" --runner "$runner" --expect-status 0 \
	--expect '^hello, world$' --expect '^one$' --expect '^two words$' \
	--expect '^wicket: exit status 0$' --reject PANIC \
	-- --iso "$dir/prog.iso" --firmware "$firmware" --timeout 90
