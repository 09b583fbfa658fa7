# Redirections: > >> < 2>&1 2> >&2, fds 3..9, here-documents, noclobber.
echo first > f
echo second >> f
cat < f
wc -l < f
ls no-such-file 2>&1 | sed 's/^/E: /'
{ echo out; echo err >&2; } > o 2> e
echo "o: $(cat o) e: $(cat e)"
{ echo out; echo err >&2; } > both 2>&1
cat both
{ echo out; echo err >&2; } 2>&1 > only-out | sed 's/^/piped: /'
cat only-out
exec 3> three
echo "via fd 3" >&3
echo "again via fd 3" 1>&3
exec 3>&-
cat three
exec 4< f
read -r l1 <&4
read -r l2 <&4
exec 4<&-
echo "read from fd 4: $l1, $l2"
while read -r line; do echo "[$line]"; done < f
v=inner
cat <<EOT
expanded: $v $((6 * 7))
EOT
cat <<'EOT'
not expanded: $v $((6 * 7))
EOT
: > empty
wc -c < empty
set -C
echo x > f 2>/dev/null || echo "noclobber refused"
echo y >| f && cat f
set +C
echo data > file1; cat file1 missing-file > combined 2>&1; cat combined
echo exitcode $?
echo to-null > /dev/null && echo "to /dev/null ok"
cat /dev/null | wc -c
