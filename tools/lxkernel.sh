#!/usr/bin/env bash
# Print the path of a Debian Linux 6.1 kernel image for QEMU, fetching it
# the first time: the newest linux-image-6.1.0-N-amd64-unsigned package
# the apt sources offer is downloaded with `apt-get download` (nothing is
# installed) and only its /boot/vmlinuz-* is unpacked, into
# BUILD/lxkernel/.  Used by `make linux-check` and `make bench`, never by
# `make test`.
#
#   tools/lxkernel.sh BUILD
set -u
build=${1:?usage: lxkernel.sh BUILD}
dir=$build/lxkernel
mkdir -p "$dir"
found=$(ls "$dir"/boot/vmlinuz-6.1.* 2>/dev/null | sort -V | tail -n 1)
if [ -n "$found" ]; then
	echo "$found"
	exit 0
fi
newest() {
	apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
		grep -E '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' | sort -V |
		while read -r p; do
			apt-cache policy "$p" | grep -q 'Candidate: [0-9]' && echo "$p"
		done | tail -n 1
}
pkg=$(newest)
if [ -z "$pkg" ]; then
	apt-get update >&2 || true
	pkg=$(newest)
fi
if [ -z "$pkg" ]; then
	echo "lxkernel: no linux-image-6.1.0-*-amd64-unsigned package in the apt sources" >&2
	exit 1
fi
echo "lxkernel: fetching $pkg (apt-get download; only its kernel image is kept)" >&2
tmp=$(mktemp -d "$dir/fetch.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -o APT::Sandbox::User=root "$pkg" >&2) || { echo "lxkernel: apt-get download $pkg failed" >&2; exit 1; }
dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$dir" --wildcards './boot/vmlinuz-*' ||
	{ echo "lxkernel: cannot unpack $pkg" >&2; exit 1; }
found=$(ls "$dir"/boot/vmlinuz-6.1.* 2>/dev/null | sort -V | tail -n 1)
[ -n "$found" ] || { echo "lxkernel: $pkg holds no /boot/vmlinuz-6.1.*" >&2; exit 1; }
echo "$found"
