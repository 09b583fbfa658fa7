#!/usr/bin/env bash
# The root task's suite: boot the root task (on the kcheck kernel, which
# checks its invariants after every system call) with test manifests and
# check what it prints and how the machine ends.
#
#   tools/root-suite.sh BUILD_DIR
#
# Needs BUILD_DIR/kcheck.bin and BUILD_DIR/user/{root,demo,hello}.elf.
# Good manifests start the demo pager (user/demos/demo), once or several
# times; "args fault=pf|ud|sys" makes a demo fault so the root's fault
# thread kills it; hello.elf stands for a pager that exits 1.  Bad
# manifests must give one clear message and a non-zero exit, never a
# crash.  Results: TEST_OUT/root.tap ("ok - root: ..."), logs beside it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
build=${1:?usage: root-suite.sh BUILD_DIR}
out=${TEST_OUT:-$build/test}
mkdir -p "$out"
tap=$out/root.tap
: >"$tap"

# Module command lines are cut to BOOTINFO_NAME_LEN - 1 bytes: keep paths short.
tmp=$(mktemp -d /tmp/rs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for p in root demo hello; do
	cp "$build/user/$p.elf" "$tmp/$p.elf" || exit 1
done
head -c 200 "$tmp/demo.elf" >"$tmp/trunc.elf"
head -c 5000 "$tmp/demo.elf" >"$tmp/cut.elf"

manifest() { # NAME: the manifest text from stdin
	cat >"$tmp/$1.txt"
}

# check NAME STATUS DESCRIPTION REGEX...: boot with manifest NAME (and the
# modules root, demo, hello, trunc, cut), want QEMU exit STATUS (1: the
# root exited 0, 3: it exited non-zero) and a line matching each REGEX.
check() {
	local name=$1 want=$2 desc=$3 log=$out/root-$1.log status why=
	local mods="$tmp/root.elf root,$tmp/$1.txt manifest,$tmp/demo.elf demo"
	mods+=",$tmp/hello.elf hello,$tmp/trunc.elf trunc,$tmp/cut.elf cut"
	shift 3
	[ "$name" = no-manifest ] && mods="$tmp/root.elf root,$tmp/demo.elf demo"
	timeout -k 5 $((60 * TIMEOUT_SCALE)) "$QEMU" "${QEMU_MACHINE[@]}" -display none \
		-monitor none -serial stdio -kernel "$build/kcheck.bin" \
		-initrd "$mods" </dev/null >"$log" 2>&1
	status=$?
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	[ "$status" -eq "$want" ] || why="QEMU exit status $status, not $want"
	if grep -q 'KERNEL PANIC\|KERNEL EXCEPTION' "$log"; then
		why="kernel panic"
	fi
	for re in "$@"; do
		[ -n "$why" ] && break
		grep -qE -- "^$re\$" "$log" || why="no line /$re/"
	done
	if [ -z "$why" ]; then
		echo "ok - root: $desc" >>"$tap"
	else
		echo "not ok - root: $desc ($why; see $log)" >>"$tap"
	fi
}

tid='0x[0-9a-f]+'
none='root: no container started'
bad=3

# ---------------------------------------------------------------- good

manifest demo <<'EOF'
# the demo alone
container demo
	id 2
	pager demo
	memory 4M
	window 2
	caps ipc
EOF
check demo 1 "the demo container starts, draws, is isolated and finishes" \
	"root: container demo \(id 2\) started: thread $tid; pager demo, memory 2\^22, window 2, caps ipc, priority 100" \
	'\[w2\] == Tessera: container demo ==' \
	'\[w2\] container id 2' \
	'\[w2\] 1 s = [0-9]+ timer ticks' \
	'\[w2\] slot 3: -3 wrong capability type' \
	"demo: container demo \(id 2\) thread $tid: window written, [0-9]+ ticks in 1 s; other windows: unreachable \(-3, wrong capability type\), 1 window cap\(s\) held" \
	'root: container demo finished with status 0' \
	'root: all containers finished' \
	'tessera: root task exited with status 0; powering off'

manifest two <<'EOF'
container one
	id 2
	pager demo
	memory 4M
	window 2
	caps ipc

container two
	id 3
	pager demo
	memory 8M
	window 1
	caps ipc tctrl exregs capctrl mutex
	modules manifest hello
	args hello world
	colour 0x4f
	input yes
EOF
check two 1 "two containers run side by side, modules are copied to the pager" \
	"root: container two \\(id 3\\) started: thread $tid; pager demo, memory 2\\^23, window 1, caps ipc tctrl exregs capctrl mutex, input, priority 100" \
	'\[w2\] == Tessera: container one ==' \
	'\[w1\] == Tessera: container two ==' \
	'\[w1\] manifest: [0-9]+ B, [0-9a-f]{8}' \
	'\[w1\] hello: [0-9]+ B, [0-9a-f]{8}' \
	'\[w1\] 5 scope caps, 5 for cid 3' \
	'root: container one finished with status 0' \
	'root: container two finished with status 0' \
	'root: all containers finished'

manifest foreign <<'EOF'
# a capability over another container, granted first
container far
	id 3
	pager demo
	memory 4M
	window 1
	caps ipc@2 capctrl ipc
EOF
check foreign 1 "caps KIND@ID grants a capability over another container, in line order" \
	"root: container far \(id 3\) started: thread $tid; pager demo, memory 2\^22, window 1, caps ipc@2 capctrl ipc, priority 100" \
	'\[w1\] 3 scope caps, 2 for cid 3' \
	'root: container far finished with status 0'

manifest big <<'EOF'
# with 512 MiB of RAM the largest boot untyped is 128 MiB: the container's
# memory must come from it, and the root's own objects from the others
container big
	id 2
	pager demo
	memory 128M
	window 2
	caps ipc

container small
	id 3
	pager demo
	memory 64M
	window 1
	caps ipc
EOF
check big 1 "containers as big as the largest boot untyped still start" \
	"root: container big \(id 2\) started: thread $tid; pager demo, memory 2\^27, window 2, caps ipc, priority 100" \
	"root: container small \(id 3\) started: thread $tid; pager demo, memory 2\^26, window 1, caps ipc, priority 100" \
	'root: container big finished with status 0' \
	'root: container small finished with status 0' \
	'root: all containers finished'

manifest faults <<'EOF'
container pf
	id 4
	pager demo
	memory 64K
	args fault=pf
container ud
	id 5
	pager demo
	memory 64K
	args fault=ud
container sys
	id 6
	pager demo
	memory 64K
	args fault=sys
container good
	id 7
	pager demo
	memory 64K
	window 0
EOF
check faults $bad "a pager's faults are reported and it is killed; the others finish" \
	"root: pager pf faulted: page fault at 0x10 \(write, not mapped\), rip $tid; killing it" \
	"root: pager ud faulted: #UD invalid opcode \(vector 6, error code 0x0\), rip $tid; killing it" \
	"root: pager sys faulted: unknown system call 39, rip $tid; killing it" \
	'root: container pf finished with status -1' \
	'root: container ud finished with status -1' \
	'root: container sys finished with status -1' \
	'root: container good finished with status 0' \
	'root: all containers finished'

manifest status <<'EOF'
container hello
	id 9
	pager hello
	memory 1M
	priority 50
EOF
check status $bad "a pager's non-zero exit makes the root exit 1" \
	'root: container hello finished with status 1' \
	'tessera: root task exited with status 1; powering off'

# ---------------------------------------------------------------- bad

bad_check() { # NAME DESCRIPTION REGEX: one error, nothing started
	check "$1" $bad "$2" "$3" "$none"
}

check no-manifest $bad "no manifest module" \
	'root: no boot module named "manifest": nothing to start'

manifest missing-pager <<'EOF'
container demo
	id 2
	pager mm0
	memory 4M
EOF
bad_check missing-pager "a missing pager module is an error" \
	'root: container demo: no boot module named "mm0" for its pager'

manifest missing-module <<'EOF'
container demo
	id 2
	pager demo
	memory 4M
	modules initrd
EOF
bad_check missing-module "a missing module is an error" \
	'root: container demo: no boot module named "initrd"'

manifest not-elf <<'EOF'
container demo
	id 2
	pager manifest
	memory 4M
EOF
bad_check not-elf "a pager that is not an ELF file is refused" \
	'root: container demo: pager module "manifest" is not a usable image: .*'

manifest trunc <<'EOF'
container demo
	id 2
	pager trunc
	memory 4M
EOF
bad_check trunc "a pager with cut program headers is refused" \
	'root: container demo: pager module "trunc" is not a usable image: program headers run past the end of the file'

manifest cut <<'EOF'
container demo
	id 2
	pager cut
	memory 4M
EOF
bad_check cut "a pager with cut segments is refused" \
	"root: container demo: pager module \"cut\" is not a usable image: a segment's bytes run past the end of the file"

manifest no-memory <<'EOF'
container demo
	id 2
	pager demo
EOF
bad_check no-memory "a container without memory is refused" \
	"root: manifest line 1: container demo has no 'memory' line"

manifest not-pow2 <<'EOF'
container demo
	id 2
	pager demo
	memory 5M
EOF
bad_check not-pow2 "memory must be a power of two" \
	"root: manifest line 4: memory '5M' is not a power of two .*"

manifest too-big <<'EOF'
container big
	id 2
	pager demo
	memory 1G
EOF
bad_check too-big "memory larger than the root has is refused" \
	'root: container big: its 2\^30 bytes of memory: out of untyped memory .*'

manifest id-zero <<'EOF'
container demo
	id 0
	pager demo
	memory 4M
EOF
bad_check id-zero "container id 0 is the root's" \
	"root: manifest line 2: container id '0' is not a number from 1 to 254 \(0 is the root's\)"

manifest dup-id <<'EOF'
container a
	id 2
	pager demo
	memory 4M
container b
	id 2
	pager demo
	memory 4M
EOF
bad_check dup-id "two containers may not share an id" \
	'root: manifest line 5: containers a and b both have id 2'

manifest dup-window <<'EOF'
container a
	id 2
	pager demo
	memory 4M
	window 1
container b
	id 3
	pager demo
	memory 4M
	window 1
EOF
bad_check dup-window "two containers may not share a window" \
	'root: manifest line 6: containers a and b both have window 1'

manifest window-3 <<'EOF'
container demo
	id 2
	pager demo
	memory 4M
	window 3
EOF
bad_check window-3 "there are windows 0 to 2 only" \
	"root: manifest line 5: window '3' is not 0, 1 or 2"

manifest dup-input <<'EOF'
container a
	id 2
	pager demo
	memory 4M
	input yes
container b
	id 3
	pager demo
	memory 4M
	input yes
EOF
bad_check dup-input "two containers may not share the input" \
	'root: manifest line 6: containers a and b both have the input'

manifest input-maybe <<'EOF'
container demo
	id 2
	pager demo
	memory 4M
	input maybe
EOF
bad_check input-maybe "input is yes or no" \
	"root: manifest line 5: input 'maybe' is not yes or no"

manifest unknown-key <<'EOF'
container demo
	id 2
	pager demo
	memory 4M
	colr 3
EOF
bad_check unknown-key "an unknown key is an error" \
	"root: manifest line 5: unknown key 'colr'"

manifest bad-cap <<'EOF'
container demo
	id 2
	pager demo
	memory 4M
	caps ipc irq
EOF
bad_check bad-cap "an unknown capability is an error" \
	"root: manifest line 5: unknown capability 'irq' .*"

manifest repeat <<'EOF'
container demo
	id 2
	pager demo
	memory 4M
	memory 8M
EOF
bad_check repeat "a key given twice is an error" \
	"root: manifest line 5: a second 'memory' line for container demo"

manifest key-first <<'EOF'
	id 2
container demo
EOF
bad_check key-first "a key before any container is an error" \
	"root: manifest line 1: 'id' before the first 'container' line"

manifest empty <<'EOF'
# nothing to start
EOF
bad_check empty "a manifest with no container is an error" \
	'root: manifest: no container: nothing to start'

printf 'container demo\0\n' >"$tmp/nul.txt"
bad_check nul "a NUL byte is an error" \
	'root: manifest line 1: a NUL byte: the manifest must be text'

head -c 4096 "$tmp/demo.elf" >"$tmp/binary.txt"
bad_check binary "a binary file as manifest is an error" \
	'root: manifest line [0-9]+: a NUL byte: the manifest must be text'

{ echo 'container demo'; printf '\targs %0300d\n' 0; } >"$tmp/long.txt"
bad_check long "an over-long line is an error" \
	'root: manifest line 2: (longer than .*|args is .*)'

manifest prio <<'EOF'
container demo
	id 2
	pager demo
	memory 4M
	priority 250
EOF
check prio $bad "a priority above the root's is refused, and undone" \
	"root: container demo: priority 250 is above the root's own" \
	'root: container demo \(id 2\) not started' \
	'root: all containers finished'

cat "$tap"
echo "# root: $(grep -c '^ok' "$tap") passed, $(grep -c '^not ok' "$tap") failed"
! grep -q '^not ok' "$tap"
