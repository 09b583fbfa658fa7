# A shell without a trap killed by its own SIGINT: the runner sees signal 2.
echo before
kill -INT $$
echo after
