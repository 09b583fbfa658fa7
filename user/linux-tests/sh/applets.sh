# Forty and more applets on small files.
mkdir -p /tmp/a && cd /tmp/a
printf 'one\ntwo\nthree\ntwo\n' > f
cat f | wc -l
head -1 f; tail -1 f
sort f | uniq | tr '\n' ' '; echo
sort f | uniq -c | tr -s ' '
cut -c1-2 f | tr '\n' ','; echo
grep -n two f
sed 's/t/T/g' f | head -2
awk '{n += length($0)} END {print n}' f
echo "3 4" | awk '{print $1 * $2}'
expr 6 \* 7
printf '%s-%d-%x\n' abc 42 255
seq 3 5 | xargs echo
find . -name f -type f
basename /x/y/z.txt .txt; dirname /x/y/z.txt
echo hello | od -c | head -1
echo hello | md5sum
echo hello | sha256sum | cut -c1-16
echo hello | sha1sum | cut -c1-8
cp f g; mv g h; ls; rm h
mkdir d; rmdir d; test -d d || echo "d gone"
ln -s f link; readlink link; ln f hard; ls -l hard | awk '{print $2}'
touch t; chmod 640 t; ls -l t | cut -c1-10
dd if=/dev/zero bs=512 count=3 2>/dev/null | wc -c
cmp f f && echo same
echo x | tee copy > /dev/null; cat copy
env -i A=1 env
true; echo "true $?"; false; echo "false $?"
test 3 -gt 2 && echo gt
[ -f f ] && echo file
echo abc | rev
echo "a,b" | tr , '\n' | sort -r
stat -c '%s %F' f
du -s . > /dev/null && echo du
wc -c < f
printf 'b 2\na 1\n' | sort -k2 -n
nl f | head -1 | tr -s ' \t' ' '
echo hello world | fold -w 5
id -u
uname -s
echo $((0x10 + 010))
date +%s > /dev/null && echo date
