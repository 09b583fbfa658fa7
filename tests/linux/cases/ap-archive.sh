# tar, gzip, gunzip, zcat, md5sum, sha256sum, od, cmp, diff, dd.
printf 'line one\nline two\n' > a
seq 1 500 > b
md5sum a b
sha256sum a
sha1sum b
md5sum a b > sums && md5sum -c sums
echo corrupted >> b; md5sum -c sums 2>&1; echo "check status $?"
gzip -c a > a.gz && gunzip -c a.gz
od -An -tx1 a.gz | head -n 1
seq 1 2000 | gzip -9 | gunzip | tail -n 1
gzip -c b | zcat | wc -l
cp b b2; gzip b2; ls b2*; gunzip b2.gz; ls b2*
cmp a a && echo "same"
cmp a b; echo "cmp status $?"
printf 'x\ny\nz\n' > d1; printf 'x\nY\nz\nw\n' > d2
diff d1 d2 | grep -v '^[-+][-+][-+] '; echo "diff status $?"
diff d1 d1 && echo "no difference"
mkdir -p t/s; echo 1 > t/s/one; echo 2 > t/two
tar cf t.tar t && tar tf t.tar | sort
mkdir x && tar xf t.tar -C x && cat x/t/s/one x/t/two
tar czf t.tgz t && tar tzf t.tgz | sort
dd if=/dev/zero bs=512 count=4 status=none | wc -c
dd if=a bs=1 skip=5 count=3 status=none; echo
dd if=a of=part bs=4 count=2 status=none; cat part; echo
printf 'ABC' | od -c
printf '\001\002\377' | od -An -tu1
od -An -tx2 -N4 a
