/* The smallest POSIX program: one line through printf, exit status 0. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	printf("hello from %s, a POSIX process (pid %d)\n",
	       argc > 0 ? argv[0] : "?", getpid());
	return 0;
}
