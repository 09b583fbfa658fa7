# Files and directories: mkdir, touch, ls, cp, mv, rm, rmdir, ln -s,
# readlink, chmod, stat, test, basename, dirname, truncate.
mkdir -p a/b/c d
touch a/f1 a/b/f2 a/b/c/f3
echo hello > a/h
ls
ls -a a
ls -R a
ls -F a
ls -1 a/b
cp a/h d/h2 && cat d/h2
cp -r a e && ls -R e
mv d/h2 d/moved && ls d
mv d/moved e/b/ && ls e/b
rm e/b/moved && ls e/b
rm -r e && ls
rmdir a/b/c 2>&1 | sed 's/^/rmdir: /' || true
rm a/b/c/f3 && rmdir a/b/c && echo "removed c"
rmdir a 2>&1
mkdir a 2>&1
ln -s h a/link
readlink a/link
cat a/link
ln -s no-such-target a/dangling
[ -L a/dangling ] && [ ! -e a/dangling ] && echo "dangling link"
ln -sf f1 a/link && readlink a/link
echo data > p
chmod 640 p; stat -c '%a %s %F %n' p
chmod u+x,g-r p; stat -c '%a %A' p
chmod 755 a; stat -c '%a %F' a
stat -c '%F %N' a/link
[ -f p ] && [ -d a ] && [ -x p ] && [ -s p ] && [ ! -s a/f1 ] && echo "test -f -d -x -s"
[ -e no-such ] || echo "test -e false"
basename /usr/lib/libc.so; basename /usr/lib/libc.so .so; basename dir/
dirname /usr/lib/libc.so; dirname libc.so; dirname /
truncate -s 10000 big && stat -c '%s' big
truncate -s 5 big && stat -c '%s' big && od -An -c big
touch -c not-created; ls not-created 2>&1
touch a/f1 && echo "touched existing"
rm -f no-such && echo "rm -f of nothing"
rm no-such 2>&1; echo "rm status $?"
mkdir -p x/y/z && rm -rf x && [ ! -e x ] && echo "rm -rf"
