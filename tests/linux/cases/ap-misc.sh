# seq, yes, expr, test, env, date (no clock), true, false, sleep 0, sort -R free.
seq 3; seq 2 5 | tr '\n' ' '; echo; seq 10 -3 1 | tr '\n' ' '; echo
seq -w 8 11 | tr '\n' ' '; echo; seq -s, 1 4
yes hi | head -n 2
expr 2 + 3; expr 10 / 3; expr 10 % 3; expr 6 \* 7
expr length hello; expr substr hello 2 3; expr index hello l
expr abc : 'a\(.*\)'; expr 5 \> 3; expr 3 = 4
expr 0; echo "expr 0 status $?"
test 3 -lt 4 && echo "3 < 4"
[ "abc" = "abc" ] && echo "strings equal"
[ "a" != "b" ] && echo "strings differ"
test -z "" && test -n "x" && echo "empty tests"
[ 5 -ge 5 -a 2 -le 3 ] && echo "-a"
[ 1 -eq 2 -o 2 -eq 2 ] && echo "-o"
env -i A=1 B=two env | sort
env -i C=3 sh -c 'echo "C is $C"'
env -u HOME sh -c 'echo "HOME is [${HOME}]"'
env | grep -E '^(HOME|LC_ALL|TZ)=' | sort
date -u -d @0 '+%Y-%m-%d %H:%M:%S'
date -u -d @1234567890 '+%s %Y %j %a %b'
date -u -d '2001-02-03 04:05:06' +%s
TZ=UTC0 date -d @86400 +%F
true; echo "true $?"; false; echo "false $?"
printf '%s\n' 3 1 2 | sort -n | tr '\n' ' '; echo
echo "$(( $(seq 1 100 | tr '\n' '+') 0 ))"
basename "$(dirname a/b/c)"
which sh >/dev/null && echo "which finds sh"
printf 'A\nB\n' | head -n 1 | tr A-Z a-z
