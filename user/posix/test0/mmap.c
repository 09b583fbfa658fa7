/*
 * mmap: Codezero's mmaptest.  A file mapped MAP_SHARED (16 pages) is
 * written through the mapping, msync'ed (read() then sees the data),
 * partly unmapped (the hole is gone: a child touching it dies with
 * status 139), the remaining pages are touched again, and after the last
 * munmap the file holds every byte written through the mapping.  Also a
 * private file mapping (writes stay private) and anonymous memory (reads
 * as zeros, private across fork, shared with MAP_SHARED), the program
 * break, and where mmap places mappings.
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
	if (lseek(fd, (off_t)p * PAGE_SIZE, SEEK_SET) !=
		(off_t)p * (off_t)PAGE_SIZE ||
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

	unsigned char *m = mmap(NULL, NPAGES * PAGE_SIZE,
				PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!tap_ok(m != MAP_FAILED, "mmap: MAP_SHARED of the %d pages",
		    NPAGES)) {
		tap_diag("  errno %d", errno);
		close(fd);
		return;
	}
	tap_ok(((uintptr_t)m & (PAGE_SIZE - 1)) == 0,
	       "mmap: the address is page aligned");
	int zero = 1;
	for (int p = 0; p < NPAGES; p++)
		zero &= m[p * PAGE_SIZE] == 0 &&
			m[p * PAGE_SIZE + PAGE_SIZE - 1] == 0;
	tap_ok(zero, "mmap: the mapping reads the file's zeros");

	for (int p = 0; p < NPAGES; p++)
		for (int i = 0; i < (int)PAGE_SIZE; i++)
			m[p * PAGE_SIZE + i] = pattern(1, p, i);
	expect_eq(msync(m, NPAGES * PAGE_SIZE, MS_SYNC), 0, "mmap: msync");
	int synced = 0;
	for (int p = 0; p < NPAGES; p++)
		synced += file_page_is(fd, 1, p);
	expect_eq(synced, NPAGES,
		  "mmap: after msync read() sees every page written");

	expect_eq(munmap(m + HOLE_FIRST * PAGE_SIZE, HOLE_PAGES * PAGE_SIZE), 0,
		  "mmap: munmap of pages %d..%d in the middle", HOLE_FIRST,
		  HOLE_FIRST + HOLE_PAGES - 1);
	pid_t pid = fork();
	if (pid == 0) {
		*(volatile unsigned char *)&m[(HOLE_FIRST + 1) * PAGE_SIZE] = 1;
		_exit(0); /* not reached: the page is gone */
	}
	expect_eq(
	    wait_exit_status(pid), PX_STATUS_SEGV,
	    "mmap: a child touching the unmapped hole is killed (status 139)");

	int intact = 0;
	for (int p = 0; p < NPAGES; p++)
		if (!in_hole(p))
			intact += page_is(m + p * PAGE_SIZE, 1, p);
	expect_eq(intact, NPAGES - HOLE_PAGES,
		  "mmap: the pages around the hole keep their bytes");
	for (int p = 0; p < NPAGES; p++)
		if (!in_hole(p))
			for (int i = 0; i < (int)PAGE_SIZE; i++)
				m[p * PAGE_SIZE + i] = pattern(2, p, i);
	expect_eq(munmap(m, HOLE_FIRST * PAGE_SIZE), 0,
		  "mmap: munmap of the pages before the hole");
	expect_eq(munmap(m + (HOLE_FIRST + HOLE_PAGES) * PAGE_SIZE,
			 (NPAGES - HOLE_FIRST - HOLE_PAGES) * PAGE_SIZE),
		  0, "mmap: munmap of the pages after it");

	int written = 0;
	for (int p = 0; p < NPAGES; p++)
		written += file_page_is(fd, in_hole(p) ? 1 : 2, p);
	expect_eq(written, NPAGES,
		  "mmap: the file holds the last bytes written to every page "
		  "(read())");
	close(fd);

	/* A new mapping of the file sees those bytes. */
	fd = open(FILE_PATH, O_RDONLY);
	m = mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	tap_ok(m != MAP_FAILED && page_is(m + 3 * PAGE_SIZE, 2, 3) &&
		   page_is(m + HOLE_FIRST * PAGE_SIZE, 1, HOLE_FIRST),
	       "mmap: a new read-only mapping shows the file's bytes");
	if (m != MAP_FAILED)
		munmap(m, NPAGES * PAGE_SIZE);
	expect_err(mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			0) == MAP_FAILED
		       ? -1
		       : 0,
		   EACCES,
		   "mmap: a writable MAP_SHARED of an O_RDONLY file is EACCES");
	close(fd);
}

