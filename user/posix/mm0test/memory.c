/*
 * Finding 5: memory given back comes back, to any kind of use.
 *
 * mm0's memory goes to frames (process pages, file data), kernel
 * objects (threads, spaces, page tables, capability slots) and its own
 * heap.  Each kind is exhausted in turn by a child, which then ends (or
 * is ended) and gives everything back: frames by touching anonymous
 * memory until the out-of-memory rule ends it, kernel objects by forking
 * until fork is refused, the file system by writing one file until it is
 * full, mm0's heap by making empty files until refused.  Afterwards
 * frames get as many pages as at the start, and mm0's free memory
 * (PX_STATS untyped_remaining: the kernel's remaining() over its
 * untyped) is what it was before any of it.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "mm0test.h"

struct report {
	volatile long count;
	volatile long done;
};

/* Frames: touch pages of a huge area until the OOM rule ends us. */
static long touch_until_killed(struct report *r)
{
	r->count = r->done = 0;
	pid_t pid = fork();
	if (pid == 0) {
		/* Areas that each fit in what is free, together twice it. */
		size_t pages = stats().untyped_remaining / PAGE_SIZE / 2;
		char *a[4];
		for (int k = 0; k < 4; k++) {
			a[k] = mmap(NULL, pages * PAGE_SIZE,
				    PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (a[k] == MAP_FAILED)
				_exit(1);
		}
		for (size_t i = 0; i < 4 * pages; i++) {
			a[i / pages][(i % pages) * PAGE_SIZE] = 1;
			r->count = (long)i + 1;
		}
		_exit(2);
	}
	int st = wait_exit_status(pid);
	return st == PX_STATUS_KILL ? r->count : -st;
}

static uint32_t sleeper_pager;

/* Fork, and in the child sleep in a receive without writing memory
 * (its stack and data stay shared with ours): 0 in both, pid, or < 0. */
static long fork_sleeper(void)
{
	/* No call may come between the register variables and the asm. */
	long pager = sleeper_pager = posix_pager();
	register long r10 __asm__("r10") = PX_FORK;
	register long r8 __asm__("r8") = 0;
	register long r15 __asm__("r15") = 0;
	long rax = SYS_ipc + TESS_SYS_BASE, rdi = pager, rsi = pager,
	     rdx = IPC_SHORT;
	/* clang-format off */
	__asm__ volatile(
	    "pushq %%rbp\n\t"
	    "syscall\n\t"
	    "popq %%rbp\n\t"
	    "testq %%r10, %%r10\n\t"
	    "jnz 2f\n"
	    /* the child: receive from mm0 for ever, registers only */
	    "1:\n\t"
	    "movl %[nil], %%edi\n\t"
	    "movl %k[pager], %%esi\n\t"
	    "xorl %%edx, %%edx\n\t"
	    "xorl %%r15d, %%r15d\n\t"
	    "movl %[sys], %%eax\n\t"
	    "syscall\n\t"
	    "jmp 1b\n"
	    "2:"
	    : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r8), "+r"(r10),
	      "+r"(r15)
	    : [nil] "i"(TID_NIL), [pager] "m"(sleeper_pager),
	      [sys] "i"(SYS_ipc + TESS_SYS_BASE)
	    : "rbx", "rcx", "r9", "r11", "r12", "r13", "r14", "memory", "cc");
	/* clang-format on */
	return rax ? -EIO : r10;
}

/* Kernel objects: fork sleepers until fork is refused, then end them. */
static long fork_until_refused(struct report *r)
{
	r->count = r->done = 0;
	pid_t pid = fork();
	if (pid == 0) {
		static pid_t kids[4096];
		long n = 0, res;
		while (n < 4096 && (res = fork_sleeper()) > 0)
			kids[n++] = (pid_t)res;
		r->count = n;
		r->done = res; /* why fork stopped */
		for (long i = 0; i < n; i++)
			kill(kids[i], SIGKILL);
		for (long i = 0; i < n; i++)
			wait_exit_status(kids[i]);
		_exit(0);
	}
	int st = wait_exit_status(pid);
	return st == 0 ? r->count : -1000 - st;
}

/* The file system: one file written until it is full. */
static long write_until_full(struct report *r)
{
	r->count = r->done = 0;
	pid_t pid = fork();
	if (pid == 0) {
		static char buf[16 * PAGE_SIZE];
		int fd = open("/tmp/fill", O_CREAT | O_WRONLY | O_TRUNC, 0644);
		long n, total = 0;
		memset(buf, 'f', sizeof(buf));
		while ((n = write(fd, buf, sizeof(buf))) > 0)
			total += n;
		r->count = total;
		r->done = n < 0 ? errno : 0;
		close(fd);
		unlink("/tmp/fill");
		_exit(0);
	}
	int st = wait_exit_status(pid);
	return st == 0 ? r->count : -1000 - st;
}

