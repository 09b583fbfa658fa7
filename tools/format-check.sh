#!/usr/bin/env bash
# The format check of `make test`: every C file git knows of must read as
# clang-format (the tree's .clang-format) writes it.  One TAP line per
# file that differs, or one for the whole tree; results go to
# $TEST_OUT/format.tap.  `make format` fixes what this finds.
#
#   tools/format-check.sh
set -u
out=${TEST_OUT:-build/test}
mkdir -p "$out"
tap=$out/format.tap
: >"$tap"
files=$(git ls-files '*.c' '*.h')
bad=0
for f in $files; do
	[ -f "$f" ] || continue
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not ok - format: $f differs from .clang-format (make format)" >>"$tap"
		bad=$((bad + 1))
	fi
done
if [ "$bad" -eq 0 ]; then
	echo "ok - format: $(echo "$files" | wc -w) C files match .clang-format" >>"$tap"
fi
cat "$tap"
