# Build a tree, archive it with tar and gzip, unpack it elsewhere and
# compare the two with diff -r: exits 0 when they are the same.
set -e
mkdir -p src/docs/notes src/bin src/empty src/deep/a/b/c/d
for i in 1 2 3 4 5; do seq 1 $((i * 100)) > src/docs/file$i.txt; done
printf 'binary\000\001\002\377data' > src/bin/blob
echo '#!/bin/sh' > src/bin/run && chmod 755 src/bin/run
echo "deep" > src/deep/a/b/c/d/leaf
ln -s ../docs/file1.txt src/bin/link
yes "a line of text" | head -n 2000 > src/docs/notes/long
tar cf - src | gzip -9 > archive.tar.gz
mkdir elsewhere
cd elsewhere
gunzip -c ../archive.tar.gz | tar xf -
cd ..
diff -r src elsewhere/src && echo "identical after tar | gzip"
mkdir again && tar xzf archive.tar.gz -C again && diff -r src again/src && echo "identical after tar xzf"
[ "$(readlink elsewhere/src/bin/link)" = "../docs/file1.txt" ] && echo "link kept"
[ -x elsewhere/src/bin/run ] && echo "mode kept"
echo changed >> again/src/docs/file3.txt
if diff -r src again/src > /dev/null; then echo "diff missed a change"; exit 1; fi
echo "diff -r sees a change"
