#!/usr/bin/env bash
# Boot Linux 6.1 (a Debian kernel, tools/lxkernel.sh) in the QEMU machine
# Tessera runs in, with Tessera's own initrd as the initramfs and one of
# its static Linux programs as init, and keep the serial output.
#
#   tools/linux-qemu.sh BUILD INIT LOG TIMEOUT_SECONDS
#
# INIT is a path in the initrd (/bin/lxrun, /bin/lxbench); as process 1 it
# mounts what it needs and powers the machine off.  -icount shift=0,
# sleep=off makes rdtsc count guest instructions, as in `make bench`;
# -cpu max as for Tessera.  The log has the console's '\r's removed.
# Exit status: 0 when Linux powered off, else QEMU's (124: timed out).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
build=${1:?usage: linux-qemu.sh BUILD INIT LOG TIMEOUT}
init=${2:?} log=${3:?} timeout_s=${4:?}
kernel=$("$here/lxkernel.sh" "$build") || exit 1
timeout -k 5 "$timeout_s" "$QEMU" -machine pc -cpu max -m 512M -no-reboot \
	-nodefaults -display none -monitor none -serial stdio \
	-icount shift=0,sleep=off -kernel "$kernel" -initrd "$build/initrd.cpio" \
	-append "console=ttyS0 loglevel=0 cryptomgr.notests rdinit=$init" \
	</dev/null 2>&1 | tr -d '\r' >"$log"
exit "${PIPESTATUS[0]}"
