#!/usr/bin/env bash
# The ISO suite: boot the CD image the way a PC does (BIOS, then GRUB from
# the CD, then Tessera) and check that the system comes up as it does
# under QEMU's -kernel/-initrd.
#
#   tools/iso-suite.sh ISO EXPECT [REFERENCE_LOG]
#
# EXPECT is the text that says the system is up (the shell's prompt; the
# Makefile's ISO_EXPECT).  The suite waits for it, then stops QEMU if the
# system has not powered off by itself.  REFERENCE_LOG
# is the serial log of the same system booted with -kernel (the `system`
# suite's): the boot modules the root task lists, and the test results
# the containers print, must be the same.  Results: TEST_OUT/iso.tap.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
iso=${1:?usage: iso-suite.sh ISO EXPECT [REFERENCE_LOG]}
expect=${2:?usage: iso-suite.sh ISO EXPECT [REFERENCE_LOG]}
ref=${3:-}
out=${TEST_OUT:-build/test}
mkdir -p "$out"
log=$out/iso.log tap=$out/iso.tap
timeout_s=$((120 * TIMEOUT_SCALE))
: >"$tap"
ok() { echo "ok - iso: $*" >>"$tap"; }
fail() { echo "not ok - iso: $*" >>"$tap"; }
check() { # DESCRIPTION COMMAND...
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else fail "$desc (see $log)"; fi
}

# The containers' test results in a log on stdin, sorted, with numbers
# as N: the ISO runs test0 in the background of the shell (another pid,
# more processes, a result line may follow the prompt on its line), the
# reference runs it as init.
results() {
	tr -d '\r' | grep -oE '\[w[0-9]\] (not )?ok [0-9]+ - .*' |
		sed -E 's/[0-9]+/N/g' | sort
}
# The root task's list of boot modules in a log on stdin; the manifests
# differ (the shell's, test0's), so the manifest's size is left out.
modules() {
	tr -d '\r' | grep '^root: [0-9]* boot modules:' |
		sed -E 's/manifest \([0-9]+ bytes\)/manifest/'
}

start=$(date +%s%N)
: >"$log"
"$QEMU" "${QEMU_MACHINE[@]}" -display none -monitor none \
	-serial "file:$log" -cdrom "$iso" -boot d </dev/null >"$log.qemu" 2>&1 &
qemu=$!
status=
# Up when the line has come and, with a reference, the containers have
# printed as many results as there (test0 runs in the background of the
# shell: its results may follow the prompt).
want=0
if [ -n "$ref" ] && [ -f "$ref" ]; then
	want=$(results <"$ref" | wc -l)
fi
for _ in $(seq 1 $((timeout_s * 10))); do
	if grep -qF -- "$expect" "$log" &&
		[ "$(results <"$log" | wc -l)" -ge "$want" ]; then
		break
	fi
	if ! kill -0 "$qemu" 2>/dev/null; then
		break
	fi
	sleep 0.1
done
# Seen the line (or given up): give a system that powers off a moment to
# do so, then stop it.
for _ in $(seq 1 20); do
	kill -0 "$qemu" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$qemu" 2>/dev/null; then
	kill "$qemu"
	wait "$qemu"
	status=stopped
else
	wait "$qemu"
	status=$?
fi
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"

grub_booted() { grep -q "Booting \`Tessera'" "$log"; }
kernel_after_grub() {
	sed -n "/Booting \`Tessera'/,\$p" "$log" | grep -q '^Tessera microkernel'
}
came_up() { grep -qF -- "$expect" "$log"; }
no_panic() { ! grep -q 'KERNEL PANIC\|KERNEL EXCEPTION' "$log"; }
same_modules() {
	local a b
	a=$(modules <"$log") b=$(modules <"$ref")
	[ -n "$a" ] && [ "$a" = "$b" ]
}
same_results() { cmp -s <(results <"$log") <(results <"$ref"); }

check "BIOS started GRUB from the CD and GRUB booted Tessera" grub_booted
check "the kernel started after GRUB" kernel_after_grub
check "the system came up: $expect" came_up
check "no kernel panic or exception" no_panic
case $status in
1) ok "the system powered off cleanly" ;;
stopped) ok "QEMU stopped after the system came up" ;;
*) fail "QEMU exit status $status (see $log)" ;;
esac
if [ -n "$ref" ] && [ -f "$ref" ]; then
	check "GRUB passed the same boot modules as -initrd (names and sizes; the manifest's name)" \
		same_modules
	check "the containers printed the same $(results <"$ref" | wc -l) results as with -kernel (numbers aside)" \
		same_results
fi

cat "$tap"
echo "# iso: $(grep -c '^ok' "$tap") passed, $(grep -c '^not ok' "$tap") failed in ${elapsed_ms} ms"
