# Text: cat, echo, printf, head, tail, wc, sort, uniq, cut, tr, tac, rev,
# nl, paste, fold, expand, tee.
printf 'banana 3\napple 10\ncherry 2\napple 10\ndate 1\n' > fruit
cat -n fruit
head -n 2 fruit; head -c 8 fruit; echo
tail -n 2 fruit; tail -c 7 fruit; tail -n +4 fruit
wc fruit; wc -l < fruit; wc -w fruit; wc -c fruit
sort fruit
sort -u fruit
sort -k2 -n fruit
sort -k2 -nr fruit | head -n 2
sort -t' ' -k1,1r fruit
sort fruit | uniq -c
sort fruit | uniq -d
sort fruit | uniq -u
cut -d' ' -f1 fruit | tr '\n' ,; echo
cut -c1-3 fruit
echo "Hello, World" | tr a-z A-Z
echo "Hello, World" | tr -d lo
echo "aaabbbccc" | tr -s abc
echo "hello" | tr 'a-y' 'b-z'
printf '%5s|%-5s|%05d|%x|%o|%c|%%|%.3f\n' ab cd 42 255 8 Z 3.14159
printf '%s\n' one two three
printf 'no newline'; printf '\n'
echo -n "echo -n"; echo
echo -e 'tab\there\nnext'
echo 'backslash \\ stays'
printf 'a\tb\n' | expand
seq 1 5 | tac | paste - - -
echo "abc def" | rev
printf 'x\ny\nz\n' | nl
echo "a long line that is going to be folded" | fold -w 10
echo tee-test | tee t1 t2 > /dev/null; cat t1 t2
echo appended | tee -a t1 > /dev/null; cat t1
cat fruit - fruit < /dev/null | wc -l
