# grep and sed.
cat > text <<'EOT'
The quick brown fox
jumps over the lazy dog
THE END
foo=1
bar=22
baz=333
EOT
grep the text
grep -i the text
grep -v o text
grep -c a text
grep -n '^ba' text
grep -E 'ba[rz]=[0-9]{2,}' text
grep -o '[0-9]\+' text
grep -w the text
grep -l quick text missing 2>&1
grep -e fox -e dog text
grep -x 'THE END' text
grep -q zebra text; echo "no match: $?"
egrep 'o{2}' text
mkdir -p d/e; echo needle > d/e/f; echo hay > d/g
grep -r needle d
sed 's/o/0/' text | head -n 2
sed 's/o/0/g' text | head -n 2
sed -n '2,3p' text
sed '1d;$d' text
sed -n '/^ba/{s/=/ is /;p}' text
sed -e 's/foo/FOO/' -e 's/bar/BAR/' text | tail -n 3
sed 'y/abc/xyz/' text | tail -n 3
sed '/quick/a\
appended line' text | head -n 3
sed '2i inserted' text | head -n 3
sed -E 's/([a-z]+)=([0-9]+)/\2=\1/' text | tail -n 3
cp text edit; sed -i 's/dog/cat/' edit; grep lazy edit
sed = text | head -n 4
printf 'a\nb\nc\n' | sed -n '$='
echo "path/to/file" | sed 's|/|:|g'
