/*
 * A lab program's start: the libc calls main, which calls the program's
 * cmain (the lab's userlib.s called cmain from its entry point).  If cmain
 * returns, which the lab's kernel could not handle, the program exits
 * with status 0.  Linked into every lab program on its own, not from
 * libllp.a, so that the libc finds this main.
 */
#include <llp.h>

int main(long arg)
{
	(void)arg;
	cmain();
	return 0;
}
