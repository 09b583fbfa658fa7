/*
 * Finding 11, file I/O at the edges.
 *
 * A read into a buffer whose second part is not mapped copies what fits
 * before the hole and returns that short count, the file offset moving
 * by as much (Linux's semantics); before the fix it failed with EFAULT
 * after writing part of the buffer.  A write from such a buffer writes
 * what it could read, likewise.  And a full file system says ENOSPC,
 * after taking all the memory there is (files grow by pages: before, a
 * file's buffer grew by doubling and held about a third of it, and then
 * said ENOMEM).
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "mm0test.h"

static void partial_copies(void)
{
	static char data[8000];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 1);
	int fd = open("/tmp/io", O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(fd, data, sizeof(data));
	char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + PAGE_SIZE, PAGE_SIZE);
	char *buf = p + PAGE_SIZE - 100;

	lseek(fd, 0, SEEK_SET);
	expect_eq(read(fd, buf, 300), 100,
		  "io: a read of 300 bytes into 100 mapped ones returns 100");
	tap_ok(!memcmp(buf, data, 100),
	       "io: ...and they hold the file's bytes");
	expect_eq(lseek(fd, 0, SEEK_CUR), 100,
		  "io: ...the offset moved by 100");
	lseek(fd, 0, SEEK_SET);
	expect_err(read(fd, p + PAGE_SIZE, 10), EFAULT,
		   "io: a read into no mapped byte at all is EFAULT");
	expect_eq(lseek(fd, 0, SEEK_CUR), 0, "io: ...and moves nothing");

	int out = open("/tmp/io2", O_CREAT | O_RDWR | O_TRUNC, 0644);
	expect_eq(write(out, buf, 300), 100,
		  "io: a write of 300 bytes from 100 mapped ones writes 100");
	expect_eq(lseek(out, 0, SEEK_END), 100, "io: ...the file has 100");
	close(out);
	close(fd);
	unlink("/tmp/io");
	unlink("/tmp/io2");
	munmap(p, PAGE_SIZE);
}

static void full_file_system(void)
{
	static char buf[16 * PAGE_SIZE];
	struct px_stats s0 = stats();
	long total = 0, n;
	memset(buf, 'f', sizeof(buf));
	int fd = open("/tmp/full", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	while ((n = write(fd, buf, sizeof(buf))) > 0)
		total += n;
	int err = errno;
	tap_ok(n < 0 && err == ENOSPC,
	       "io: writing until the file system is full ends in ENOSPC "
	       "(errno %d)",
	       err);
	tap_ok(total >= (long)s0.untyped_remaining / 10 * 9,
	       "io: ...after %ld KiB: at least 90%% of the %lu KiB free",
	       total >> 10, (unsigned long)(s0.untyped_remaining >> 10));
	close(fd);
	unlink("/tmp/full");
	expect_eq(stats().untyped_remaining, s0.untyped_remaining,
		  "io: deleted, all of it is free again");
}

void test_io(void)
{
	partial_copies();
	full_file_system();
}
