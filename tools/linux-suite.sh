#!/usr/bin/env bash
# The Linux conformance suite (tests/linux/): the host is the oracle.
#
#   tools/linux-suite.sh BUILD test     `make test`: lxhost, and linux if
#                                       LINUX_SUITE=1
#   tools/linux-suite.sh BUILD linux    `make linux-check`: lxlinux
#
# BUILD/linux/expected.log is the suite's run on this machine (made by
# the build, tools/lxoracle.sh).  Each suite below is another run of the
# same runner on the same initrd tree, compared with it case by case,
# byte for byte, by tools/lxcheck; results go to TEST_OUT/SUITE.tap as
# "ok - SUITE: CASE" lines with a short diff under a failure, logs beside.
#
#   lxinitrd what the initrd holds: unpacked with busybox's cpio, the
#            busybox, its applet links, /bin/sh, the lx programs, the cases
#            and the native programs are there, byte for byte
#   lxhost   the suite again on this machine, in another directory: the
#            cases do not depend on where or when they run
#   linux    under Tessera (mm0's Linux personality), the runner as the
#            POSIX container's first program (tests/linux/manifest.txt);
#            only with LINUX_SUITE=1, else one line says it is skipped.
#            On the plain kernel, not kcheck: its invariant checks after
#            every system call would multiply the time of this heavy
#            workload, and the other suites check them.
#   lxlinux  under Linux 6.1 booted in the same QEMU, the runner as init
#            (tools/linux-qemu.sh: fetches a Debian kernel package once)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-args.sh"
build=${1:?usage: linux-suite.sh BUILD test|linux}
mode=${2:?usage: linux-suite.sh BUILD test|linux}
out=${TEST_OUT:-$build/test}
mkdir -p "$out"
expected=$build/linux/expected.log
lxcheck=$build/tools/lxcheck

# compare SUITE LOG [PROBLEM]: the TAP file for one run.  PROBLEM, if
# given, is one more failure (the machine crashed, timed out...).
compare() {
	local suite=$1 log=$2 problem=${3:-} tap=$out/$1.tap
	"$lxcheck" "$expected" "$log" 2>"$tap.err" |
		sed -E -e "s/^(not )?ok [0-9]+ - /\1ok - $suite: /" -e '/^1\.\.[0-9]+$/d' >"$tap"
	[ "${PIPESTATUS[0]}" -gt 1 ] && echo "not ok - $suite: cannot compare: $(cat "$tap.err")" >>"$tap"
	[ -n "$problem" ] && echo "not ok - $suite: $problem (see $log)" >>"$tap"
	rm -f "$tap.err"
	cat "$tap"
	echo "# $suite: $(grep -c '^ok' "$tap") passed, $(grep -c '^not ok' "$tap") failed"
}

# check_initrd BUILD: the initrd against the tree it was made from
# (BUILD/linux/root) and the native programs ($LX_NATIVE, the Makefile's
# POSIX_PROGS: BUILD/user/posix/NAME.elf as /bin/NAME).  Absolute paths
# here only: QEMU's module paths stay relative, as the kernel keeps only 47
# bytes of a module's command line.
check_initrd() {
	local tap=$out/lxinitrd.tap build root tmp bad n
	build=$(cd "$1" && pwd) || return 1
	root=$build/linux/root
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/lxinitrd.XXXXXX") || return 1
	: >"$tap"
	t() { # DESCRIPTION COMMAND...
		local d=$1
		shift
		if "$@"; then echo "ok - lxinitrd: $d" >>"$tap"; else echo "not ok - lxinitrd: $d" >>"$tap"; fi
	}
	t "the initrd unpacks (busybox cpio)" \
		sh -c 'cd "$1" && "$2" cpio -id <"$3" 2>/dev/null' sh "$tmp" "$root/bin/busybox" "$build/initrd.cpio"
	t "/bin/busybox is the build's busybox, byte for byte" cmp -s "$tmp/bin/busybox" "$root/bin/busybox"
	bad=0 n=0
	while read -r a; do
		n=$((n + 1))
		[ "$(readlink "$tmp/bin/$a")" = /bin/busybox ] || bad=$((bad + 1))
	done <"$build/linux/applets.txt"
	t "each of the $n applets is a symbolic link to /bin/busybox" [ $bad -eq 0 -a $n -gt 100 ]
	t "/bin/sh is a symbolic link to /bin/busybox" [ "$(readlink "$tmp/bin/sh")" = /bin/busybox ]
	t "the lx programs and the cases are there, byte for byte" \
		sh -c 'for f in "$2"/bin/lx*; do cmp -s "$f" "$1/bin/${f##*/}" || exit 1; done &&
			diff -r "$2/tests" "$1/tests" >/dev/null' sh "$tmp" "$root"
	t "the native programs are still there" \
		sh -c 'cd "$2" && for f in $3; do n=${f##*/}; cmp -s "$f" "$1/bin/${n%.elf}" || exit 1; done' \
		sh "$tmp" "$here/.." "${LX_NATIVE:?}"
	rm -rf "$tmp"
	cat "$tap"
	echo "# lxinitrd: $(grep -c '^ok' "$tap") passed, $(grep -c '^not ok' "$tap") failed"
}

case $mode in
test)
	check_initrd "$build"
	"$here/lxoracle.sh" "$build/linux/root" "$out/lxhost.log" another/place ||
		: >"$out/lxhost.log"
	compare lxhost "$out/lxhost.log"
	if [ "${LINUX_SUITE:-0}" != 1 ]; then
		echo "# linux: skipped: the Linux personality is not in mm0 yet (LINUX_SUITE=1 runs it)"
		exit 0
	fi
	log=$out/linux.log
	modules="$build/user/root.elf root,tests/linux/manifest.txt manifest"
	modules+=",$build/user/mm0.elf mm0,$build/initrd.cpio initrd"
	timeout -k 5 300 "$QEMU" "${QEMU_MACHINE[@]}" -display none -monitor none \
		-serial stdio -kernel "$build/kernel.bin" -initrd "$modules" \
		</dev/null 2>&1 | tr -d '\r' >"$log"
	status=${PIPESTATUS[0]}
	problem=
	case $status in
	1|3) ;; # the root task powered off (3: a container failed)
	124|137) problem="timed out after 300 s" ;;
	0) problem="QEMU exited without a status: triple fault or reset" ;;
	*) problem="QEMU exit status $status" ;;
	esac
	grep -q 'KERNEL PANIC\|KERNEL EXCEPTION' "$log" && problem="kernel panic or exception"
	compare linux "$log" "$problem"
	;;
linux)
	log=$out/lxlinux.log
	"$here/linux-qemu.sh" "$build" /bin/lxrun "$log" 300
	status=$?
	problem=
	[ $status -eq 0 ] || problem="QEMU exit status $status"
	compare lxlinux "$log" "$problem"
	! grep -q '^not ok' "$out/lxlinux.tap"
	;;
*)
	echo "usage: linux-suite.sh BUILD test|linux" >&2
	exit 2
	;;
esac
