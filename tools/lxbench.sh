#!/usr/bin/env bash
# The Linux-vs-Tessera table of `make bench`: the same static musl binary
# (tests/linux/lxbench.c, /bin/lxbench in the initrd) under Linux 6.1
# booted in QEMU (tools/linux-qemu.sh: a Debian kernel package, fetched
# once) and under Tessera's Linux personality in mm0 (LINUX_SUITE=1;
# until it is in, the Tessera column is "n/a"), both with -cpu max and
# -icount shift=0,sleep=off: guest instructions per operation, medians.
#
#   tools/lxbench.sh BUILD
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
build=${1:-build}
out=$build/bench
mkdir -p "$out"
linux_log=$out/lxbench-linux.log tessera_log=$out/lxbench-tessera.log
: >"$tessera_log"

"$here/linux-qemu.sh" "$build" /bin/lxbench "$linux_log" 300 ||
	echo "lxbench: Linux did not power off cleanly (see $linux_log)"
if [ "${LINUX_SUITE:-0}" = 1 ]; then
	modules="$build/user/root.elf root,tests/linux/manifest-bench.txt manifest"
	modules+=",$build/user/mm0.elf mm0,$build/initrd.cpio initrd"
	timeout -k 5 300 "$QEMU" "${QEMU_MACHINE[@]}" -display none -monitor none \
		-serial stdio -kernel "$build/kernel.bin" -initrd "$modules" \
		-icount shift=0,sleep=off </dev/null 2>&1 | tr -d '\r' |
		sed -E 's/^\[w[0-9]\] //' >"$tessera_log"
fi

median() { # LOG NAME: the figure's median, or nothing
	sed -nE "s/^lxbench $2 median=([0-9]+) .*/\1/p" "$1" | head -n 1
}
echo
echo "Linux system calls, guest instructions per operation (median; the same"
echo "static musl binary, QEMU -cpu max -icount shift=0):"
printf '%-16s %10s %10s %8s\n' figure Tessera Linux ratio
for name in getppid write_devnull pipe_roundtrip sched_yield page_touch \
	fork_exit_wait fork_exec_wait; do
	t=$(median "$tessera_log" $name) l=$(median "$linux_log" $name)
	ratio=n/a
	[ -n "$t" ] && [ -n "$l" ] && [ "$l" -gt 0 ] &&
		ratio=$(awk -v t="$t" -v l="$l" 'BEGIN { printf "%.2fx", t / l }')
	printf '%-16s %10s %10s %8s\n' "$name" "${t:-n/a}" "${l:-n/a}" "$ratio"
done
if [ "${LINUX_SUITE:-0}" != 1 ]; then
	echo "(Tessera: n/a: the Linux personality is not in mm0 yet; LINUX_SUITE=1 runs it)"
elif ! grep -q '^lxbench done' "$tessera_log"; then
	echo "(Tessera: the benchmark did not finish: see $tessera_log)"
fi
grep -q '^lxbench done' "$linux_log" || { echo "lxbench: the Linux run did not finish (see $linux_log)"; exit 1; }
