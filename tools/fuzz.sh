#!/usr/bin/env bash
# One campaign of the coverage-guided system call fuzzer (`make fuzz`).
#
#   tools/fuzz.sh BUILD_DIR CALLS [SEED] [SHOW] [ICOUNT] [TRACE]
#
# Boots ktest in fuzz mode on the kfuzz kernel (kcheck with edge coverage:
# invariants checked after every system call) and runs CALLS fuzzed calls
# from SEED (a new one, printed, if empty).  ICOUNT=1 (the default) runs
# QEMU with -icount shift=0,sleep=off, which makes the whole campaign a
# function of the seed: the same SEED and CALLS repeat it exactly, crash
# included.  ICOUNT=0 is faster but the timer then preempts at other
# points in each run.  SHOW=K prints program K before it runs, TRACE=1
# every program (docs/fuzzing.md).  Progress lines get the wall-clock rate
# appended.  The machine is stopped if it prints nothing for
# FUZZ_SILENCE seconds (default 900: on a loaded machine the 10,000 calls
# between two progress lines can take more than 300 s): a hang.  Exit
# status 0 only if the campaign ended with every check passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
build=${1:?usage: fuzz.sh BUILD_DIR CALLS [SEED] [SHOW] [ICOUNT] [TRACE]}
calls=${2:?calls}
seed=${3:-}
show=${4:-0}
icount=${5:-1}
trace=${6:-0}
silence=${FUZZ_SILENCE:-900}
[ -n "$seed" ] || seed=$(( $(date +%s%N) / 1000 % 1000000007 ))
out=$build/fuzz
mkdir -p "$out"
log=$out/fuzz-$seed.log
again="make fuzz N=$calls SEED=$seed"
[ "$icount" = 1 ] || again+=" ICOUNT=0"
icount_args=()
[ "$icount" = 1 ] && icount_args=(-icount shift=0,sleep=off)

echo "fuzz: seed $seed, $calls calls$([ "$icount" = 1 ] && echo ", -icount (repeatable)"); log $log"
echo "fuzz: to run this campaign again: $again"
start=$(date +%s%N)
fifo=$(mktemp -u /tmp/fuzz.XXXXXX)
mkfifo "$fifo"
"$QEMU" "${QEMU_MACHINE[@]}" "${icount_args[@]}" -display none -monitor none \
	-serial stdio -kernel "$build/kfuzz.bin" -initrd "$build/user/ktest.elf" \
	-append "fuzz calls=$calls seed=$seed show=$show trace=$trace" \
	</dev/null >"$fifo" 2>&1 &
qemu=$!
hang=0
: >"$log"
while :; do
	IFS= read -r -t "$silence" line
	rc=$?
	if [ $rc -gt 128 ]; then
		hang=1
		echo "fuzz: no output for ${silence}s: the machine hangs" | tee -a "$log"
		kill "$qemu"
		break
	fi
	[ $rc -eq 0 ] || [ -n "$line" ] || break
	line=${line%$'\r'}
	case $line in
	"# fuzz: progress "*)
		s=$(( ($(date +%s%N) - start) / 1000000000 ))
		n=$(echo "$line" | sed -E 's/.* calls ([0-9]+) .*/\1/')
		line="$line, ${s}s wall, $(( n / (s > 0 ? s : 1) ))/s wall"
		;;
	esac
	echo "$line" | tee -a "$log"
	[ $rc -eq 0 ] || break
done <"$fifo"
wait "$qemu"
status=$?
rm -f "$fifo"
secs=$(( ($(date +%s%N) - start) / 1000000000 ))
fail=
grep -q 'KERNEL PANIC\|KERNEL EXCEPTION' "$log" && fail="kernel panic"
[ "$hang" = 1 ] && fail="hang"
[ -z "$fail" ] && grep -q '^not ok' "$log" && fail="a check failed"
[ -z "$fail" ] && ! grep -q '^1\.\.[0-9]' "$log" && fail="the campaign did not finish"
[ -z "$fail" ] && [ "$status" != 1 ] && fail="QEMU exit status $status"
if [ -n "$fail" ]; then
	echo "fuzz: FAILED ($fail) after ${secs}s; seed $seed"
	echo "fuzz: to run it again: $again"
	exit 1
fi
echo "fuzz: $calls calls, seed $seed, passed in ${secs}s"
