# Functions, command substitution, loops, case, arithmetic, exit codes.
f() { echo "f:$1:$#"; return 3; }
f a b c; echo "f returned $?"
x=$(echo $(echo nested) "$(echo two)")
echo "x=$x"
i=0; while [ $i -lt 3 ]; do case $i in 0) echo zero;; 1) echo one;; *) echo many;; esac; i=$((i+1)); done
for w in alpha beta; do echo "for $w"; done
n=0; until [ $n -ge 2 ]; do n=$((n+1)); done; echo "until $n"
s="a:b:c"; IFS=:; set -- $s; echo "$# $2"; unset IFS
echo "${undefined:-default} ${#s}"
true && echo and || echo or
false || echo "false then $?"
(exit 7); echo "subshell $?"
sh -c 'exit 4'; echo "sh -c $?"
