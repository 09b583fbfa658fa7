/*
 * mmap: Codezero's mmaptest.  A file mapped MAP_SHARED (16 pages) is
 * written through the mapping, msync'ed (read() then sees the data),
 * partly unmapped (the hole is gone: a child touching it dies with
 * status 139), the remaining pages are touched again, and after the last
 * munmap the file holds every byte written through the mapping.  Also a
 * private file mapping (writes stay private) and anonymous memory (reads
 * as zeros, private across fork, shared with MAP_SHARED).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "test0.h"

#define NPAGES 16
#define HOLE_FIRST 5 /* pages HOLE_FIRST .. HOLE_FIRST + HOLE_PAGES - 1 */
#define HOLE_PAGES 4
#define FILE_PATH "/tmp/mmapfile"

/* The byte at offset `i` of page `p`, in round `round` of writes. */
static unsigned char pattern(int round, int p, int i)
{
	return (unsigned char)(round * 61 + p * 7 + i * 13);
}

static int page_is(const unsigned char *b, int round, int p)
{
	for (int i = 0; i < (int)PAGE_SIZE; i++)
		if (b[i] != pattern(round, p, i))
			return 0;
	return 1;
}

/* The file's page p as read() gives it. */
static int file_page_is(int fd, int round, int p)
{
	static unsigned char buf[PAGE_SIZE];
	if (lseek(fd, (off_t)p * PAGE_SIZE, SEEK_SET) != (off_t)p * (off_t)PAGE_SIZE ||
	    read(fd, buf, PAGE_SIZE) != (ssize_t)PAGE_SIZE)
		return 0;
	return page_is(buf, round, p);
}

static int in_hole(int p)
{
	return p >= HOLE_FIRST && p < HOLE_FIRST + HOLE_PAGES;
}

static void shared_file_mapping(void)
{
	static unsigned char zeros[PAGE_SIZE];
	int fd = open(FILE_PATH, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (!tap_ok(fd >= 0, "mmap: create %s", FILE_PATH))
		return;
	int w = 0;
	for (int p = 0; p < NPAGES; p++)
		w += write(fd, zeros, PAGE_SIZE) == (ssize_t)PAGE_SIZE;
	expect_eq(w, NPAGES, "mmap: the file is %d pages of zeros", NPAGES);

	unsigned char *m = mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_SHARED, fd, 0);
	if (!tap_ok(m != MAP_FAILED, "mmap: MAP_SHARED of the %d pages", NPAGES)) {
		tap_diag("  errno %d", errno);
		close(fd);
		return;
	}
	tap_ok(((uintptr_t)m & (PAGE_SIZE - 1)) == 0, "mmap: the address is page aligned");
	int zero = 1;
	for (int p = 0; p < NPAGES; p++)
		zero &= m[p * PAGE_SIZE] == 0 && m[p * PAGE_SIZE + PAGE_SIZE - 1] == 0;
	tap_ok(zero, "mmap: the mapping reads the file's zeros");

	for (int p = 0; p < NPAGES; p++)
		for (int i = 0; i < (int)PAGE_SIZE; i++)
			m[p * PAGE_SIZE + i] = pattern(1, p, i);
	expect_eq(msync(m, NPAGES * PAGE_SIZE, MS_SYNC), 0, "mmap: msync");
	int synced = 0;
	for (int p = 0; p < NPAGES; p++)
		synced += file_page_is(fd, 1, p);
	expect_eq(synced, NPAGES, "mmap: after msync read() sees every page written");

	expect_eq(munmap(m + HOLE_FIRST * PAGE_SIZE, HOLE_PAGES * PAGE_SIZE), 0,
		  "mmap: munmap of pages %d..%d in the middle", HOLE_FIRST,
		  HOLE_FIRST + HOLE_PAGES - 1);
	pid_t pid = fork();
	if (pid == 0) {
		*(volatile unsigned char *)&m[(HOLE_FIRST + 1) * PAGE_SIZE] = 1;
		_exit(0); /* not reached: the page is gone */
	}
	expect_eq(wait_exit_status(pid), PX_STATUS_SEGV,
		  "mmap: a child touching the unmapped hole is killed (status 139)");

	int intact = 0;
	for (int p = 0; p < NPAGES; p++)
		if (!in_hole(p))
			intact += page_is(m + p * PAGE_SIZE, 1, p);
	expect_eq(intact, NPAGES - HOLE_PAGES, "mmap: the pages around the hole keep their bytes");
	for (int p = 0; p < NPAGES; p++)
		if (!in_hole(p))
			for (int i = 0; i < (int)PAGE_SIZE; i++)
				m[p * PAGE_SIZE + i] = pattern(2, p, i);
	expect_eq(munmap(m, HOLE_FIRST * PAGE_SIZE), 0, "mmap: munmap of the pages before the hole");
	expect_eq(munmap(m + (HOLE_FIRST + HOLE_PAGES) * PAGE_SIZE,
			 (NPAGES - HOLE_FIRST - HOLE_PAGES) * PAGE_SIZE),
		  0, "mmap: munmap of the pages after it");

	int written = 0;
	for (int p = 0; p < NPAGES; p++)
		written += file_page_is(fd, in_hole(p) ? 1 : 2, p);
	expect_eq(written, NPAGES,
		  "mmap: the file holds the last bytes written to every page (read())");
	close(fd);

	/* A new mapping of the file sees those bytes. */
	fd = open(FILE_PATH, O_RDONLY);
	m = mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	tap_ok(m != MAP_FAILED && page_is(m + 3 * PAGE_SIZE, 2, 3) &&
		   page_is(m + HOLE_FIRST * PAGE_SIZE, 1, HOLE_FIRST),
	       "mmap: a new read-only mapping shows the file's bytes");
	if (m != MAP_FAILED)
		munmap(m, NPAGES * PAGE_SIZE);
	expect_err(mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
			   MAP_FAILED ? -1 : 0,
		   EACCES, "mmap: a writable MAP_SHARED of an O_RDONLY file is EACCES");
	close(fd);
}

