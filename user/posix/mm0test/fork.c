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

/* A process with FORK_PAGES pages, odd ones written, even ones only read
 * (the zero page), forks child(); both then write.  0 if each saw only
 * its own bytes; 10 if the child (or its child) did not, 20 if the
 * parent did not. */
static int parent(void)
{
	char *p = mmap(NULL, FORK_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 30;
	for (size_t i = 0; i < FORK_PAGES; i++)
		if (i % 2)
			memset(p + i * PAGE_SIZE, 'a', PAGE_SIZE);
		else
			(void)*(volatile char *)(p + i * PAGE_SIZE);
	pid_t c = fork();
	if (c == 0)
		_exit(child(p));
	/* The parent writes too, while the child may still read. */
	for (size_t i = 0; i < FORK_PAGES; i += 3)
		memset(p + i * PAGE_SIZE, 'p', PAGE_SIZE);
	int st = -1;
	waitpid(c, &st, 0);
	if (st != 0)
		return 10;
	for (size_t i = 0; i < FORK_PAGES; i++)
		if (!holds(p, i, i % 3 == 0 ? 'p' : i % 2 ? 'a' : 0))
			return 20;
	return 0;
}

void test_fork_tables(void)
{
	struct px_stats s0 = stats();
	pid_t pid = fork();
	if (pid == 0)
		_exit(parent());
	expect_eq(wait_exit_status(pid), 0,
		  "fork: parent, child and grandchild each see only their own "
		  "writes to %d pages (10: the child's side failed, 20: the "
		  "parent's)",
		  FORK_PAGES);
	expect_eq(stats().untyped_remaining, s0.untyped_remaining,
		  "fork: when they have gone, every frame they took is back");
}
