/*
 * Linux memory calls: brk (its Linux answers), mmap anonymous, of a file
 * (private and shared), PROT_NONE reservations made usable with
 * mprotect, mprotect taking rights away (the fault is SIGSEGV with
 * SEGV_ACCERR), MAP_FIXED over a mapping, MAP_FIXED_NOREPLACE, munmap,
 * madvise, and their errors.  Running out of memory is lxt-oom's.
 */
#include "lxt.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

static sigjmp_buf jump;
static volatile int faults, code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	faults++;
	code = si->si_code;
	siglongjmp(jump, 1);
}

/* Whether a write at p faults (caught). */
static int write_faults(volatile char *p)
{
	int before = faults;
	if (!sigsetjmp(jump, 1))
		*p = 1;
	return faults != before;
}

/* madvise: MADV_DONTNEED gives private anonymous pages back (zeros
 * again), a private file mapping its file's bytes, a shared mapping keeps
 * its bytes; its errors. */
static void advice(void)
{
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 'a', 3 * 4096);
	ok(madvise(p + 4096, 4096, MADV_DONTNEED) == 0 && p[4096] == 0 &&
	       p[2 * 4096 - 1] == 0 && p[4095] == 'a' && p[2 * 4096] == 'a',
	   "MADV_DONTNEED: that page reads zeros, its neighbours keep theirs");
	ok(madvise(p, 3 * 4096, MADV_WILLNEED) == 0 && p[0] == 'a',
	   "MADV_WILLNEED changes nothing");

	int fd = open("/tmp/adv", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char b[4096];
	memset(b, 'f', sizeof(b));
	write(fd, b, sizeof(b));
	char *f = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	f[0] = 'x';
	ok(madvise(f, 4096, MADV_DONTNEED) == 0 && f[0] == 'f',
	   "MADV_DONTNEED on a private file mapping: the file's bytes again");
	char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	s[0] = 's';
	ok(madvise(s, 4096, MADV_DONTNEED) == 0 && s[0] == 's',
	   "MADV_DONTNEED on shared memory: its bytes stay");

	ERR(madvise(p + 1, 4096, MADV_DONTNEED), EINVAL,
	    "madvise at an unaligned address: EINVAL");
	ERR(madvise(p, 4096, 999), EINVAL, "madvise of unknown advice: EINVAL");
	munmap(p + 4096, 4096);
	p[0] = 'b';
	ERR(madvise(p, 3 * 4096, MADV_DONTNEED), ENOMEM,
	    "madvise over a hole: ENOMEM");
	ok(p[0] == 0, "and the mapped part was advised anyway (as Linux)");
	munmap(p, 3 * 4096);
	munmap(f, 4096);
	munmap(s, 4096);
	close(fd);
	unlink("/tmp/adv");
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	mkdir("/tmp", 01777); /* when it runs alone */

	uintptr_t b0 = (uintptr_t)RAW(SYS_brk, 0, 0, 0, 0, 0, 0);
	ok(b0 > 0, "brk(0): the current break");
	ok((uintptr_t)RAW(SYS_brk, b0 + 10000, 0, 0, 0, 0, 0) == b0 + 10000,
	   "brk grows");
	memset((void *)b0, 5, 10000);
	ok(((char *)b0)[9999] == 5, "the new memory is usable");
	ok((uintptr_t)RAW(SYS_brk, 1, 0, 0, 0, 0, 0) == b0 + 10000,
	   "a bad brk answers the old break");
	ok((uintptr_t)RAW(SYS_brk, b0, 0, 0, 0, 0, 0) == b0, "brk shrinks");

	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok(p != MAP_FAILED && p[0] == 0 && p[3 * 4096 - 1] == 0,
	   "mmap anonymous: zeros");
	memset(p, 'a', 3 * 4096);
	ok(munmap(p + 4096, 4096) == 0, "munmap the middle page");
	ok(p[0] == 'a' && p[2 * 4096] == 'a' && write_faults(p + 4096) &&
	       code == SEGV_MAPERR,
	   "the ends stay, the middle faults (SEGV_MAPERR)");

	/* A reservation made usable piece by piece (musl's thread stacks). */
	char *r =
	    mmap(NULL, 8 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok(r != MAP_FAILED && write_faults(r) && code == SEGV_ACCERR,
	   "PROT_NONE: a touch faults (SEGV_ACCERR)");
	ok(mprotect(r + 4096, 7 * 4096, PROT_READ | PROT_WRITE) == 0,
	   "mprotect all but the guard page");
	r[4096] = 'x';
	r[8 * 4096 - 1] = 'y';
	ok(r[4096] == 'x' && r[8 * 4096 - 1] == 'y' && write_faults(r),
	   "usable now; the guard still faults");
	ok(mprotect(r + 4096, 4096, PROT_READ) == 0,
	   "mprotect a page read-only");
	ok(r[4096] == 'x' && write_faults(r + 4096) && code == SEGV_ACCERR &&
	       !write_faults(r + 2 * 4096),
	   "it keeps its data, a write faults, its neighbour is writable");
	ok(mprotect(r + 4096, 4096, PROT_READ | PROT_WRITE) == 0 &&
	       !write_faults(r + 4096),
	   "writable again");
	ok(RAW(SYS_mprotect, (long)(r + 1), 4096, PROT_READ, 0, 0, 0) ==
	       -EINVAL,
	   "an unaligned address: EINVAL");
	ERR(mprotect(r, 4096, 0x100), EINVAL, "unknown rights: EINVAL");
	ERR(mprotect((void *)0x10000000000, 4096, PROT_READ), ENOMEM,
	    "an unmapped range: ENOMEM");

	/* Rights are copied by fork. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(write_faults(r) && !write_faults(r + 4096) ? 0 : 1);
	int st;
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "a fork child has the same rights");

	char *f = mmap(r + 2 * 4096, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ok(f == r + 2 * 4096 && f[0] == 0,
	   "MAP_FIXED over a mapping: fresh zeros");
	ok(mmap(r, 4096, PROT_READ,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
		0) == MAP_FAILED &&
	       errno == EEXIST,
	   "MAP_FIXED_NOREPLACE over a mapping: EEXIST");
	ok(munmap(r, 8 * 4096) == 0, "munmap the whole reservation");

	/* Files. */
	int fd = open("/tmp/m", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "file contents", 13);
	char *fm = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	ok(fm != MAP_FAILED && !memcmp(fm, "file contents", 13) && fm[13] == 0,
	   "mmap of a file: its bytes, then zeros");
	char *sm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	sm[0] = 'F';
	char b[4];
	ok(pread(fd, b, 4, 0) == 4 && b[0] == 'F',
	   "a store through MAP_SHARED is in the file");
	munmap(fm, 4096);
	munmap(sm, 4096);
	close(fd);

	ok(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
		   MAP_FAILED &&
	       errno == EINVAL,
	   "mmap of 0 bytes: EINVAL");
	ok(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 77, 0) == MAP_FAILED &&
	       errno == EBADF,
	   "mmap of a bad descriptor: EBADF");
	ok(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	       errno == EINVAL,
	   "neither shared nor private: EINVAL");
	ok(mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1,
		0) != MAP_FAILED,
	   "MAP_STACK and MAP_NORESERVE are accepted");
	advice();
	return done();
}
