#!/usr/bin/env bash
# Boot the system with the `captree` option, catch the kernel's dump of
# every capability (debug_dump DUMP_CAPTREE) on the serial line, and turn it
# into a picture.
#
#   tools/captree.sh KERNEL "MODULES" OUT          -> OUT.log, OUT.dot, OUT.svg
#   tools/captree.sh --test KERNEL "MODULES" OUT   -> also TEST_OUT/captree.tap
#
# MODULES is the -initrd list `make run` uses (`make test`: the system
# suite's, test0 as init, which powers off when it is done, so that a
# coverage build writes its profile).  The root task asks for the
# dump a moment after it started the containers (user/root/captree.c); the
# script stops QEMU once the dump is complete if the system has not powered
# off by then.  --test checks the dump (tools/captree.py check), that the
# check itself catches broken dumps (selftest), and that dot renders it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
test_mode=
if [ "${1:-}" = --test ]; then
	test_mode=1
	shift
fi
kernel=${1:?usage: captree.sh [--test] KERNEL MODULES OUT}
modules=${2:?usage: captree.sh [--test] KERNEL MODULES OUT}
base=${3:?usage: captree.sh [--test] KERNEL MODULES OUT}
log=$base.log timeout_s=$((60 * TIMEOUT_SCALE))
mkdir -p "$(dirname "$base")"

start=$(date +%s%N)
: >"$log"
"$QEMU" "${QEMU_MACHINE[@]}" -display none -monitor none \
	-serial "file:$log" -kernel "$kernel" -initrd "$modules" \
	-append captree </dev/null >"$log.qemu" 2>&1 &
qemu=$!
for _ in $(seq 1 $((timeout_s * 10))); do
	grep -q '^captree end' "$log" && break
	kill -0 "$qemu" 2>/dev/null || break
	sleep 0.1
done
# A coverage build (`make coverage`) writes what it ran when it powers
# off: let the system finish.
if [ -n "${TESS_COVERAGE:-}" ]; then
	for _ in $(seq 1 6000); do
		kill -0 "$qemu" 2>/dev/null || break
		sleep 0.1
	done
fi
if kill -0 "$qemu" 2>/dev/null; then
	kill "$qemu"
fi
wait "$qemu" 2>/dev/null
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"

if [ -z "$test_mode" ]; then
	"$here/captree.py" dot "$log" "$base.dot" || exit 1
	dot -Tsvg "$base.dot" -o "$base.svg" || exit 1
	echo "$base.svg: $(grep '^captree end' "$log" | sed 's/captree end //')" \
		"(the dump: $log; Graphviz source: $base.dot)"
	exit 0
fi

out=${TEST_OUT:-build/test}
tap=$out/captree.tap
mkdir -p "$out"
{
	"$here/captree.py" check "$log"
	"$here/captree.py" selftest "$log"
	if "$here/captree.py" dot "$log" "$base.dot" &&
		dot -Tsvg "$base.dot" -o "$base.svg" && grep -q '</svg>' "$base.svg"; then
		echo "ok - captree: dot renders the picture"
	else
		echo "not ok - captree: dot renders the picture (see $base.dot)"
	fi
	if grep -q 'KERNEL PANIC\|KERNEL EXCEPTION' "$log"; then
		echo "not ok - captree: kernel panic or exception (see $log)"
	fi
} >"$tap" 2>&1
cat "$tap"
echo "# captree: $(grep -c '^ok' "$tap") passed, $(grep -c '^not ok' "$tap") failed in ${elapsed_ms} ms"
