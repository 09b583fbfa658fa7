/*
 * Malformed requests to mm0, sent raw (px_raw, bypassing libposix):
 * bad pointers (NULL, in the kernel half, unmapped, read-only where mm0
 * must write), bad descriptors (-1, 9999, closed), lengths too big, and
 * request numbers mm0 does not know (0, 49, 1000), and system calls the
 * kernel does not know (which reach mm0 as faults).  Each gets an error
 * answer, and mm0 goes on serving: a good request right after works.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>

#include "test0.h"

#define KERNEL_HALF 0xffff800000100000l
#define HUGE_LEN (1l << 62)

static char hello[] = "hello";
static const char rodata_path[] = "/tmp/malformed";

/* A good request: mm0 still knows us. */
static int still_serving(void)
{
	return px_raw(PX_GETPID, 0, 0, 0, 0, 0) == getpid();
}

#define CHECK(req, want, what)                                                 \
	do {                                                                   \
		long _r = (req);                                               \
		int _ok = _r == (want) && still_serving();                     \
		if (!tap_ok(_ok, "malformed: %s: %s, and mm0 serves on", what, \
			    #want))                                            \
			tap_diag("  got %ld", _r);                             \
	} while (0)

static void bad_pointers(long unmapped, long readonly, int fd)
{
	CHECK(px_raw(PX_OPEN, 0, O_RDONLY, 0, 0, 0), -EFAULT,
	      "open with a NULL path");
	CHECK(px_raw(PX_OPEN, KERNEL_HALF, O_RDONLY, 0, 0, 0), -EFAULT,
	      "open with a kernel-half path");
	CHECK(px_raw(PX_OPEN, unmapped, O_RDONLY, 0, 0, 0), -EFAULT,
	      "open with an unmapped path");
	CHECK(px_raw(PX_WRITE, fd, 0, 5, 0, 0), -EFAULT, "write from NULL");
	CHECK(px_raw(PX_WRITE, fd, KERNEL_HALF, 5, 0, 0), -EFAULT,
	      "write from the kernel half");
	CHECK(px_raw(PX_WRITE, fd, unmapped, 5, 0, 0), -EFAULT,
	      "write from unmapped memory");
	lseek(fd, 0, SEEK_SET);
	CHECK(px_raw(PX_READ, fd, 0, 5, 0, 0), -EFAULT, "read into NULL");
	lseek(fd, 0, SEEK_SET);
	CHECK(px_raw(PX_READ, fd, KERNEL_HALF, 5, 0, 0), -EFAULT,
	      "read into the kernel half");
	lseek(fd, 0, SEEK_SET);
	CHECK(px_raw(PX_READ, fd, unmapped, 5, 0, 0), -EFAULT,
	      "read into unmapped memory");
	lseek(fd, 0, SEEK_SET);
	CHECK(px_raw(PX_READ, fd, readonly, 5, 0, 0), -EFAULT,
	      "read into read-only memory");
	lseek(fd, 0, SEEK_SET);
	CHECK(px_raw(PX_READ, fd, (long)rodata_path, 5, 0, 0), -EFAULT,
	      "read into the program's read-only data");
	expect_eq(lseek(fd, 0, SEEK_CUR), 0,
		  "malformed: the failed reads left the offset at 0");
	CHECK(px_raw(PX_STAT, (long)rodata_path, readonly, 0, 0, 0), -EFAULT,
	      "stat into read-only memory");
	CHECK(px_raw(PX_FSTAT, fd, KERNEL_HALF, 0, 0, 0), -EFAULT,
	      "fstat into the kernel half");
	CHECK(px_raw(PX_GETCWD, readonly, 64, 0, 0, 0), -EFAULT,
	      "getcwd into read-only memory");
	CHECK(px_raw(PX_READDIR, fd, 0, 1, 0, 0), -ENOTDIR,
	      "readdir of a file");
	int dfd = open("/", O_RDONLY | O_DIRECTORY);
	CHECK(px_raw(PX_READDIR, dfd, unmapped, 4, 0, 0), -EFAULT,
	      "readdir into unmapped memory");
	close(dfd);
	CHECK(px_raw(PX_STATS, KERNEL_HALF, 0, 0, 0, 0), -EFAULT,
	      "stats into the kernel half");
	CHECK(px_raw(PX_STATS, readonly, 0, 0, 0, 0), -EFAULT,
	      "stats into read-only memory");
	CHECK(px_raw(PX_EXECVE, unmapped, 0, 0, 0, 0), -EFAULT,
	      "execve of an unmapped path");
	CHECK(px_raw(PX_MKDIR, KERNEL_HALF, 0755, 0, 0, 0), -EFAULT,
	      "mkdir of a kernel-half path");
	CHECK(px_raw(PX_CHDIR, 0, 0, 0, 0, 0), -EFAULT, "chdir to NULL");
	CHECK(px_raw(PX_UNLINK, unmapped, 0, 0, 0, 0), -EFAULT,
	      "unlink of an unmapped path");
}

static void bad_descriptors(int closed_fd)
{
	char buf[8];
	CHECK(px_raw(PX_READ, -1, (long)buf, 1, 0, 0), -EBADF,
	      "read from fd -1");
	CHECK(px_raw(PX_READ, 9999, (long)buf, 1, 0, 0), -EBADF,
	      "read from fd 9999");
	CHECK(px_raw(PX_READ, closed_fd, (long)buf, 1, 0, 0), -EBADF,
	      "read from a closed fd");
	CHECK(px_raw(PX_WRITE, -1, (long)hello, 5, 0, 0), -EBADF,
	      "write to fd -1");
	CHECK(px_raw(PX_WRITE, 1l << 40, (long)hello, 5, 0, 0), -EBADF,
	      "write to fd 2^40");
	CHECK(px_raw(PX_CLOSE, 9999, 0, 0, 0, 0), -EBADF, "close of fd 9999");
	CHECK(px_raw(PX_LSEEK, closed_fd, 0, SEEK_SET, 0, 0), -EBADF,
	      "lseek of a closed fd");
	CHECK(px_raw(PX_DUP, -1, 0, 0, 0, 0), -EBADF, "dup of fd -1");
	CHECK(px_raw(PX_FSYNC, 9999, 0, 0, 0, 0), -EBADF, "fsync of fd 9999");
	CHECK(px_raw(PX_READDIR, closed_fd, (long)buf, 0, 0, 0), -EBADF,
	      "readdir of a closed fd");
	CHECK(px_raw(PX_MMAP, 0, PAGE_SIZE, PROT_READ | (long)MAP_PRIVATE << 32,
		     9999, 0),
	      -EBADF, "mmap of fd 9999");
}

static void bad_lengths(int fd, long unmapped)
{
	CHECK(px_raw(PX_READ, fd, (long)hello, HUGE_LEN, 0, 0), -EFAULT,
	      "read of 2^62 bytes into a small buffer");
	CHECK(px_raw(PX_WRITE, fd, (long)hello, HUGE_LEN, 0, 0), -EFAULT,
	      "write of 2^62 bytes from a small buffer");
	CHECK(px_raw(PX_WRITE, fd, (long)hello, -1l, 0, 0), -EFAULT,
	      "write of -1 bytes");
	CHECK(px_raw(PX_MMAP, 0, HUGE_LEN,
		     PROT_READ | (long)(MAP_PRIVATE | MAP_ANONYMOUS) << 32, -1,
		     0),
	      -EINVAL, "mmap of 2^62 bytes");
	CHECK(px_raw(PX_MMAP, 0, -4096l,
		     PROT_READ | (long)(MAP_PRIVATE | MAP_ANONYMOUS) << 32, -1,
		     0),
	      -EINVAL, "mmap of -4096 bytes");
	CHECK(px_raw(PX_MUNMAP, 0x400000000000l, -4096l, 0, 0, 0), -EINVAL,
	      "munmap of -4096 bytes");
	CHECK(px_raw(PX_SHMGET, 77, HUGE_LEN, PX_IPC_CREAT, 0, 0), -EINVAL,
	      "shmget of 2^62 bytes");
	char cwd[8] = "xxxxxxx";
	CHECK(px_raw(PX_GETCWD, (long)cwd, HUGE_LEN, 0, 0, 0), 1,
	      "getcwd with a huge size answers the path's length");
	tap_ok(!strcmp(cwd, "/") && cwd[2] == 'x',
	       "malformed: ...and writes only the path");
	CHECK(px_raw(PX_MSYNC, unmapped, HUGE_LEN, 0, 0, 0), -ENOMEM,
	      "msync of 2^62 unmapped bytes");
	/* A huge range that is all mapped: mm0 walks areas, not pages. */
	void *tib = mmap(NULL, 1ul << 40, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(px_raw(PX_MSYNC, (long)tib, 1l << 40, 0, 0, 0), 0,
	      "msync of a whole 1 TiB mapping");
	munmap(tib, 1ul << 40);
}

static void bad_requests(void)
{
	CHECK(px_raw(0, 0, 0, 0, 0, 0), -ENOSYS, "request number 0");
	CHECK(px_raw(49, 1, 2, 3, 4, 5), -ENOSYS, "request number 49");
	CHECK(px_raw(1000, 0, 0, 0, 0, 0), -ENOSYS, "request number 1000");
	CHECK(px_raw(-1l, 0, 0, 0, 0, 0), -ENOSYS, "request number -1");
	CHECK(px_raw(PX_KILL, getpid(), 15, 0, 0, 0), -EINVAL,
	      "kill with a signal other than 9");
	CHECK(px_raw(PX_KILL, 0x7fffff, 9, 0, 0, 0), -ESRCH,
	      "kill of a process that is not");
	CHECK(px_raw(PX_CLONE, 0, 0x1000, 0, 0, 0), -EINVAL,
	      "clone without CLONE_VM");
	CHECK(px_raw(PX_SHMAT, -5, 0, 0, 0, 0), -EINVAL, "shmat of id -5");
	CHECK(px_raw(PX_WAIT, 0x7fffff, 0, 0, 0, 0), -ECHILD,
	      "wait for a process that is not a child");
}

/* Requests in other message kinds: a full message is a request like a
 * short one (mm0 reads MR0..MR5); an extended one is refused by the
 * kernel, since mm0 never waits in an extended receive. */
static void other_message_kinds(void)
{
	static char x[64];
	struct tess_msg m = {.mr = {PX_GETPID}};
	long r = tess_ipc(posix_pager(), posix_pager(), IPC_FULL, &m, NULL);
	tap_ok(r == 0 && (long)m.mr[0] == getpid(),
	       "malformed: a full message to mm0 is answered as a request");
	m.mr[0] = PX_GETPID;
	r = tess_ipc(posix_pager(), posix_pager(),
		     IPC_EXTENDED | IPC_SIZE(sizeof(x)), &m, x);
	tap_ok(r == -E_TOOBIG && still_serving(),
	       "malformed: an extended message to mm0 is refused (E_TOOBIG), "
	       "and mm0 serves on");
}

/* A request sent without waiting for the answer (a send, not a call): mm0
 * must not wait for the sender to take its answer (it would wait for
 * ever, and the sender's next page fault would never be served).  The
 * child spins until it is killed, or a while and then ends itself with
 * the kernel's exit. */
static void send_without_call(void)
{
	volatile int *flag = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(flag != MAP_FAILED, "malformed: a shared page"))
		return;
	*flag = 0;
	pid_t pid = fork();
	if (pid == 0) {
		struct tess_msg m = {.mr = {PX_GETPID}};
		tess_send(posix_pager(), &m);
		*flag = 1;
		for (int i = 0; i < 200000 && *flag == 1; i++)
			tess_thread_switch(TID_NIL);
		*flag = 3;
		tess_exit(0);
	}
	while (*flag == 0)
		tess_thread_switch(TID_NIL);
	tap_ok(still_serving() && *flag == 1,
	       "malformed: a request sent without a receive: mm0 answers "
	       "others while the sender runs on");
	expect_eq(kill(pid, SIGKILL), 0, "malformed: the sender is killed");
	expect_eq(wait_exit_status(pid), PX_STATUS_KILL,
		  "malformed: and reaped (137)");
	munmap((void *)flag, PAGE_SIZE);
}

/* A system call the kernel does not know becomes a message to mm0, which
 * answers -ENOSYS (no Linux emulation yet): the caller goes on. */
static long unknown_syscall(long nr)
{
	long rax = nr;
	__asm__ volatile("syscall" : "+a"(rax) : : "rcx", "r11", "memory");
	return rax;
}

static void unknown_syscalls(void)
{
	CHECK(unknown_syscall(39), -ENOSYS, "Linux's getpid (system call 39)");
	CHECK(unknown_syscall(TESS_SYS_BASE + 99), -ENOSYS,
	      "Tessera system call number 99");
}

/* A child's status written to read-only memory: EFAULT, and the child
 * can still be reaped properly. */
static void bad_wait_pointer(long readonly)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(5);
	CHECK(px_raw(PX_WAIT, pid, readonly, 0, 0, 0), -EFAULT,
	      "wait with a read-only status pointer");
	expect_eq(wait_exit_status(pid), 5,
		  "malformed: the child is still there to reap, status 5");
}

void test_malformed(void)
{
	char *ro = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	/* An address that was mapped a moment ago and is not any more. */
	long unmapped = (long)mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap((void *)unmapped, PAGE_SIZE);
	int fd = open(rodata_path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (!tap_ok(ro != MAP_FAILED && fd >= 0,
		    "malformed: a read-only page and a file"))
		return;
	write(fd, "0123456789", 10);
	int closed_fd = dup(fd);
	close(closed_fd);

	bad_pointers(unmapped, (long)ro, fd);
	bad_descriptors(closed_fd);
	bad_lengths(fd, unmapped);
	bad_requests();
	unknown_syscalls();
	other_message_kinds();
	send_without_call();
	bad_wait_pointer((long)ro);
	tap_ok(ro[0] == 0, "malformed: the read-only page was never written");
	close(fd);
	unlink(rodata_path);
	munmap(ro, PAGE_SIZE);
}
