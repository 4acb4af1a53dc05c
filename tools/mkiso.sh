#!/bin/sh
# Builds a hybrid BIOS + UEFI GRUB ISO (grub-mkrescue with the i386-pc and
# x86_64-efi platforms), bootable from a CD, a disk image or a USB stick.
#
#   mkiso.sh OUT.iso STAGING_DIR KERNEL [-c "CMDLINE"] [-m FILE "STRING"]...
#
# Modules are loaded in the order given (the first is the libOS from #3 on);
# STRING is what the kernel sees as the module's string (for an app: its
# argv), byte for byte, except that GRUB puts a backslash before every \, '
# and " (tools/mkbundle.py stores strings the same way for PVH). The command
# line is split into words as the libOS splits it (below). STAGING_DIR is emptied and used to
# lay out the ISO tree.
set -eu
set -f # words of the command line and module strings are never globbed

usage() { echo "usage: $0 OUT.iso STAGING_DIR KERNEL [-c CMDLINE] [-m FILE STRING]..." >&2; exit 2; }
[ $# -ge 3 ] || usage
out=$1 staging=$2 kernel=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
template="$here/../iso/grub.cfg.in"

cmdline=""
modules=""
index=0
rm -rf "$staging"
mkdir -p "$staging/boot/grub" "$staging/boot/modules"
cp "$kernel" "$staging/boot/wicket.elf"

# GRUB's config language: quote a word so that it arrives unchanged.
quote() { printf "'%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")"; }

while [ $# -gt 0 ]; do
	case $1 in
	-c) [ $# -ge 2 ] || usage; cmdline=$2; shift 2 ;;
	-m) [ $# -ge 3 ] || usage
	    cp "$2" "$staging/boot/modules/$index"
	    # GRUB joins a module's arguments with one space each and wraps an
	    # argument that holds a space in double quotes: so one argument
	    # per space-separated word, empty words included.
	    words="" rest=$3
	    while :; do
		word=${rest%%" "*}
		words="$words $(quote "$word")"
		[ "$word" = "$rest" ] && break
		rest=${rest#*" "}
	    done
	    modules="$modules	module2 /boot/modules/$index$words
"
	    index=$((index + 1)); shift 3 ;;
	*) usage ;;
	esac
done

# The command line's words as the libOS splits them (libos/options.h:
# blanks separate, a backslash keeps the next character, double quotes
# keep blanks), each one GRUB argument. GRUB hands the kernel a word that
# holds a blank in double quotes, with a backslash before every \, ' and
# ", which the libOS reads back as the same word.
quoted_cmdline=$(python3 - "$cmdline" <<'EOF'
import sys
line, words, word, started, quoted, i = sys.argv[1], [], "", False, False, 0
while i < len(line):
    c = line[i]
    if c == "\\" and i + 1 < len(line):
        i += 1
        word, started = word + line[i], True
    elif c == '"':
        quoted, started = not quoted, True
    elif c.isspace() and not quoted:
        if started:
            words.append(word)
        word, started = "", False
    else:
        word, started = word + c, True
    i += 1
if started:
    words.append(word)
print(" ".join("'" + w.replace("'", "'\\''") + "'" for w in words))
EOF
)

# The strings travel through the environment (awk -v would interpret
# backslashes) and are spliced with index/substr (gsub would interpret &).
WICKET_CMDLINE="${quoted_cmdline# }" WICKET_MODULES="$modules" awk '
	/^@MODULES@$/ { printf "%s", ENVIRON["WICKET_MODULES"]; next }
	{
		at = index($0, "@CMDLINE@")
		if (at) $0 = substr($0, 1, at - 1) ENVIRON["WICKET_CMDLINE"] substr($0, at + 9)
		print
	}' "$template" > "$staging/boot/grub/grub.cfg"

for tool in grub-mkrescue xorriso mformat; do
	command -v $tool >/dev/null || { echo "mkiso: $tool is missing (./wicket deps installs it)" >&2; exit 1; }
done
for platform in i386-pc x86_64-efi; do
	[ -d /usr/lib/grub/$platform ] || { echo "mkiso: GRUB for $platform is missing (./wicket deps installs it)" >&2; exit 1; }
done

# Slim: only the modules the config uses, no locales, fonts or themes.
# Every module named must exist for both platforms (all_video brings UEFI's
# efi_gop, which grub.cfg loads; it has no BIOS twin to name).
grub-mkrescue --output="$out" \
	--install-modules="multiboot2 normal iso9660 part_msdos part_gpt configfile echo serial terminal test all_video" \
	--locales= --fonts= --themes= \
	"$staging" >"$staging.log" 2>&1 || { cat "$staging.log" >&2; exit 1; }
