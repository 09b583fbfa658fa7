/*
 * Out of memory (mm0's rule, docs/posix.md), for Linux programs: a child
 * that maps more than the container has, in areas that each fit, and
 * touches it all is the largest process when memory runs out, and ends
 * by SIGKILL; mm0 goes on serving (the parent's new pages fault in
 * afterwards).  On Linux, with room to spare, the child just ends.
 *
 * It runs in the lxbusybox suite (busybox.txt), on the kernel without
 * the invariant checks: touching the whole container's memory under
 * kcheck takes minutes.
 */
#include "lxt.h"
#include <sys/mman.h>
#include <sys/wait.h>

static void out_of_memory(void)
{
	const size_t area = 16 << 20;
	int tessera = on_tessera();
	pid_t pid = fork();
	if (pid == 0) {
		char *a[4];
		for (int k = 0; k < 4; k++)
			if ((a[k] = mmap(NULL, area, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) ==
			    MAP_FAILED)
				_exit(1);
		for (size_t i = 0; i < 4 * area; i += 4096)
			a[i / area][i % area] = 1;
		_exit(0);
	}
	if (tessera)
		diag("expect: mm0: out of memory: killed process %x, the "
		     "largest, to serve process %x",
		     pid, pid);
	int st;
	waitpid(pid, &st, 0);
	ok(tessera ? WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL
		   : WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "a child touching more than the container has ends by SIGKILL "
	   "(0x%x)",
	   st);
	char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int touched = p != MAP_FAILED;
	for (size_t i = 0; touched && i < 1 << 20; i += 4096)
		p[i] = 2;
	ok(touched && p[(1 << 20) - 1] == 0 && p[0] == 2,
	   "and afterwards the parent's new pages fault in");
	munmap(p, 1 << 20);
}

int main(void)
{
	out_of_memory();
	return done();
}
