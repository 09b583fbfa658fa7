#!/usr/bin/env bash
# User-fault suite: boot a root task (which has no pager) that takes one
# exception, and check
# that the kernel reports it in one log line, stops only that program, and
# shuts down cleanly (the root task's end powers the system off).
#
#   tools/fault-suite.sh BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
build=$1
out=${TEST_OUT:-$build/test}
tap=$out/faults.tap
: >"$tap"

check() { # fault-name expected-regex description
	local f=$1 want=$2 desc=$3 log=$out/fault-$1.log status
	timeout -k 5 $((30 * TIMEOUT_SCALE)) "$QEMU" "${QEMU_MACHINE[@]}" -display none -monitor none \
		-serial stdio -kernel "$build/kcheck.bin" \
		-initrd "$build/user/faulter.elf" -append "fault=$f" \
		</dev/null >"$log" 2>&1
	status=$?
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	if [ "$status" -eq 3 ] && grep -qE "$want" "$log" &&
		grep -q 'root task exited' "$log" &&
		! grep -q 'KERNEL PANIC\|KERNEL EXCEPTION\|still running' "$log"; then
		echo "ok - faults: $desc" >>"$tap"
	else
		echo "not ok - faults: $desc (status $status, see $log)" >>"$tap"
	fi
}

check pf '^fault: thread [0-9a-f]+ \(root\): #PF page fault at address 10 \(write, not mapped\), rip [0-9a-f]+: no pager, thread stopped$' \
	"user #PF is reported in one line and the kernel survives"
check ud '^fault: thread [0-9a-f]+ \(root\): #UD invalid opcode, rip [0-9a-f]+: no pager, thread stopped$' \
	"user #UD is reported in one line and the kernel survives"
check gp '^fault: thread [0-9a-f]+ \(root\): #GP general protection, rip [0-9a-f]+: no pager, thread stopped$' \
	"user #GP is reported in one line and the kernel survives"
check de '^fault: thread [0-9a-f]+ \(root\): #DE divide error, rip [0-9a-f]+: no pager, thread stopped$' \
	"user #DE is reported in one line and the kernel survives"
check bp '^fault: thread [0-9a-f]+ \(root\): #BP breakpoint, rip [0-9a-f]+: no pager, thread stopped$' \
	"user int3 is reported in one line and the kernel survives"
check sys '^fault: thread [0-9a-f]+ \(root\): unknown system call 27 at rip [0-9a-f]+: no pager, thread stopped$' \
	"an unknown system call number is reported and the kernel survives"
cat "$tap"