/* A shared mapping and read()/write() of the same file see one set of
 * bytes, before any msync or munmap; munmap writes back what the mapping
 * changed and nothing else (write()'s bytes survive it). */
static void shared_mapping_coherence(void)
{
	static unsigned char page[PAGE_SIZE];
	unsigned char b[4];
	int fd = open(FILE_PATH, O_RDWR);
	unsigned char *m = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_SHARED, fd, 0);
	if (!tap_ok(m != MAP_FAILED, "mmap: MAP_SHARED of the file again"))
		return;
	tap_ok(page_is(m, 2, 0), "mmap: it reads the file's page 0");
	lseek(fd, 100, SEEK_SET);
	expect_eq(write(fd, "NEW", 3), 3,
		  "mmap: write() 3 bytes into the mapped page");
	tap_ok(!memcmp(m + 100, "NEW", 3),
	       "mmap: the mapping shows write()'s bytes at once");
	m[200] = 'M';
	m[PAGE_SIZE + 5] = 'm';
	lseek(fd, 200, SEEK_SET);
	tap_ok(read(fd, b, 1) == 1 && b[0] == 'M',
	       "mmap: read() shows a byte stored through the mapping, before "
	       "msync");
	expect_eq(munmap(m, 2 * PAGE_SIZE), 0, "mmap: munmap");
	lseek(fd, 0, SEEK_SET);
	int n = read(fd, page, PAGE_SIZE);
	tap_ok(n == (int)PAGE_SIZE && !memcmp(page + 100, "NEW", 3) &&
		   page[200] == 'M' && page[99] == pattern(2, 0, 99) &&
		   page[300] == pattern(2, 0, 300),
	       "mmap: after munmap the file has write()'s bytes and the "
	       "mapping's, and no others");
	lseek(fd, PAGE_SIZE + 5, SEEK_SET);
	tap_ok(read(fd, b, 1) == 1 && b[0] == 'm',
	       "mmap: ...also in the second page");
	close(fd);
}

static void private_file_mapping(void)
{
	int fd = open(FILE_PATH, O_RDWR);
	unsigned char *m = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE, fd, PAGE_SIZE);
	if (!tap_ok(m != MAP_FAILED,
		    "mmap: MAP_PRIVATE of a file at offset 1 page")) {
		close(fd);
		return;
	}
	tap_ok(m[5] == 'm' && m[6] == pattern(2, 1, 6) &&
		   m[PAGE_SIZE - 1] == pattern(2, 1, 4095),
	       "mmap: it reads the file's page 1 as it is now");
	memset(m, 0xAB, PAGE_SIZE);
	munmap(m, 2 * PAGE_SIZE);
	unsigned char b;
	lseek(fd, PAGE_SIZE + 6, SEEK_SET);
	tap_ok(read(fd, &b, 1) == 1 && b == pattern(2, 1, 6),
	       "mmap: writes to a private mapping leave the file alone");
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
	if (!tap_ok(a != MAP_FAILED && s != MAP_FAILED,
		    "mmap: anonymous private and shared"))
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
	expect_eq(wait_exit_status(pid), 0,
		  "mmap: a child reads the anonymous zeros too");
	expect_eq(
	    a[0], 1,
	    "mmap: the child's write to MAP_PRIVATE memory stays in the child");
	expect_eq(
	    s[0], 2,
	    "mmap: the child's write to MAP_SHARED memory reaches the parent");
	expect_eq(munmap(a, len), 0, "mmap: munmap of the anonymous memory");
	munmap(s, PAGE_SIZE);

	/* Read first, written after: the zero page is mapped, then each
	 * page gets a frame of its own, and nothing is copied. */
	struct px_stats s0, s1;
	unsigned char *z = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	posix_stats(&s0);
	int sum = 0;
	for (int p = 0; p < 4; p++)
		sum += ((volatile unsigned char *)z)[p * PAGE_SIZE];
	__asm__ volatile("" ::: "memory"); /* every read before any write */
	for (int p = 0; p < 4; p++)
		z[p * PAGE_SIZE + 1] = 1;
	posix_stats(&s1);
	tap_ok(sum == 0 && s1.zero_page_maps - s0.zero_page_maps == 4,
	       "mmap: reading 4 untouched anonymous pages maps the zero page 4 "
	       "times (%lu)",
	       (unsigned long)(s1.zero_page_maps - s0.zero_page_maps));
	expect_eq(
	    s1.page_copies - s0.page_copies, 0,
	    "mmap: writing them afterwards copies nothing (no data to copy)");
	tap_ok(z[1] == 1 && z[0] == 0 && z[3 * PAGE_SIZE + 1] == 1,
	       "mmap: and they hold what was written");
	munmap(z, 4 * PAGE_SIZE);

	unsigned char *ro = mmap(NULL, PAGE_SIZE, PROT_READ,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid = fork();
	if (pid == 0) {
		*(volatile unsigned char *)ro = 1;
		_exit(0);
	}
	expect_eq(
	    wait_exit_status(pid), PX_STATUS_SEGV,
	    "mmap: a write to PROT_READ memory kills the writer (status 139)");
	munmap(ro, PAGE_SIZE);
	expect_err(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			0) == MAP_FAILED
		       ? -1
		       : 0,
		   EINVAL, "mmap: length 0 is EINVAL");
	expect_err(
	    mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 77, 0) == MAP_FAILED
		? -1
		: 0,
	    EBADF, "mmap: a file mapping of a closed descriptor is EBADF");
}

