# awk.
printf 'alice 30 paris\nbob 25 berlin\ncarol 35 paris\ndave 40 rome\n' > people
awk '{ print $1 }' people
awk '$2 > 28 { print $1, $3 }' people
awk '{ sum += $2 } END { print "total", sum, "avg", sum / NR }' people
awk '{ city[$3]++ } END { for (c in city) print c, city[c] }' people | sort
awk -F: '{ print NF, $1 }' <<'EOT'
a:b:c
d
EOT
awk 'BEGIN { printf "%-6s|%5.2f|%d\n", "x", 3.14159, 42 }'
awk 'BEGIN { s = "Hello World"; print length(s), toupper(s), tolower(s), substr(s, 7), index(s, "World") }'
awk 'BEGIN { n = split("a,b,c", arr, ","); print n, arr[1] arr[3] }'
awk 'BEGIN { s = "aaa"; gsub(/a/, "bb", s); print s; t = "xyz"; sub(/y/, "Y", t); print t }'
awk 'function sq(x) { return x * x } BEGIN { print sq(7) }'
awk 'NR % 2 == 0' people
awk 'END { print NR }' people
awk '{ $2 = $2 + 1; print }' people | head -n 2
awk 'BEGIN { OFS = "-" } { $1 = $1; print }' people | head -n 1
awk '/paris/ && $2 < 32' people
awk 'BEGIN { while (i < 3) { i++; printf "%d ", i }; print "" }'
awk 'BEGIN { x = 2 * 512; print x, int(7.9), 7 % 3, -7 % 3, 1e3, 0.1 + 0.2 }'
seq 1 10 | awk '{ a[NR] = $1 } END { for (i = NR; i > 7; i--) printf "%s ", a[i]; print "" }'
awk 'BEGIN { printf "%c%c\n", 65, "BCD" }'
echo "3 4" | awk '{ print ($1 > $2) ? "gt" : "le" }'
