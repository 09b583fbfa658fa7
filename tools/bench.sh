#!/usr/bin/env bash
# Run the benchmark image twice, with -icount shift=0 (rdtsc counts guest
# instructions: repeatable, the headline) and without (TCG cycles: noisy),
# and print one line per figure:
#   bench NAME instructions=N min=N max=N cycles=N
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
build=${1:-build}
out=$build/bench
mkdir -p "$out"
run() { # log, modules, extra qemu args...
	local log=$1 modules=$2
	shift 2
	timeout -k 5 600 "$QEMU" "${QEMU_MACHINE[@]}" -display none -monitor none \
		-serial stdio -kernel "$build/kernel.bin" -initrd "$modules" \
		"$@" </dev/null 2>&1 | tr -d '\r' | sed -E 's/^\[w[0-9]\] //' >"$log"
}
kernel_bench=$build/user/bench.elf
# The fork benchmark runs in the POSIX container (root, manifest, mm0).
system_bench="$build/user/root.elf root,user/root/manifest-bench.txt manifest,$build/user/mm0.elf mm0,$build/initrd.cpio initrd"
run "$out/icount.log" "$kernel_bench" -icount shift=0,sleep=off
run "$out/tcg.log" "$kernel_bench"
run "$out/posix-icount.log" "$system_bench" -icount shift=0,sleep=off
run "$out/posix-tcg.log" "$system_bench"
report() { # icount log, tcg log
	grep -E '^bench [a-z0-9_]+ median=' "$1" | while read -r _ name med lo hi _; do
		cyc=$(grep -E "^bench $name median=" "$2" | sed -E 's/.*median=([0-9]+).*/\1/')
		echo "bench $name instructions=${med#median=} min=${lo#min=} max=${hi#max=} cycles=${cyc:-?}"
	done
}
report "$out/icount.log" "$out/tcg.log"
report "$out/posix-icount.log" "$out/posix-tcg.log"
grep -q '^# bench done' "$out/icount.log" || { echo "bench: the icount run did not finish (see $out/icount.log)"; exit 1; }
grep -q '^bench fork_exit_wait' "$out/posix-icount.log" || { echo "bench: the fork benchmark did not finish (see $out/posix-icount.log)"; exit 1; }
