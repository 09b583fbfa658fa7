#!/usr/bin/env bash
# The LLP lab layer's suites (docs/llp.md): the root task, on the kcheck
# kernel, starts lab programs from manifests with `layout lab`
# (user/llp/manifest-*.txt).
#
#   tools/llp-suite.sh BUILD_DIR
#
#   llp-unit   the lab layer's unit tests (user/llp/unit): TAP, run-suite.sh
#   llp-lab    a program written for the lab, as two processes
#              (user/llp/labtest): TAP, run-suite.sh
#   llp-demo   the lab's own demo (user/llp/demo), with and without a
#              console.  It never returns, as in the lab: the run stops
#              when its last line appears, and its serial log is checked
#              line by line (regexes below; "!" before one: must be absent).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
build=${1:?usage: llp-suite.sh BUILD_DIR}
out=${TEST_OUT:-$build/test}
mkdir -p "$out"

# Module command lines are cut to BOOTINFO_NAME_LEN - 1 bytes: short paths.
tmp=$(mktemp -d /tmp/llp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp "$build/user/root.elf" "$tmp/root.elf" || exit 1
for p in unit lab demo; do
	cp "$build/user/llp-$p.elf" "$tmp/$p.elf" || exit 1
done
cp user/llp/manifest-*.txt "$tmp/" || exit 1
root="$tmp/root.elf root"

"$here/run-suite.sh" llp-unit 120 -kernel "$build/kcheck.bin" \
	-initrd "$root,$tmp/manifest-unit.txt manifest,$tmp/unit.elf llpunit"
"$here/run-suite.sh" llp-lab 120 -kernel "$build/kcheck.bin" \
	-initrd "$root,$tmp/manifest-lab.txt manifest,$tmp/lab.elf labtest"

# ---------------------------------------------------------------- the demo

tap=$out/llp-demo.tap
: >"$tap"
last='\[w1\] the demo is done; user code does not return'

# demo NAME MANIFEST REGEX...: boot, wait (60 s at most) for the demo's
# last line, stop QEMU, then one TAP line per REGEX.
demo() {
	local name=$1 manifest=$2 log=$out/llp-demo-$1.log pid re
	shift 2
	"$QEMU" "${QEMU_MACHINE[@]}" -display none -monitor none -serial stdio \
		-kernel "$build/kcheck.bin" \
		-initrd "$root,$tmp/$manifest manifest,$tmp/demo.elf llpdemo" \
		</dev/null >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		grep -qE "^$last" "$log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	for re in "$@" "$last" '!KERNEL PANIC|KERNEL EXCEPTION|^fault:'; do
		if [ "${re#!}" != "$re" ]; then
			if grep -qE -- "${re#!}" "$log"; then
				echo "not ok - llp-demo: $name: unexpected /${re#!}/ (see $log)" >>"$tap"
			else
				echo "ok - llp-demo: $name: no /${re#!}/" >>"$tap"
			fi
		elif grep -qE -- "^$re\$" "$log"; then
			echo "ok - llp-demo: $name: /$re/" >>"$tap"
		else
			echo "not ok - llp-demo: $name: no line /$re/ (see $log)" >>"$tap"
		fi
	done
}

id='[1-9a-f][0-9a-f]*'
hex='0x[0-9a-f]+'
demo console manifest-demo.txt \
	"root: container lab \(id 3\) started: thread $hex; pager llpdemo, memory 2\^20, window 1, caps none, priority 100, layout lab" \
	"[!]\[w1\] process id: $id" \
	'\[w1\] running in user mode' \
	'greetings on the kernel console' \
	'\[w1\] greetings in my window' \
	"A\[w1\] kputc\('A'\) returned $id" \
	"\[w1\] kputc\('B'\) returned 0" \
	"C\[w1\] kputc\('C'\) returned $id" \
	"\[w1\] kputc\('D'\) returned 0" \
	"E\[w1\] kputc\('E'\) returned $id" \
	"dump: process $hex, capabilities in slots 0x00-0xff:" \
	'  0x00 CspaceCap: 4096 slots' \
	'  0x01 ConsoleCap: attr 0x0a' \
	'  0x02 WindowCap: perms 0x3 setAttr putchar' \
	"  0x03 UntypedCap: \[$hex-$hex\] 2\^20 bytes, 0xa000 used, 0xf6000 remaining" \
	'!  0x04 ' \
	"  0x0c PageCap: at $hex" \
	'  0x0e CspaceCap: 256 slots' \
	"  0x14 PageCap: at $hex" \
	"  0x15 PageTableCap: at $hex" \
	'dump: mappings made through the lab layer:' \
	"  0x00600000 PageTableCap at $hex" \
	"  0x00603000 PageCap at $hex" \
	"  0x00707000 PageCap at $hex" \
	"  0x80000000 PageTableCap at $hex" \
	"  0x80000000 PageCap at $hex" \
	'!  0x80800000 ' \
	'dump: end'
demo noconsole manifest-demo-noconsole.txt \
	'\[w1\] process id: 0' \
	'\[w1\] no console capability here' \
	'!greetings on the kernel console' \
	'!kputc' \
	"\[w1\] dump: process $hex, capabilities in slots 0x00-0xff:" \
	'\[w1\]   0x02 WindowCap: perms 0x3 setAttr putchar' \
	"\[w1\]   0x80000000 PageCap at $hex" \
	'\[w1\] dump: end'

cat "$tap"
echo "# llp-demo: $(grep -c '^ok' "$tap") passed, $(grep -c '^not ok' "$tap") failed"
