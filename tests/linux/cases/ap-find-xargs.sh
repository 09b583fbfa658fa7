# find (sorted: directory order is the file system's) and xargs.
mkdir -p t/a/b t/c
touch t/1.txt t/a/2.txt t/a/b/3.log t/c/4.txt t/5.log
echo content > t/a/b/nonempty
find t | sort
find t -type d | sort
find t -type f -name '*.txt' | sort
find t -name '*.log' -o -name 'non*' | sort
find t -maxdepth 1 | sort
find t -mindepth 2 -type f | sort
find t -type f -size +0 | sort
find t -empty -type f | sort | head -n 2
find t -name '*.txt' -exec echo found {} \; | sort
find t -path '*a/b*' | sort
find t -type f | sort | xargs echo
find t -type f | sort | xargs -n 2 echo
find t -name '*.log' -print0 | xargs -0 ls | sort
echo "a b c d e" | xargs -n 2
printf '1\n2\n3\n' | xargs -I{} echo "item {}"
find t -name '*.txt' | sort | xargs wc -c | tail -n 1
echo nothing | xargs true; echo "xargs true: $?"
echo x | xargs false; echo "xargs false: $?"
find t -name '*.txt' -exec rm {} + ; find t -type f | sort
find no-such-dir 2>&1; echo "find status $?"
