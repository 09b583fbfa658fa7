/*
 * Finding 8: out of memory.  A page fault that cannot be served kills
 * the process that holds the most memory (never init), logged as out of
 * memory, and the faulting process goes on; it is not the faulting
 * process that dies as if it had touched memory outside its areas.
 *
 * B touches 60% of what is free and sleeps; C maps more than is free (in
 * four areas of 30%: an mmap larger than what is free is refused) and
 * touches it page by page.  When memory runs out the first time, B is
 * the largest: B is killed and C goes on; the second time C is the
 * largest and is killed itself.  Both end with status 137 (SIGKILL, as
 * Linux's OOM killer), mm0 logs both, and init (this process) can still
 * fault new pages in afterwards.
 */
#include <signal.h>
#include <sys/mman.h>

#include "mm0test.h"

struct oom_report {
	volatile long b_pages, c_pages;
};

static void child_b(struct oom_report *r, size_t pages)
{
	char *p = mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(1);
	for (size_t i = 0; i < pages; i++) {
		p[i * PAGE_SIZE] = 1;
		r->b_pages = (long)i + 1;
	}
	sleep_forever();
}

static void child_c(struct oom_report *r, size_t pages)
{
	/* Areas that each fit in what is free (an mmap that does not is
	 * refused), together more than it. */
	char *a[4];
	for (int k = 0; k < 4; k++) {
		a[k] = mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a[k] == MAP_FAILED)
			_exit(1);
	}
	for (size_t i = 0; i < 4 * pages; i++) {
		a[i / pages][(i % pages) * PAGE_SIZE] = 1;
		r->c_pages = (long)i + 1;
	}
	_exit(2); /* it should have been killed before */
}

void test_oom(void)
{
	struct oom_report *r = shared_page();
	size_t free_pages = stats().untyped_remaining / PAGE_SIZE;
	size_t b_pages = free_pages * 6 / 10, c_pages = free_pages * 3 / 10;

	pid_t b = fork();
	if (b == 0)
		child_b(r, b_pages);
	while (r->b_pages < (long)b_pages && r->b_pages >= 0)
		tess_thread_switch(TID_NIL);
	pid_t c = fork();
	if (c == 0)
		child_c(r, c_pages);
	printf("# expect: mm0: out of memory: killed process %x, the largest, "
	       "to serve process %x\n",
	       b, c);
	printf("# expect: mm0: out of memory: killed process %x, the largest, "
	       "to serve process %x\n",
	       c, c);
	int cs = wait_exit_status(c);
	expect_eq(cs, PX_STATUS_KILL,
		  "oom: C, touching more than is free, ends killed (137) when "
		  "it is the largest");
	tap_ok(r->c_pages > (long)(free_pages - b_pages),
	       "oom: ...after going on past the point where B was killed "
	       "(%ld pages touched)",
	       r->c_pages);
	kill(b, SIGKILL); /* if B is still there (before the fix) */
	expect_eq(wait_exit_status(b), PX_STATUS_KILL,
		  "oom: B (%zu pages, the largest then) was killed for C's "
		  "fault",
		  b_pages);
	char *p = mmap(NULL, 64 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	touch_pages(p, 64);
	tap_ok(p != MAP_FAILED && p[63 * PAGE_SIZE] == 1,
	       "oom: init faults 64 new pages in afterwards");
	munmap(p, 64 * PAGE_SIZE);
	munmap(r, PAGE_SIZE);
}
