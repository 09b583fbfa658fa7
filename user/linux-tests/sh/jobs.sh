# Background jobs, wait, traps on INT, CHLD and EXIT, kill -INT $$, set -e.
sleep 0 & p=$!; wait $p; echo "waited $?"
(exit 3) & wait $! || echo "background status $?"
a() { echo a; }; a & b() { echo b; }; wait; echo both done
trap 'echo got INT' INT
kill -INT $$
echo after kill
trap 'echo child done' CHLD
(true) & wait || echo "wait interrupted $?"
trap - CHLD
( set -e; false; echo not reached ) ; echo "set -e subshell $?"
( set -e; true; echo reached ) ; echo "status $?"
trap 'echo bye' EXIT
sh -c 'kill -TERM $$'; echo "killed by TERM: $?"
exit 0
