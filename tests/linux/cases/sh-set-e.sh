# set -e: stops at the first failing simple command, not in conditions.
set -e
echo start
false || echo "or-list is not fatal"
if false; then echo no; else echo "if condition is not fatal"; fi
while false; do :; done
! true
echo "negated is not fatal"
( set -e; false; echo "set -e is off in a subshell on the left of ||" ) || echo "subshell failed: $?"
( set -e; false; echo "not printed" ); echo "not printed either"
