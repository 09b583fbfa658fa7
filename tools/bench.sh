#!/usr/bin/env bash
# `make bench`: boot the kernel benchmarks (user/bench, as the root task)
# and the POSIX benchmarks (user/posix/posixbench, in the POSIX container)
# under QEMU with -icount shift=0,sleep=off, where rdtsc counts guest
# instructions (repeatable to a few instructions), and print one table:
# each figure's median, min and max, the reference figure from
# tools/bench-ref.txt and the ratio Tessera / reference.  TCG's own timing
# is not reported: it measures QEMU, not the guest.
#
# Then the kernel benchmarks again on the bench kernel (kbench.bin, built
# with event counters), which count what instruction counts do not show:
# CR3 writes, TLB flushes, FPU saves and restores per operation, a second,
# small table (the `count|` lines of tools/bench-ref.txt).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
build=${1:-build}
out=$build/bench
mkdir -p "$out"
run() { # log, modules[, kernel]
	timeout -k 5 300 "$QEMU" "${QEMU_MACHINE[@]}" -display none -monitor none \
		-serial stdio -kernel "${3:-$build/kernel.bin}" -initrd "$2" \
		-icount shift=0,sleep=off </dev/null 2>&1 | tr -d '\r' |
		sed -E 's/^\[w[0-9]\] //' >"$1"
}
run "$out/kernel.log" "$build/user/bench.elf"
run "$out/posix.log" "$build/user/root.elf root,user/root/manifest-bench.txt manifest,$build/user/mm0.elf mm0,$build/initrd.cpio initrd"
run "$out/counts.log" "$build/user/bench.elf" "$build/kbench.bin"
status=0
grep -q '^# bench done' "$out/kernel.log" || { echo "bench: the kernel benchmarks did not finish (see $out/kernel.log)"; status=1; }
grep -q '^# bench done' "$out/counts.log" || { echo "bench: the counting benchmarks did not finish (see $out/counts.log)"; status=1; }
grep -q '^# posixbench done' "$out/posix.log" || { echo "bench: the POSIX benchmarks did not finish (see $out/posix.log)"; status=1; }

cat "$out/kernel.log" "$out/posix.log" | grep -E '^bench [a-z0-9_]+ median=' >"$out/results"
printf '%-76s %8s %8s %8s %9s %-6s %6s\n' "figure (guest instructions, median of n)" Tessera min max reference source ratio
grep -v '^#' "$here/bench-ref.txt" | grep -v '^count|' | while IFS='|' read -r name what ref src; do
	line=$(grep -E "^bench $name median=" "$out/results") || { printf '%-76s %8s\n' "$what" "missing"; status=1; continue; }
	med=$(sed -E 's/.*median=([0-9]+).*/\1/' <<<"$line")
	lo=$(sed -E 's/.*min=([0-9]+).*/\1/' <<<"$line")
	hi=$(sed -E 's/.*max=([0-9]+).*/\1/' <<<"$line")
	ratio=-
	[ "$ref" != - ] && ratio=$(awk -v a="$med" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')
	printf '%-76s %8s %8s %8s %9s %-6s %6s\n' "$what" "$med" "$lo" "$hi" "$ref" "$src" "$ratio"
done

printf '\n%-52s %6s %7s %7s %6s %8s %5s\n' "events per operation (bench kernel, mean of n)" "CR3" "TLB" "page" "FPU" "FPU" "#NM"
printf '%-52s %6s %7s %7s %6s %8s %5s\n' "" "writes" "flushes" "flushes" "saves" "restores" "traps"
grep '^count|' "$here/bench-ref.txt" | while IFS='|' read -r _ name what; do
	line=$(grep -E "^count $name n=" "$out/counts.log") || { printf '%-52s %6s\n' "$what" "missing"; continue; }
	awk -v what="$what" '{
		for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		n = v["n"]
		printf "%-52s %6.2f %7.2f %7.2f %6.2f %8.2f %5.2f\n", what,
			v["cr3_writes"] / n, v["tlb_flushes"] / n, v["tlb_page_flushes"] / n,
			v["fpu_saves"] / n, v["fpu_restores"] / n, v["fpu_traps"] / n
	}' <<<"$line"
done
cat <<'NOTE'

reference sources: sel4 = seL4 13.0.0, sel4bench, x86_64 without the Meltdown
mitigation (Tessera has none), in this QEMU mode; linux = Linux 6.1, a static
benchmark binary, in this QEMU mode (see README, "Benchmarks").  seL4's fault
figure is a ud2 exception round trip; it is the nearest reference for the
real page-fault row too.  icount counts a `rep stos`/`rep movs` as one
instruction per iteration, so zeroing or copying a page costs 512 (8-byte
steps) to 4,096 (byte steps) instructions on either system.  The events
are counted by the bench kernel (kbench): each is one instruction above
but hundreds of cycles on a real CPU (a TLB flush also costs the misses
after it).
NOTE
exit $status
