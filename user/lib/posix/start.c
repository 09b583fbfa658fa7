/*
 * A POSIX process's start and end: the C side of crt0.S, exit, and the
 * state every wrapper shares (mm0's tid, errno, environ).
 *
 * POSIX programs link libposix before the libc, so exit and abort here
 * replace the libc's (which end a native thread with the kernel's exit,
 * behind mm0's back); tess_bootinfo is defined here too so that nothing
 * ever pulls the libc's start.o in beside them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "libposix.h"

uint32_t posix_pager_tid;
int errno;
char **environ;
const struct bootinfo *tess_bootinfo; /* a native root task's only */
static struct utcb *first_utcb;

int main(int argc, char **argv, char **envp);

uint32_t posix_pager(void)
{
	return posix_pager_tid;
}

struct utcb *posix_utcb(void)
{
	return first_utcb;
}

/* printf's output: standard output, through mm0. */
static void stdout_sink(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(STDOUT_FILENO, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* malloc's memory: the heap above the program's data, grown by brk. */
static void *heap_more(size_t n)
{
	if (n > (size_t)INTPTR_MAX)
		return NULL;
	void *p = sbrk((intptr_t)n);
	return p == (void *)-1 ? NULL : p;
}

void __posix_start(uint64_t *vector, uint64_t pager, struct utcb *utcb)
    __attribute__((noreturn));

void __posix_start(uint64_t *vector, uint64_t pager, struct utcb *utcb)
{
	int argc = (int)vector[0];
	char **argv = (char **)&vector[1];
	char **envp = argv + argc + 1;

	posix_pager_tid = (uint32_t)pager;
	first_utcb = utcb;
	errno = 0;
	environ = envp;
	stdio_set_sink(stdout_sink);
	malloc_set_morecore(heap_more);
	exit(main(argc, argv, envp));
}

void _exit(int status)
{
	px_call(PX_EXIT, status, 0, 0, 0, 0);
	/* PX_EXIT never answers; if the IPC itself failed, the undefined
	 * instruction makes mm0 end the process (PX_STATUS_ILL). */
	for (;;)
		__builtin_trap();
}

void exit(int status)
{
	fflush_stdout();
	_exit(status);
}

void abort(void)
{
	printf("abort\n");
	exit(134);
}
