#!/usr/bin/env bash
# Build a bootable CD image (BIOS, GRUB 2) of the whole system.
#
#   tools/mkiso.sh OUT.iso KERNEL "FILE NAME,FILE NAME,..."
#
# KERNEL is the flat kernel image QEMU's -kernel boots (build/kernel.bin):
# its Multiboot header has the address fields (flag 16), which GRUB's
# `multiboot` command uses just as QEMU does for a file that is not an
# ELF32.  The modules are the list `make run` hands to -initrd: each FILE
# goes to /boot/ on the CD and becomes a `module` line whose command line
# ends in NAME, so the root task (which names a module by the last word of
# its command line) finds the same modules either way.  The first module is
# the root task.
#
# GRUB talks on the serial line (COM1, 115200 8N1) as well as the screen,
# so a test can watch it boot.  The menu waits GRUB_TIMEOUT seconds
# (default 1): the first entry is the system as `make run` boots it, the
# second adds the `captree` option (the root task dumps every capability
# on the serial line; see tools/captree.py).
#
# Needs grub-mkrescue (grub-common), GRUB's BIOS modules (grub-pc-bin),
# xorriso and mtools; the Makefile installs them.  Only the BIOS platform
# goes on the image: the kernel uses the VGA text screen, which UEFI
# machines do not offer.
set -eu
out=${1:?usage: mkiso.sh OUT.iso KERNEL MODULES}
kernel=${2:?usage: mkiso.sh OUT.iso KERNEL MODULES}
modules=${3:?usage: mkiso.sh OUT.iso KERNEL MODULES}
grub_dir=${GRUB_DIR:-/usr/lib/grub/i386-pc}
timeout_s=${GRUB_TIMEOUT:-1}

tree=$(mktemp -d /tmp/mkiso.XXXXXX)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/boot/grub"
cp "$kernel" "$tree/boot/kernel.bin"

lines=
IFS=, read -r -a mods <<<"$modules"
for m in "${mods[@]}"; do
	read -r file name <<<"$m"
	[ -n "$file" ] || continue
	base=$(basename "$file")
	if [ -e "$tree/boot/$base" ]; then
		echo "mkiso: two modules named $base" >&2
		exit 1
	fi
	cp "$file" "$tree/boot/$base"
	lines+="	module /boot/$base ${name:-$base}"$'\n'
done

cat >"$tree/boot/grub/grub.cfg" <<EOF
# Tessera (made by tools/mkiso.sh)
serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1
terminal_input serial console
terminal_output serial console
set timeout=$timeout_s
set timeout_style=menu
set default=0

menuentry "Tessera" {
	multiboot /boot/kernel.bin
$lines	boot
}

menuentry "Tessera, dumping the capability tree on the serial line" {
	multiboot /boot/kernel.bin captree
$lines	boot
}
EOF

mkdir -p "$(dirname "$out")"
grub-mkrescue -d "$grub_dir" -o "$out" "$tree" >"$tree.log" 2>&1 || {
	cat "$tree.log" >&2
	rm -f "$tree.log"
	exit 1
}
rm -f "$tree.log"