/* The program break: sbrk grows the heap (new memory reads as zeros) and
 * shrinks it (the memory is gone: a child touching it dies). */
static void program_break(void)
{
	size_t grow = 3 * PAGE_SIZE;
	unsigned char *old = sbrk(0);
	unsigned char *p = sbrk((intptr_t)grow);
	if (!tap_ok(p == old && sbrk(0) == old + grow,
		    "brk: sbrk grows the heap by 3 pages"))
		return;
	unsigned char *top =
	    (unsigned char *)(((uintptr_t)old + grow - 1) & ~(PAGE_SIZE - 1));
	int zero = top[0] == 0 && top[PAGE_SIZE - 1] == 0;
	memset(old, 0x7e, grow);
	tap_ok(zero && old[grow - 1] == 0x7e,
	       "brk: the new heap reads as zeros and takes writes");
	tap_ok(sbrk(-(intptr_t)grow) == old + grow && sbrk(0) == old,
	       "brk: sbrk shrinks it back");
	pid_t pid = fork();
	if (pid == 0) {
		*(volatile unsigned char *)top = 1;
		_exit(0);
	}
	expect_eq(
	    wait_exit_status(pid), PX_STATUS_SEGV,
	    "brk: the page given back is gone (a child touching it dies)");
	expect_eq(brk((void *)PAGE_SIZE), -1,
		  "brk: a break below the program is refused");
	tap_ok(sbrk(0) == old, "brk: and leaves the break where it was");
}

/* Where mmap puts things: a hint is taken only if it is free user
 * memory, and addresses given back by munmap are used again. */
static void placement(void)
{
	const uintptr_t high = 0x7fff80000000ul; /* above the stack */
	void *p = mmap((void *)high, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tap_ok(p != MAP_FAILED && (uintptr_t)p != high &&
		   (uintptr_t)p < 0x7fff00000000ul,
	       "mmap: a hint beyond the stack is not taken (got %p)", p);
	if (p != MAP_FAILED)
		munmap(p, PAGE_SIZE);

	void *hint = (void *)0x600000000000ul;
	p = mmap(hint, PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tap_ok(p == hint, "mmap: a free hint is taken");
	void *q = mmap(hint, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tap_ok(q != MAP_FAILED && q != hint, "mmap: a hint in use is not");
	munmap(p, PAGE_SIZE);
	munmap(q, PAGE_SIZE);

	/* 1 TiB at a time, 100 times: more than the mmap area holds at once. */
	int got = 0;
	for (int i = 0; i < 100; i++) {
		p = mmap(NULL, 1ul << 40, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			break;
		got++;
		munmap(p, 1ul << 40);
	}
	expect_eq(
	    got, 100,
	    "mmap: 100 mappings of 1 TiB, each unmapped after, all find room");
}

void test_mmap(void)
{
	shared_file_mapping();
	shared_mapping_coherence();
	private_file_mapping();
	anonymous();
	program_break();
	placement();
}
