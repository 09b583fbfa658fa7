#!/usr/bin/env bash
# Boot one QEMU test suite and turn its serial log into TAP results.
#
#   tools/run-suite.sh NAME TIMEOUT_SECONDS QEMU_ARGS...
#   SUITE_DRIVER=PROGRAM tools/run-suite.sh ...   (PROGRAM runs QEMU)
#
# The guest prints "ok N - name" / "not ok N - name" lines, "# expect: TEXT"
# lines (see below) and a plan
# "1..N".  This script adds a failure for a kernel panic or exception, a
# triple fault (QEMU exits without the debug-exit device), a timeout, an
# exit status other than success, or fewer results than the plan.  Results
# go to build/test/NAME.tap (one line each, prefixed with the suite name)
# and to the terminal; the full log is build/test/NAME.log.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
name=$1 timeout_s=$(($2 * TIMEOUT_SCALE))
shift 2
out=${TEST_OUT:-build/test}
mkdir -p "$out"
log=$out/$name.log tap=$out/$name.tap

start=$(date +%s%N)
if [ -n "${SUITE_DRIVER:-}" ]; then
	# A program that runs QEMU itself (it gets the command line) and types
	# into it: serial input and key presses (tools/input-driver.py).
	timeout -k 5 "$timeout_s" "$SUITE_DRIVER" "$QEMU" "${QEMU_MACHINE[@]}" \
		-display none -serial stdio "$@" </dev/null >"$log" 2>&1
else
	timeout -k 5 "$timeout_s" "$QEMU" "${QEMU_MACHINE[@]}" -display none \
		-monitor none -serial stdio "$@" </dev/null >"$log" 2>&1
fi
status=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
# Results may come through a window, mirrored on serial as "[wN] text".
results_log=$out/$name.results
sed -E 's/^\[w[0-9]\] //' "$log" >"$results_log"

: >"$tap"
fail() { echo "not ok - $name: $*" >>"$tap"; }
grep -E '^(not )?ok [0-9]+ - ' "$results_log" | sed -E "s/^(not )?ok [0-9]+ - /\1ok - $name: /" >>"$tap"
results=$(grep -cE '^(not )?ok [0-9]+ - ' "$results_log")
plan=$(grep -E '^1\.\.[0-9]+$' "$results_log" | tail -n 1 | cut -d. -f3)

# "# expect: TEXT" in the log asks the runner to check that a line reading
# exactly TEXT appears too (window output mirrored on serial, kernel log
# lines): output a test cannot read back itself.
grep '^# expect: ' "$results_log" | sed 's/^# expect: //' | while IFS= read -r want; do
	if grep -qxF -- "$want" "$log"; then
		echo "ok - $name: output: $want" >>"$tap"
	else
		echo "not ok - $name: output missing: $want" >>"$tap"
	fi
done

if grep -q 'KERNEL PANIC\|KERNEL EXCEPTION' "$log"; then
	fail "kernel panic or exception (see $log)"
fi
case $status in
1) ;;                                   # debug-exit with status 0: success
124|137) fail "timed out after ${timeout_s}s (hang?)" ;;
0) fail "QEMU exited without a status: triple fault or reset" ;;
3) grep -q ' failed$' "$results_log" || fail "guest exited with failure status" ;;
*) fail "QEMU exit status $status" ;;
esac
if [ -z "$plan" ]; then
	fail "no plan line (1..N): the suite did not finish"
elif [ "$plan" -ne "$results" ]; then
	fail "plan says $plan results, $results were printed"
fi

cat "$tap"
echo "# $name: $(grep -c '^ok' "$tap") passed, $(grep -c '^not ok' "$tap") failed in ${elapsed_ms} ms"
