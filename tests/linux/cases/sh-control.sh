# for, while, until, case, if/elif, functions, local, return, break, continue.
for i in 1 2 3; do printf '%s.' "$i"; done; echo
for w in $(echo alpha beta gamma); do echo "word $w"; done
n=0; while [ $n -lt 5 ]; do n=$((n + 1)); [ $n -eq 2 ] && continue; [ $n -eq 4 ] && break; echo "while $n"; done
n=3; until [ $n -eq 0 ]; do echo "until $n"; n=$((n - 1)); done
for f in a.c b.h c.txt Makefile d.sh; do
	case $f in
	*.c|*.h) echo "$f: C" ;;
	Make*) echo "$f: make" ;;
	*.sh) echo "$f: shell" ;;
	*) echo "$f: other" ;;
	esac
done
sign() {
	if [ "$1" -lt 0 ]; then echo negative; return 1
	elif [ "$1" -eq 0 ]; then echo zero; return 2
	else echo positive; fi
}
for x in -5 0 7; do sign $x; echo "returned $?"; done
counter=10
bump() { local counter=1; counter=$((counter + 1)); echo "local $counter"; }
bump; echo "global $counter"
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }
echo "6! = $(fact 6)"
outer() { for i in 1 2 3; do for j in a b c; do [ $j = b ] && continue 2; echo "$i$j"; done; done; }
outer
set -- one "two words" three
echo "$# args"; for a in "$@"; do echo "<$a>"; done
shift; echo "after shift: $1"
i=0; while :; do i=$((i + 1)); if [ $i -ge 1000 ]; then break; fi; done; echo "looped $i"
[ -z "" ] && [ -n "x" ] && echo "test -z -n"
if [ abc \< abd ] && [ 10 -gt 9 ] && [ ! 1 -eq 2 ]; then echo "comparisons"; fi
