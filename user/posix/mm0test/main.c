/*
 * mm0test's main: the helpers every area shares, then the areas in the
 * order of issue 8's findings, and the plan line.  It is the container's
 * first process (init): it must survive everything it provokes.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "mm0test.h"

struct px_stats stats(void)
{
	struct px_stats s;
	if (posix_stats(&s)) {
		tap_ok(0, "PX_STATS answers");
		exit(tap_finish());
	}
	return s;
}

void *shared_page(void)
{
	void *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		tap_ok(0, "a shared page");
		exit(tap_finish());
	}
	memset(p, 0, PAGE_SIZE);
	return p;
}

void sleep_forever(void)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	for (;;)
		tess_receive(posix_pager(), &m); /* mm0 sends nothing unasked */
}

void touch_pages(volatile char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i * PAGE_SIZE] = 1;
}

int main(int argc, char **argv)
{
	/* Programs this one execs in its tests. */
	if (argc == 3 && !strcmp(argv[1], "sendto"))
		return sendto_main(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "sleep")) {
		close(open(argv[2], O_CREAT | O_WRONLY, 0644)); /* "running" */
		sleep_forever();
	}
	expect_eq(posix_sync(), 0, "PX_SYNC: mm0 answers");
	struct px_stats s = stats();
	tap_diag("mm0test: pid %x, %lu KiB free", getpid(),
		 (unsigned long)(s.untyped_remaining >> 10));
	mkdir("/tmp", 0777);
	test_oom();
	test_memory_returns();
	test_sizes();
	test_kill();
	test_cap_requests();
	test_exec_checks();
	test_smaller();
	test_io();
	test_areas();
	test_protect();
	test_fork_tables();
	return tap_finish();
}
