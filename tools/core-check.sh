#!/usr/bin/env bash
# Structural checks of kernel/core, as TAP lines (run by tests/host/host.mk
# after the host build):
#  - the core is portable: its host build (OBJDIR, the objects of
#    tests/host/host.mk) depends on no kernel/arch/x86_64 header, and no
#    core file names one;
#  - the authorization cache has one rule: cap_epoch is written in one
#    place only (scope_authority_changed, kernel/core/scope.c), besides
#    its definition;
#
#   tools/core-check.sh OBJDIR
set -u
obj=${1:-build/host/obj}
name=host/core-check

# Only the objects of sources that exist: a build directory may still hold
# the dependency files of sources since removed.
deps=$(find "$obj/kernel/core" -name '*.d' 2>/dev/null | while read -r d; do
	src=${d#"$obj"/}
	[ -f "${src%.d}.c" ] && echo "$d"
done)
n=$(echo "$deps" | grep -c .)
bad=$(cat $deps 2>/dev/null | tr ' \\' '\n\n' | grep 'kernel/arch/x86_64' | sort -u)
if [ "$n" -gt 0 ] && [ -z "$bad" ]; then
	echo "ok - $name: the host build of kernel/core ($n files) includes no kernel/arch/x86_64 header"
else
	echo "not ok - $name: the host build of kernel/core ($n files) includes x86_64 headers: $(echo $bad)"
fi

named=$(grep -rln '#include *"\(arch/\)\?x86_64/\|#include *"arch/x86_64' kernel/core)
if [ -z "$named" ]; then
	echo "ok - $name: no kernel/core file includes an x86_64 header"
else
	echo "not ok - $name: kernel/core files that include x86_64 headers: $(echo $named)"
fi

writers=$(grep -rnE 'cap_epoch *(\+\+|--|[-+|&]?=[^=])|(\+\+|--) *cap_epoch' kernel --include='*.[ch]' |
	grep -v '^kernel/core/state.c:.*u64 cap_epoch = ')
nw=$(echo "$writers" | grep -c .)
if [ "$nw" -eq 1 ] && echo "$writers" | grep -q '^kernel/core/scope.c:'; then
	echo "ok - $name: cap_epoch has one writer (scope_authority_changed)"
else
	echo "not ok - $name: cap_epoch has $nw writers: $(echo $writers)"
fi
