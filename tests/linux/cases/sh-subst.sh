# Command substitution, arithmetic, parameter expansion, word splitting.
a=$(echo hello)
b=`echo world`
echo "$a $b"
echo "nested: $(echo $(echo $(echo deep)))"
echo "lines: $(printf 'x\ny\n\n\n')|"
echo "arith: $((1 + 2 * 3)) $(( (1 + 2) * 3 )) $((17 / 5)) $((17 % 5)) $((1 << 10)) $((0x10)) $((-7 / 2))"
x=5; x=$((x * x)); echo "x=$x"
p=/usr/local/lib/libfoo.so.1
echo "${p#*/} ${p##*/} ${p%.*} ${p%%.*} ${#p}"
echo "${unset_var:-default} ${unset_var:=assigned} $unset_var"
empty=; echo "[${empty:+alt}] [${p:+alt}]"
s=abcdef; echo "${s:2:3}"
IFS=: read -r f1 f2 f3 <<EOT
root:x:0
EOT
echo "$f3-$f2-$f1"
list="a  b   c"; set -- $list; echo "$# fields"; set -- "$list"; echo "$# field"
IFS=,; set -- $(echo "1,2,,3"); echo "$# comma fields"; unset IFS
printf '%s|' $(printf 'p q\tr\n s'); echo
echo "$(cat <<EOT
inside heredoc in subst
EOT
)"
n=$(seq 1 100 | wc -l); echo "n=$n"
out=$(sh -c 'echo to-stdout; echo to-stderr >&2' 2>/dev/null); echo "captured: $out"
set -- a b c d; echo "last: $(eval echo \${$#}) count: $#"
