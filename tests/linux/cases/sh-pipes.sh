# Pipelines: three and more stages, exit statuses, yes | head (SIGPIPE).
echo "one two three four five" | tr ' ' '\n' | sort | head -n 3
seq 1 200 | grep 7 | sort -rn | head -n 4 | tr '\n' ' '
echo
printf 'b\na\nc\na\nb\na\n' | sort | uniq -c | sort -rn | sed 's/^ *//'
seq 1 5 | sed 's/^/x/' | tr x y | cat | cat | cat | paste -sd, -
yes abc | head -n 3
yes | head -c 10000 | wc -c
seq 1 1000 | awk '{ s += $1 } END { print s }' | tr 0 O | cat
echo "last stage decides: $(false | true; echo $?) $(true | false; echo $?)"
! true | true
echo "negated: $?"
cat <<END | tr a-z A-Z | rev | tac
first line
second line
END
seq 1 20000 | tail -n 2 | head -n 1
