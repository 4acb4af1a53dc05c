#!/bin/sh
# musl_cc.sh: build one static Linux x86-64 program with Debian's musl.
#
#   musl_cc.sh MUSL_GCC static|pie|dynamic OUTPUT DEPFILE SOURCE [CFLAGS...]
#
# static  a static non-PIE executable (ET_EXEC): musl-gcc -static -no-pie
# pie     a real static PIE (ET_DYN without PT_INTERP, self-relocating).
#         Debian's `musl-gcc -static-pie` makes a *dynamic* PIE (its specs
#         link Scrt1.o and ask for /lib/ld-musl-x86_64.so.1; PITFALLS 18), so
#         this links musl's rcrt1.o by hand with -nostartfiles, gcc's
#         crtbeginS.o/crtendS.o, and -static -pie --no-dynamic-linker.
# dynamic a dynamically linked PIE, musl-gcc's default: its interpreter,
#         /lib/ld-musl-x86_64.so.1, is musl's libc.so.
#
# DEPFILE receives the header dependencies (gcc -MD) for ninja. The result is
# checked with readelf: the ELF type must match the mode, and there must be
# a PT_INTERP for dynamic and none otherwise. Used by apps/meson.build.
set -eu

if [ $# -lt 5 ]; then
	echo "usage: $0 MUSL_GCC static|pie OUTPUT DEPFILE SOURCE [CFLAGS...]" >&2
	exit 2
fi
cc=$1 mode=$2 out=$3 dep=$4 src=$5
shift 5

die() { echo "musl_cc.sh: $*" >&2; rm -f "$out"; exit 1; }

common="-std=gnu11 -O2 -Wall -Wextra -fno-strict-aliasing"

case $mode in
static)
	# shellcheck disable=SC2086
	"$cc" $common -fno-pie -static -no-pie -MD -MF "$dep" -MT "$out" \
		"$@" -o "$out" "$src" || die "compiling $src failed"
	want_type=EXEC
	;;
pie)
	# musl's library directory: where the specs file takes crti.o from.
	# (`musl-gcc -print-file-name=rcrt1.o` answers with glibc's file.)
	libdir=$("$cc" -### -static -x c /dev/null -o /dev/null 2>&1 |
		tr ' ' '\n' | tr -d '"' | sed -n 's|^\(/.*\)/crti\.o$|\1|p' | head -n 1)
	[ -n "$libdir" ] && [ -f "$libdir/rcrt1.o" ] && [ -f "$libdir/libc.a" ] ||
		die "cannot find musl's rcrt1.o and libc.a (musl library directory '${libdir}')"
	crtbegin=$("$cc" -print-file-name=crtbeginS.o)
	crtend=$("$cc" -print-file-name=crtendS.o)
	[ -f "$crtbegin" ] && [ -f "$crtend" ] || die "cannot find gcc's crtbeginS.o/crtendS.o"
	# shellcheck disable=SC2086
	"$cc" $common -fPIE -nostartfiles -MD -MF "$dep" -MT "$out" "$@" \
		-o "$out" "$libdir/rcrt1.o" "$libdir/crti.o" "$crtbegin" \
		"$src" "$crtend" "$libdir/crtn.o" \
		-Wl,-static -Wl,-pie -Wl,--no-dynamic-linker -Wl,-z,text ||
		die "compiling $src failed"
	want_type=DYN
	;;
dynamic)
	# shellcheck disable=SC2086
	"$cc" $common -fPIE -pie -MD -MF "$dep" -MT "$out" "$@" -o "$out" \
		"$src" || die "compiling $src failed"
	want_type=DYN
	;;
*)
	die "unknown mode '$mode' (static, pie or dynamic)"
	;;
esac

headers=$(readelf -h -l -W "$out") || die "readelf failed on $out"
printf '%s\n' "$headers" | grep -q "^ *Type: *$want_type " ||
	die "$out is not ET_$want_type: $(printf '%s\n' "$headers" | grep '^ *Type:')"
if [ "$mode" = dynamic ]; then
	printf '%s\n' "$headers" | grep -q '^ *INTERP ' ||
		die "$out has no PT_INTERP (not a dynamic executable)"
elif printf '%s\n' "$headers" | grep -q '^ *INTERP '; then
	die "$out has a PT_INTERP (a dynamic executable)"
fi
if [ "$mode" = pie ] && readelf -d -W "$out" | grep -q '(NEEDED)'; then
	die "$out needs shared libraries"
fi
exit 0
