#!/usr/bin/env bash
# Print the closing line over every TAP file of this run and fail if any
# test failed:  "N passed, N failed".
set -u
dir=${1:-build/test}
passed=$(cat "$dir"/*.tap 2>/dev/null | grep -c '^ok')
failed=$(cat "$dir"/*.tap 2>/dev/null | grep -c '^not ok')
if [ "$failed" -gt 0 ]; then
	echo "failures:"
	grep -h '^not ok' "$dir"/*.tap
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
