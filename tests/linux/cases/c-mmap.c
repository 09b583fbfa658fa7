/*
 * Memory: anonymous and file mappings, private and shared across fork
 * (copy-on-write), mprotect with real per-page rights (checked by
 * catching the faults), PROT_NONE, MAP_FIXED over a mapping, munmap of
 * part of a mapping, code made executable, brk, and the errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define PAGE 4096

static sigjmp_buf back;
static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(back, 1);
}

/* Can the byte be read, written: "rw", "r-" or "--" (in a static
 * buffer: use one result before asking for the next). */
static const char *rights(volatile char *p)
{
	static char s[3];
	s[0] = s[1] = '-';
	s[2] = 0;
	if (sigsetjmp(back, 1) == 0) {
		(void)*p;
		s[0] = 'r';
	}
	if (sigsetjmp(back, 1) == 0) {
		char c = *p;
		*p = c;
		s[1] = 'w';
	}
	return s;
}

/* The rights of `n` pages from `p`, on one line. */
static void show_rights(const char *what, char *p, int n)
{
	printf("%s:", what);
	for (int i = 0; i < n; i++)
		printf(" %s", rights(p + i * PAGE));
	printf("\n");
}

static const char *err(long r)
{
	return r < 0 ? strerror(errno) : "ok";
}

int main(void)
{
	int st;
	long r;

	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGSEGV, on_segv);
	signal(SIGBUS, on_segv);

	/* Anonymous private memory: zero, writable, 16 MiB sparse. */
	size_t big = 16 << 20;
	char *a = mmap(NULL, big, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long zeros = 0;
	for (size_t i = 0; i < big; i += 64 * PAGE)
		zeros += a[i] == 0;
	for (size_t i = 0; i < big; i += 64 * PAGE)
		a[i] = (char)(i >> 18);
	long sum = 0;
	for (size_t i = 0; i < big; i += 64 * PAGE)
		sum += a[i];
	printf("16 MiB: %ld sampled pages zero, sum after writes %ld\n", zeros,
	       sum);

	/* Copy-on-write: the child's writes stay in the child. */
	strcpy(a, "parent");
	pid_t pid = fork();
	if (pid == 0) {
		strcpy(a, "child");
		_exit(a[0] == 'c' ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	printf("after fork: child status %d, parent still sees %s\n",
	       WEXITSTATUS(st), a);

	/* Shared anonymous memory: the child's writes are seen. */
	char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	strcpy(s, "before");
	pid = fork();
	if (pid == 0) {
		strcpy(s, "written by the child");
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("shared mapping: %s\n", s);

	/* mprotect: per-page rights. */
	char *m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(m, 'm', 4 * PAGE);
	mprotect(m + PAGE, PAGE, PROT_READ);
	mprotect(m + 2 * PAGE, PAGE, PROT_NONE);
	show_rights("rw, r, none, rw", m, 4);
	mprotect(m, 4 * PAGE, PROT_READ | PROT_WRITE);
	show_rights("all back to rw", m, 4);
	printf("content kept: %c%c%c%c\n", m[0], m[PAGE], m[2 * PAGE],
	       m[3 * PAGE]);

	/* munmap of the middle page splits the mapping. */
	munmap(m + PAGE, PAGE);
	show_rights("after munmap of page 1", m, 4);

	/* MAP_FIXED over an existing mapping gives fresh zero pages. */
	char *f = mmap(m + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED: at the address %d, byte %d, page 3 still %c\n",
	       f == m + 2 * PAGE, f[0], m[3 * PAGE]);

	/* The errors of the calls themselves (musl rounds mprotect's
	 * address, so these go to the system directly). */
	r = syscall(SYS_mprotect, m + PAGE, PAGE, PROT_READ);
	printf("mprotect of the unmapped page: %ld %s\n", r, err(r));
	r = syscall(SYS_mprotect, m + 1, PAGE, PROT_READ);
	printf("mprotect unaligned: %ld %s\n", r, err(r));
	r = syscall(SYS_mprotect, m, PAGE, 0x1000);
	printf("mprotect with an unknown bit: %ld %s\n", r, err(r));
	r = syscall(SYS_munmap, m + 1, PAGE);
	printf("munmap unaligned: %ld %s\n", r, err(r));
	r = syscall(SYS_munmap, m + PAGE, PAGE);
	printf("munmap of the unmapped page: %ld\n", r);
	r = syscall(SYS_munmap, m, 0);
	printf("munmap of 0 bytes: %ld %s\n", r, err(r));

	/* PROT_NONE reservation made usable (as musl does for stacks). */
	char *res =
	    mmap(NULL, 8 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	show_rights("PROT_NONE reservation", res, 8);
	mprotect(res + 2 * PAGE, 4 * PAGE, PROT_READ | PROT_WRITE);
	show_rights("pages 2-5 made rw", res, 8);

	/* Code written, then made executable. */
	unsigned char code[] = {0xb8, 42, 0, 0, 0, 0xc3}; /* mov eax,42; ret */
	unsigned char *x = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memcpy(x, code, sizeof(code));
	mprotect(x, PAGE, PROT_READ | PROT_EXEC);
	printf("generated code returns %d; page now %s\n", ((int (*)(void))x)(),
	       rights((char *)x));

	/* A file mapping: a private write stays out of the file. */
	int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (write(fd, "file contents here", 18) != 18)
		return 1;
	char *fp = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *fs = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	printf("file mapped: %.18s, past the end zero %d\n", fp, fp[100] == 0);
	fp[0] = 'F';
	char back_buf[32] = {0};
	lseek(fd, 0, SEEK_SET);
	if (read(fd, back_buf, 18) != 18)
		return 1;
	printf("after a private write: mapping %.4s, file %.4s\n", fp,
	       back_buf);
	close(fd);
	printf("a shared mapping outlives its fd: %.18s\n", fs);

	/* Errors of mmap. */
	r = (long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap of 0 bytes: %s\n", err(r));
	r = (long)mmap((void *)(PAGE + 1), PAGE, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED at an unaligned address: %s\n", err(r));
	r = (long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 99, 0);
	printf("mmap of a bad fd: %s\n", err(r));
	r = (long)mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0);
	printf("neither private nor shared: %s\n", err(r));
	r = (long)mmap((void *)0xffff800000000000ul, PAGE, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED in the kernel half: %s\n", err(r));

	/* brk: grows and shrinks; a failure returns the current break.
	 * (musl's sbrk refuses to move the break: the system call.) */
	long b0 = syscall(SYS_brk, 0);
	long b1 = syscall(SYS_brk, b0 + 10 * PAGE);
	memset((char *)b0, 1, 10 * PAGE);
	printf("brk grew by %ld\n", b1 - b0);
	long b2 = syscall(SYS_brk, b0 + 5 * PAGE);
	printf("brk shrank to +%ld\n", b2 - b0);
	long b3 = syscall(SYS_brk, 0xffff800000000000ul);
	printf("brk into the kernel half: stays at +%ld\n", b3 - b0);
	syscall(SYS_brk, b0);
	return 0;
}
