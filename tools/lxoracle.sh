#!/usr/bin/env bash
# Run the Linux conformance suite on this machine: the oracle the runs
# under Tessera and Linux are compared with (tests/linux/lxrun.c).
#
#   tools/lxoracle.sh ROOT OUT [SUBDIR]
#
# ROOT is the tree packed into the initrd (build/linux/root: bin/ with
# busybox, its applet links and the lx* programs; tests/ with the cases).
# The runner starts with an empty environment, in a new temporary
# directory (its cases' working directories go under SUBDIR there, so two
# runs can differ in where they run), with ROOT/bin as every case's PATH,
# so the cases run the very busybox that goes into the initrd.  OUT gets
# the runner's output; it is only written if the run finished.
set -u
root=$(cd "${1:?usage: lxoracle.sh ROOT OUT [SUBDIR]}" && pwd) || exit 1
out=${2:?usage: lxoracle.sh ROOT OUT [SUBDIR]}
sub=${3:-w}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lxoracle.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && timeout -k 5 600 env -i "$root/bin/lxrun" -b "$root/bin" \
	-w "$tmp/$sub" -t 60 "$root/tests") >"$tmp/log" 2>&1 </dev/null
status=$?
if [ $status -ne 0 ] || ! grep -q '^@lx done [0-9]' "$tmp/log"; then
	echo "lxoracle: the suite did not finish on this machine (status $status):" >&2
	tail -n 20 "$tmp/log" >&2
	exit 1
fi
mv "$tmp/log" "$out"
