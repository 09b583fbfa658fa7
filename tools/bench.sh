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
run() { # log, extra qemu args...
	local log=$1
	shift
	timeout -k 5 600 "$QEMU" "${QEMU_MACHINE[@]}" -display none -monitor none \
		-serial stdio -kernel "$build/kernel.bin" -initrd "$build/user/bench.elf" \
		"$@" </dev/null 2>&1 | tr -d '\r' >"$log"
}
run "$out/icount.log" -icount shift=0,sleep=off
run "$out/tcg.log"
grep -E '^bench [a-z0-9_]+ median=' "$out/icount.log" | while read -r _ name med lo hi _; do
	cyc=$(grep -E "^bench $name median=" "$out/tcg.log" | sed -E 's/.*median=([0-9]+).*/\1/')
	echo "bench $name instructions=${med#median=} min=${lo#min=} max=${hi#max=} cycles=${cyc:-?}"
done
grep -q '^# bench done' "$out/icount.log" || { echo "bench: the icount run did not finish (see $out/icount.log)"; exit 1; }