/* The path of empty file n: 64 to a directory, 64 directories to one
 * above (short directories: the file system looks names up one by one). */
static void many_path(char *buf, size_t size, long n, int depth)
{
	if (depth == 2)
		snprintf(buf, size, "/tmp/m/%ld/%ld/%ld", n >> 12,
			 (n >> 6) & 63, n);
	else if (depth == 1)
		snprintf(buf, size, "/tmp/m/%ld/%ld", n >> 12, (n >> 6) & 63);
	else
		snprintf(buf, size, "/tmp/m/%ld", n >> 12);
}

/* mm0's heap: empty files until refused, then all removed. */
static long create_until_refused(struct report *r)
{
	r->count = r->done = 0;
	pid_t pid = fork();
	if (pid == 0) {
		char path[64];
		long n = 0;
		mkdir("/tmp/m", 0755);
		for (;;) {
			if (n % 4096 == 0) {
				many_path(path, sizeof(path), n, 0);
				if (mkdir(path, 0755))
					break;
			}
			if (n % 64 == 0) {
				many_path(path, sizeof(path), n, 1);
				if (mkdir(path, 0755))
					break;
			}
			many_path(path, sizeof(path), n, 2);
			int fd = open(path, O_CREAT | O_WRONLY, 0644);
			if (fd < 0)
				break;
			close(fd);
			n++;
		}
		r->count = n;
		r->done = errno;
		for (long i = n; i >= 0; i--) {
			many_path(path, sizeof(path), i, 2);
			unlink(path);
			if (i % 64 == 0) {
				many_path(path, sizeof(path), i, 1);
				rmdir(path);
			}
			if (i % 4096 == 0) {
				many_path(path, sizeof(path), i, 0);
				rmdir(path);
			}
		}
		rmdir("/tmp/m");
		_exit(0);
	}
	int st = wait_exit_status(pid);
	return st == 0 ? r->count : -1000 - st;
}

void test_memory_returns(void)
{
	struct report *r = shared_page();
	struct px_stats s0 = stats();

	long frames0 = touch_until_killed(r);
	tap_ok(frames0 > (long)(s0.untyped_remaining / PAGE_SIZE) * 8 / 10,
	       "memory: frames: a child touches %ld pages (of %lu free) before "
	       "it is ended",
	       frames0, (unsigned long)(s0.untyped_remaining / PAGE_SIZE));
	struct px_stats s1 = stats();
	expect_eq(s1.untyped_remaining, s0.untyped_remaining,
		  "memory: ...and when it has gone, all of it is free again");

	long forks = fork_until_refused(r);
	tap_ok(forks > 50 && (r->done == -EAGAIN || r->done == -ENOMEM),
	       "memory: kernel objects: %ld forks before fork is refused "
	       "(%ld)",
	       forks, r->done);
	struct px_stats s2 = stats();
	expect_eq(
	    s2.untyped_remaining, s0.untyped_remaining,
	    "memory: ...and when they have gone, all of it is free again");

	long bytes = write_until_full(r);
	tap_ok(bytes > 0 && r->done,
	       "memory: files: one file takes %ld KiB (of %lu KiB free) until "
	       "refused (%ld)",
	       bytes >> 10, (unsigned long)(s0.untyped_remaining >> 10),
	       r->done);
	struct px_stats s3 = stats();
	expect_eq(s3.untyped_remaining, s0.untyped_remaining,
		  "memory: ...and when it is deleted, all of it is free again");

	long files = create_until_refused(r);
	tap_ok(files > 1000 && (r->done == ENOSPC || r->done == ENOMEM),
	       "memory: mm0's heap: %ld empty files until refused (%ld)", files,
	       r->done);
	struct px_stats s4 = stats();
	expect_eq(s4.untyped_remaining, s0.untyped_remaining,
		  "memory: ...and when they are deleted, all of it is free "
		  "again");

	long frames1 = touch_until_killed(r);
	tap_ok(frames0 > 0 && frames1 == frames0,
	       "memory: frames: after all that, a child touches as many pages "
	       "as the first (%ld, %ld)",
	       frames1, frames0);
	struct px_stats s5 = stats();
	expect_eq(s5.untyped_remaining, s0.untyped_remaining,
		  "memory: mm0's free memory is back to its first value");
	munmap(r, PAGE_SIZE);
}
