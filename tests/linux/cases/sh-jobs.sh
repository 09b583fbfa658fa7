# Background jobs: &, $!, wait, wait PID and its status, job output to files.
( exit 3 ) &
p=$!
wait $p
echo "wait pid: $?"
for i in 1 2 3 4; do ( echo "job $i" > job$i ) & done
wait
cat job1 job2 job3 job4
false & wait $!; echo "false in background: $?"
sh -c 'exit 7' & q=$!
true & r=$!
wait $r; echo "true: $?"
wait $q; echo "exit 7: $?"
{ seq 1 3; echo done; } | { while read -r l; do echo "got $l"; done; } &
wait
( seq 1 5000 > big ) & ( seq 1 5000 > big2 ) &
wait
cmp big big2 && echo "two writers wrote the same"
x=outside; ( x=inside; echo "subshell $x" ); echo "parent $x"
sh -c 'kill -TERM $$' & wait $!; echo "killed by TERM: $?"