static void private_file_mapping(void)
{
	int fd = open(FILE_PATH, O_RDWR);
	unsigned char *m = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
				PAGE_SIZE);
	if (!tap_ok(m != MAP_FAILED, "mmap: MAP_PRIVATE of a file at offset 1 page")) {
		close(fd);
		return;
	}
	tap_ok(page_is(m, 2, 1), "mmap: it reads the file's page 1");
	memset(m, 0xAB, PAGE_SIZE);
	munmap(m, 2 * PAGE_SIZE);
	tap_ok(file_page_is(fd, 2, 1), "mmap: writes to a private mapping leave the file alone");
	close(fd);
	unlink(FILE_PATH);
}

static void anonymous(void)
{
	size_t len = 8 * PAGE_SIZE;
	unsigned char *a = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *s = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(a != MAP_FAILED && s != MAP_FAILED, "mmap: anonymous private and shared"))
		return;
	int zero = 1;
	for (size_t i = 0; i < len; i += 512)
		zero &= a[i] == 0;
	tap_ok(zero, "mmap: untouched anonymous memory reads as zeros");
	a[0] = 1;
	s[0] = 1;
	pid_t pid = fork();
	if (pid == 0) {
		a[0] = 2; /* private: the parent keeps 1 */
		s[0] = 2; /* shared: the parent sees 2 */
		_exit(a[PAGE_SIZE] == 0 ? 0 : 1);
	}
	expect_eq(wait_exit_status(pid), 0, "mmap: a child reads the anonymous zeros too");
	expect_eq(a[0], 1, "mmap: the child's write to MAP_PRIVATE memory stays in the child");
	expect_eq(s[0], 2, "mmap: the child's write to MAP_SHARED memory reaches the parent");
	expect_eq(munmap(a, len), 0, "mmap: munmap of the anonymous memory");
	munmap(s, PAGE_SIZE);

	unsigned char *ro = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid = fork();
	if (pid == 0) {
		*(volatile unsigned char *)ro = 1;
		_exit(0);
	}
	expect_eq(wait_exit_status(pid), PX_STATUS_SEGV,
		  "mmap: a write to PROT_READ memory kills the writer (status 139)");
	munmap(ro, PAGE_SIZE);
	expect_err(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED
		       ? -1 : 0,
		   EINVAL, "mmap: length 0 is EINVAL");
	expect_err(mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 77, 0) == MAP_FAILED ? -1 : 0,
		   EBADF, "mmap: a file mapping of a closed descriptor is EBADF");
}

void test_mmap(void)
{
	shared_file_mapping();
	private_file_mapping();
	anonymous();
}
