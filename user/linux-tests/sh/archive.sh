# A tree archived with tar and gzip, unpacked elsewhere, compared.
set -e
mkdir -p /tmp/t && cd /tmp/t
mkdir -p tree/sub/deeper tree/empty
echo hello > tree/sub/file
seq 1 2000 > tree/sub/deeper/numbers
echo top > tree/top
ln -s top tree/link
tar cf tree.tar tree
gzip tree.tar
ls tree.tar.gz
mkdir out && cd out
gunzip -c ../tree.tar.gz | tar xf -
cd ..
diff -r tree out/tree && echo "diff -r: the same"
tar tzf tree.tar.gz | sort
zcat tree.tar.gz | tar xOf - tree/sub/file
echo changed >> out/tree/top
diff -r tree out/tree > /dev/null || echo "diff -r sees the change"
