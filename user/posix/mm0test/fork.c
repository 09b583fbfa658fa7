/*
 * fork's page table (issue 9): the child's table starts as a copy of the
 * parent's, slot for slot, and each page is then shared copy-on-write.
 * Whatever either writes afterwards stays its own, both ways, over many
 * pages (the table grown past its first size, pages written and only
 * read), across a second fork of the child; and when the children have
 * gone, every frame they took is back (PX_STATS).
 */
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "mm0test.h"

#define FORK_PAGES 300

/* Whether page i of p holds `v` throughout its first and last word. */
static bool holds(const char *p, size_t i, char v)
{
	return p[i * PAGE_SIZE] == v && p[i * PAGE_SIZE + PAGE_SIZE - 1] == v;
}

/* A child: check the parent's bytes, write its own, fork a grandchild
 * that checks them, and exit 0 if all held. */
static int child(char *p)
{
	for (size_t i = 0; i < FORK_PAGES; i++)
		if (!holds(p, i, (char)(i % 2 ? 'a' : 0)))
			return 1;
	for (size_t i = 0; i < FORK_PAGES; i++)
		memset(p + i * PAGE_SIZE, 'c', PAGE_SIZE);
	pid_t g = fork();
	if (g == 0) {
		for (size_t i = 0; i < FORK_PAGES; i++)
			if (!holds(p, i, 'c'))
				_exit(1);
		memset(p, 'g', FORK_PAGES * PAGE_SIZE);
		_exit(0);
	}
	int st = -1;
	waitpid(g, &st, 0);
	if (st != 0)
		return 2;
	for (size_t i = 0; i < FORK_PAGES; i++)
		if (!holds(p, i, 'c'))
			return 3;
	return 0;
}

void test_fork_tables(void)
{
	char *p = mmap(NULL, FORK_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Odd pages written, even ones only read (the zero page). */
	for (size_t i = 0; i < FORK_PAGES; i++)
		if (i % 2)
			memset(p + i * PAGE_SIZE, 'a', PAGE_SIZE);
		else
			(void)*(volatile char *)(p + i * PAGE_SIZE);
	struct px_stats s0 = stats();
	pid_t c = fork();
	if (c == 0)
		_exit(child(p));
	/* The parent writes too, while the child may still read (pages it
	 * had written: no new frame is left over once the child is gone). */
	for (size_t i = 3; i < FORK_PAGES; i += 6)
		memset(p + i * PAGE_SIZE, 'p', PAGE_SIZE);
	expect_eq(wait_exit_status(c), 0,
		  "fork: a child sees the parent's pages as they were, and "
		  "its writes and its own child's stay theirs");
	bool ok = true;
	for (size_t i = 0; i < FORK_PAGES; i++)
		ok &= holds(p, i, i % 6 == 3 ? 'p' : i % 2 ? 'a' : 0);
	tap_ok(ok, "fork: ...and never reach the parent's %d pages",
	       FORK_PAGES);
	struct px_stats s1 = stats();
	expect_eq(s1.untyped_remaining, s0.untyped_remaining,
		  "fork: when they have gone, every frame they took is back");
	munmap(p, FORK_PAGES * PAGE_SIZE);
}
