/*
 * mm0 writing into a process's memory for it (the seed's
 * task_virt_to_page fix): a read() into a buffer, a stat result, a wait
 * status.  Anonymous pages that were only read map the one shared zero
 * page, read-only; when mm0 writes into such a page it must go through
 * the page's protections as a fault would, taking a fresh frame, and
 * never write the zero page itself, which every untouched page of every
 * process maps.  Here mm0 writes into three zero-page-backed pages; the
 * bytes must arrive, and the pages still backed by the zero page (in this
 * process and in a child made afterwards) must still read zero.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "test0.h"

#define NPAGES 6
#define DATA_PATH "/tmp/zeropage.txt"

static const char data[] = "bytes mm0 writes into a zero-page page";

static int page_zero(const volatile unsigned char *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A child's own fresh anonymous pages, read before written: zeros? */
static int child_pages_zero(void)
{
	volatile unsigned char *q =
	    mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q == MAP_FAILED)
		return 0;
	return page_zero(q, 0, NPAGES * PAGE_SIZE);
}

void test_zero_page(void)
{
	struct px_stats s0, s1;
	volatile unsigned char *p =
	    mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(p != MAP_FAILED, "zero page: mmap %d anonymous pages",
		    NPAGES))
		return;

	posix_stats(&s0);
	int zero = 1;
	for (int i = 0; i < NPAGES; i++)
		zero &= p[i * PAGE_SIZE + 7] == 0;
	posix_stats(&s1);
	if (!tap_ok(zero && s1.zero_page_maps - s0.zero_page_maps == NPAGES,
		    "zero page: %d pages read before any write map the zero "
		    "page",
		    NPAGES))
		tap_diag("  %lu mappings", (unsigned long)(s1.zero_page_maps -
							   s0.zero_page_maps));

	/* read() into page 0. */
	int fd = open(DATA_PATH, O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(fd, data, sizeof(data));
	lseek(fd, 0, SEEK_SET);
	expect_eq(read(fd, (void *)(p + 100), sizeof(data)), sizeof(data),
		  "zero page: read() into a page backed by the zero page");
	close(fd);
	tap_ok(!memcmp((const void *)(p + 100), data, sizeof(data)),
	       "zero page: the bytes read are there");

	/* PX_STAT straight into page 1 (libc's stat uses a buffer of its
	 * own). */
	struct px_stat *st = (struct px_stat *)(p + PAGE_SIZE + 200);
	expect_eq(px_raw(PX_STAT, (long)DATA_PATH, (long)st, 0, 0, 0), 0,
		  "zero page: stat into a page backed by the zero page");
	expect_eq(st->st_size, sizeof(data),
		  "zero page: the stat result is there");

	/* PX_WAIT's status straight into page 2. */
	int32_t *status = (int32_t *)(p + 2 * PAGE_SIZE + 300);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 20; i++)
			tess_thread_switch(TID_NIL);
		_exit(42);
	}
	expect_eq(px_raw(PX_WAIT, pid, (long)status, 0, 0, 0), pid,
		  "zero page: wait with its status in a page backed by the "
		  "zero page");
	expect_eq(*status & 0xff, 42, "zero page: the exit status is there");

	tap_ok(page_zero(p, 0, 100) &&
		   page_zero(p, 100 + sizeof(data), PAGE_SIZE),
	       "zero page: the rest of the page read into is zeros");
	tap_ok(page_zero(p, 3 * PAGE_SIZE, NPAGES * PAGE_SIZE),
	       "zero page: the pages still on the zero page read zero: mm0 "
	       "wrote nothing into it");
	pid = fork();
	if (pid == 0)
		_exit(child_pages_zero() ? 0 : 1);
	expect_eq(wait_exit_status(pid), 0,
		  "zero page: another process's untouched pages read zero");
	unlink(DATA_PATH);
	munmap((void *)p, NPAGES * PAGE_SIZE);
}
