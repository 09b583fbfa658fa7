# Pipelines of three stages and more, redirections, here-documents.
echo "c b a" | tr ' ' '\n' | sort | head -2
seq 1 100 | grep 7 | sort -r | head -3 | tr '\n' ' '; echo
seq 1 1000 | wc -l
echo line1 > /tmp/r; echo line2 >> /tmp/r; cat < /tmp/r
ls /nonexistent 2>&1 | cut -c1-24
ls /nonexistent 2>/dev/null || echo "ls failed: $?"
{ echo out; echo err >&2; } 2>&1 | sort
exec 3>/tmp/fd3; echo via3 >&3; exec 3>&-; cat /tmp/fd3
cat <<END
here $((1 + 2))
END
yes | head -5 | wc -l
