/*
 * Finding 4: sizes a user gives are checked against what is left before
 * anything is allocated, a refused request keeps nothing, and a sparse
 * request costs what it uses, not what it spans.
 *
 * A shared mapping of 2^40 bytes, a writable private one larger than
 * what is free, a break moved 1 GiB up and a shared memory segment
 * larger than what is free are each refused at once (ENOMEM, ENOSPC),
 * and mm0's free memory is what it was (before the fix, the shared
 * mapping grew mm0's heap page by page until the container's memory was
 * gone).  A write at 1 GiB - 2 makes a 1 GiB file of one page: the hole
 * reads as zeros, and it all comes back when the file is deleted.
 * Afterwards fork works.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/shm.h>

#include "mm0test.h"

#define GIB (1l << 30)

static int fork_works(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(42);
	return pid > 0 && wait_exit_status(pid) == 42;
}

static void refused_at_once(void)
{
	struct px_stats s0 = stats();
	void *p = mmap(NULL, 1ul << 40, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	expect_err(p == MAP_FAILED ? -1 : 0, ENOMEM,
		   "sizes: a shared mapping of 2^40 bytes is ENOMEM");
	expect_eq(stats().untyped_remaining, s0.untyped_remaining,
		  "sizes: ...and mm0's free memory is as it was");
	p = mmap(NULL, s0.untyped_remaining + 64 * PAGE_SIZE,
		 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_err(p == MAP_FAILED ? -1 : 0, ENOMEM,
		   "sizes: a writable private mapping larger than what is free "
		   "is ENOMEM");
	p = mmap(NULL, 1ul << 40, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		 0);
	tap_ok(p != MAP_FAILED,
	       "sizes: a read-only private mapping of 2^40 bytes (the zero "
	       "page) is fine");
	munmap(p, 1ul << 40);

	void *brk0 = sbrk(0);
	expect_err(sbrk(GIB) == (void *)-1 ? -1 : 0, ENOMEM,
		   "sizes: moving the break 1 GiB up is ENOMEM");
	tap_ok(sbrk(0) == brk0 && sbrk(PAGE_SIZE) == brk0,
	       "sizes: ...the break stays, and a page more is fine");
	sbrk(-(long)PAGE_SIZE);

	expect_err(shmget(7001, 200ul << 20, IPC_CREAT | 0600), ENOSPC,
		   "sizes: a 200 MiB shared memory segment is ENOSPC");
	expect_eq(stats().untyped_remaining, s0.untyped_remaining,
		  "sizes: after the refusals mm0's free memory is as it was");
	tap_ok(fork_works(), "sizes: ...and fork works");
}

static void sparse_write(void)
{
	struct px_stats s0 = stats();
	char buf[8] = "xxxxxxx";
	int fd = open("/tmp/sparse", O_CREAT | O_RDWR | O_TRUNC, 0644);
	expect_eq(lseek(fd, GIB - 2, SEEK_SET), GIB - 2,
		  "sizes: seek to 1 GiB - 2");
	expect_eq(write(fd, "ab", 2), 2, "sizes: a write of 2 bytes there");
	struct px_stats s1 = stats();
	long used = (long)(s0.untyped_remaining - s1.untyped_remaining);
	tap_ok(used <= 1l << 20,
	       "sizes: ...makes a 1 GiB file for %ld KiB of memory",
	       used >> 10);
	lseek(fd, GIB / 2, SEEK_SET);
	tap_ok(read(fd, buf, 4) == 4 && !memcmp(buf, "\0\0\0\0", 4),
	       "sizes: the hole reads as zeros");
	lseek(fd, GIB - 3, SEEK_SET);
	tap_ok(read(fd, buf, 8) == 3 && !memcmp(buf, "\0ab", 3),
	       "sizes: the end reads as written");
	close(fd);
	unlink("/tmp/sparse");
	expect_eq(stats().untyped_remaining, s0.untyped_remaining,
		  "sizes: deleted, its memory is back");
	tap_ok(fork_works(), "sizes: ...and fork works");
}

void test_sizes(void)
{
	refused_at_once();
	sparse_write();
}
