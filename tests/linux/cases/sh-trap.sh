# trap: EXIT, INT by kill -INT $$, TERM, CHLD; trap reset; exit from a trap.
trap 'echo "EXIT trap runs last"' EXIT
trap 'echo "caught INT"' INT
kill -INT $$
echo "after INT"
trap - INT
trap 'echo "caught USR1"; got=yes' USR1
kill -USR1 $$
echo "got=$got"
n=0
trap 'n=$((n + 1))' CHLD
( exit 0 ) &
wait
sh -c 'exit 0'
trap - CHLD
[ $n -ge 1 ] && echo "CHLD trap ran"
sh -c 'trap "echo child caught TERM; exit 7" TERM; kill -TERM $$; echo not reached'
echo "child status $?"
sh -c 'kill -INT $$; echo not reached'
echo "child killed by INT: $?"
( trap 'echo "subshell EXIT trap"' EXIT; exit 4 )
echo "subshell status $?"
sh -c 'trap "" INT; kill -INT $$; echo "INT ignored"'
trap 'echo "in USR2 trap"; exit 5' USR2
kill -USR2 $$
echo "not reached"
