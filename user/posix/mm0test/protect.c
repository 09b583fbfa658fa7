/*
 * mprotect and MAP_FIXED (the machinery the Linux personality needs):
 * real rights per page, areas split and merged again, PROT_NONE
 * reservations that fault, and MAP_FIXED replacing what is there.
 *
 * A child that touches a page its rights forbid is ended (139); one that
 * does what they allow exits 0.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "mm0test.h"

/* The exit status of a child that reads (write = 0) or writes p. */
static int child_touch(volatile char *p, int write)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (write)
			*p = 9;
		else
			(void)*p;
		_exit(0);
	}
	return wait_exit_status(pid);
}

static void rights_per_page(void)
{
	uint64_t a0 = stats().areas;
	char *p = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 4; i++)
		p[i * PAGE_SIZE] = (char)(i + 1);
	expect_eq(mprotect(p + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0,
		  "protect: the middle two of four pages made read-only");
	expect_eq(stats().areas, a0 + 3, "protect: ...the area split in three");
	expect_eq(child_touch(p + PAGE_SIZE, 0), 0,
		  "protect: a read-only page reads");
	expect_eq(child_touch(p + PAGE_SIZE, 1), PX_STATUS_SEGV,
		  "protect: ...and a write to it ends the writer (139)");
	expect_eq(child_touch(p + 3 * PAGE_SIZE, 1), 0,
		  "protect: the page beside it is still writable");
	expect_eq(mprotect(p + 2 * PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0,
		  "protect: one of them PROT_NONE");
	expect_eq(child_touch(p + 2 * PAGE_SIZE, 0), PX_STATUS_SEGV,
		  "protect: ...and even a read of it ends the reader");
	expect_eq(mprotect(p, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0,
		  "protect: all four writable again");
	tap_ok(stats().areas == a0 + 1 && p[0] == 1 && p[PAGE_SIZE] == 2 &&
		   p[2 * PAGE_SIZE] == 3 && p[3 * PAGE_SIZE] == 4,
	       "protect: ...one area again, the bytes kept");
	p[PAGE_SIZE] = 5;
	tap_ok(p[PAGE_SIZE] == 5, "protect: ...and written");
	munmap(p, 4 * PAGE_SIZE);
}

static void reservation(void)
{
	char *r = mmap(NULL, 64 * PAGE_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(r != MAP_FAILED, "protect: a PROT_NONE reservation of "
				     "64 pages"))
		return;
	expect_eq(child_touch(r, 0), PX_STATUS_SEGV,
		  "protect: ...a read of it ends the reader");
	expect_eq(
	    mprotect(r + 8 * PAGE_SIZE, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE),
	    0, "protect: 8 pages of it made read-write");
	memset(r + 8 * PAGE_SIZE, 7, 8 * PAGE_SIZE);
	tap_ok(r[15 * PAGE_SIZE + 1] == 7, "protect: ...and used");
	expect_eq(child_touch(r + 16 * PAGE_SIZE, 0), PX_STATUS_SEGV,
		  "protect: the rest still faults");
	munmap(r, 64 * PAGE_SIZE);
}

static int forty_two_at(void *code)
{
	/* mov eax, 42; ret */
	static const unsigned char insns[] = {0xb8, 42, 0, 0, 0, 0xc3};
	memcpy(code, insns, sizeof(insns));
	if (mprotect(code, PAGE_SIZE, PROT_READ | PROT_EXEC))
		return -1;
	return ((int (*)(void))code)();
}

static void errors_and_exec(void)
{
	char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_eq(forty_two_at(p), 42,
		  "protect: code written, made read-exec, runs");
	munmap(p + PAGE_SIZE, PAGE_SIZE);
	expect_err(mprotect(p, 2 * PAGE_SIZE, PROT_READ), ENOMEM,
		   "protect: a range with a hole is ENOMEM");
	expect_err(mprotect(p + 1, PAGE_SIZE, PROT_READ), EINVAL,
		   "protect: an unaligned address is EINVAL");
	expect_err(mprotect(p, PAGE_SIZE, 0x10), EINVAL,
		   "protect: unknown rights are EINVAL");
	expect_err(mprotect(posix_utcb(), PAGE_SIZE, PROT_NONE), ENOMEM,
		   "protect: the UTCB pages are mm0's, above the process's "
		   "memory: ENOMEM");
	expect_err(munmap(posix_utcb(), PAGE_SIZE), EINVAL,
		   "protect: ...and munmap of them is EINVAL");
	expect_eq(mprotect(p, 0, PROT_NONE), 0,
		  "protect: length 0 does nothing");
	munmap(p, PAGE_SIZE);

	int fd = open("/tmp/prot", O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(fd, "shared", 6);
	close(fd);
	fd = open("/tmp/prot", O_RDONLY);
	char *f = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	expect_err(mprotect(f, PAGE_SIZE, PROT_READ | PROT_WRITE), EACCES,
		   "protect: write to a shared mapping of a read-only "
		   "descriptor is EACCES");
	munmap(f, PAGE_SIZE);
	close(fd);
	unlink("/tmp/prot");
}

static void map_fixed(void)
{
	char *p = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 'a', 4 * PAGE_SIZE);
	char *q = mmap(p + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	tap_ok(q == p + PAGE_SIZE,
	       "fixed: MAP_FIXED over the middle of an area");
	tap_ok(p[0] == 'a' && q[0] == 0 && q[2 * PAGE_SIZE - 1] == 0 &&
		   p[3 * PAGE_SIZE] == 'a',
	       "fixed: ...the middle is new (zeros), the ends are kept");
	expect_eq(child_touch(q, 1), PX_STATUS_SEGV,
		  "fixed: ...with the new rights (read-only)");
	int fd = open("/tmp/fixed", O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(fd, "from the file", 13);
	char *r = mmap(p, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
	tap_ok(r == p && !memcmp(p, "from the file", 13) && p[13] == 0,
	       "fixed: a file mapped over the first page reads the file");
	close(fd);
	unlink("/tmp/fixed");
	munmap(p, 4 * PAGE_SIZE);
}

void test_protect(void)
{
	rights_per_page();
	reservation();
	errors_and_exec();
	map_fixed();
}
