#!/bin/sh
# An ISO with a file archive (./wicket iso --files DIR's recipe): the
# archive reaches the libOS through GRUB as module 2, "files", and the app,
# dynamically linked, finds its loader in module 3, the second "files"
# (tools/app_libraries.py), then walks the tree (meson: iso-files-bios).
#   iso_files.sh PYTHON BOOT_CHECK RUNNER MKISO MKBUNDLE KERNEL LIBOS APP TREE
set -eu
[ $# -eq 9 ] || { echo "usage: $0 PYTHON BOOT_CHECK RUNNER MKISO MKBUNDLE KERNEL LIBOS APP TREE" >&2; exit 2; }
python=$1 boot_check=$2 runner=$3 mkiso=$4 mkbundle=$5 kernel=$6 libos=$7 app=$8 tree=$9
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$python" "$mkbundle" --archive "$dir/files.cpio" "$tree"
"$python" "$(dirname "$mkbundle")/app_libraries.py" "$app" "$dir/libraries.cpio" \
	--tree "$tree"
[ -s "$dir/libraries.cpio" ] || { echo "$0: $app is not dynamically linked" >&2; exit 1; }
"$mkiso" "$dir/tree.iso" "$dir/staging" "$kernel" -c "wicket.quiet" \
	-m "$libos" libos -m "$app" "tree walk /" -m "$dir/files.cpio" files \
	-m "$dir/libraries.cpio" files
"$python" "$boot_check" --runner "$runner" --expect-status 0 \
	--expect '^walk /hello\.txt file 12 "hello, tree\|"$' \
	--expect '^walk /links/chain link -> to-data/lines\.t$' \
	--expect '^walk /deep/a/b/c/d\.txt file 17 ' \
	--expect '^walk /lib/ld-musl-x86_64\.so\.1 link -> /usr/lib/x86_64' \
	--expect '^walk /usr/lib/x86_64-linux-musl/libc\.so file ' \
	--expect '^walked$' --reject PANIC --reject '^wicket: files:' \
	-- --iso "$dir/tree.iso" --firmware bios --timeout 90
