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
#include <sys/wait.h>

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

/*
 * read and write copy once, between the file's pages and the buffer's
 * frames (issue 9): across page boundaries of both at odd offsets, into
 * pages never touched (they fault in as they are reached), into a page
 * shared copy-on-write with a child (the child's read never reaches the
 * parent), and a write from a shared mapping of the same file over the
 * bytes it reads from (the mapping's copy is updated with overlapping
 * ranges).
 */
static void one_copy(void)
{
	static char data[3 * PAGE_SIZE + 500];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 13 + 5);
	int fd = open("/tmp/io1", O_CREAT | O_RDWR | O_TRUNC, 0644);
	lseek(fd, 1, SEEK_SET);
	expect_eq(write(fd, data + 1, sizeof(data) - 1), (long)sizeof(data) - 1,
		  "io: a write from an odd address across 4 pages");
	lseek(fd, 0, SEEK_SET);
	expect_eq(write(fd, data, 1), 1, "io: ...then its first byte");
	char *p = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	lseek(fd, 100, SEEK_SET);
	expect_eq(read(fd, p + 3000, 3 * PAGE_SIZE), 3 * PAGE_SIZE,
		  "io: a read at offset 100 into untouched pages at +3000");
	tap_ok(!memcmp(p + 3000, data + 100, 3 * PAGE_SIZE) && !p[2999] &&
		   !p[3000 + 3 * PAGE_SIZE],
	       "io: ...holds the file's bytes, and not one byte more");

	memset(p, 'P', PAGE_SIZE);
	pid_t pid = fork();
	if (pid == 0) {
		lseek(fd, 0, SEEK_SET);
		_exit(read(fd, p + 10, 50) == 50 && !memcmp(p + 10, data, 50)
			  ? 0
			  : 1);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	tap_ok(st == 0 && p[10] == 'P' && p[59] == 'P',
	       "io: a child's read into a copy-on-write page leaves the "
	       "parent's copy alone");
	munmap(p, 4 * PAGE_SIZE);

	char *ro = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	lseek(fd, 0, SEEK_SET);
	expect_err(read(fd, ro, 10), EFAULT,
		   "io: a read into a read-only page is EFAULT");
	expect_eq(lseek(fd, 0, SEEK_CUR), 0, "io: ...and moves nothing");
	munmap(ro, PAGE_SIZE);

	char *m =
	    mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	lseek(fd, 50, SEEK_SET);
	expect_eq(write(fd, m, 100), 100,
		  "io: a write from a shared mapping of the file itself");
	tap_ok(!memcmp(m + 50, data, 100) && !memcmp(m, data, 50),
	       "io: ...the mapping sees the bytes moved, the overlap intact");
	char back[150];
	lseek(fd, 0, SEEK_SET);
	tap_ok(read(fd, back, 150) == 150 && !memcmp(back, m, 150),
	       "io: ...and read() sees what the mapping sees");
	munmap(m, PAGE_SIZE);
	close(fd);
	unlink("/tmp/io1");
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
	one_copy();
	full_file_system();
}
