/*
 * Bad input to the Linux personality: executables it must refuse (not
 * ELF, cut short, dynamically linked, segments that overlap, wrap or
 * reach the kernel half, an entry point outside the executable
 * segments), arguments beyond the limit (E2BIG), bad pointers in execve
 * and in a sweep of calls (EFAULT, never a crash), unknown system call
 * numbers (ENOSYS, logged once).  After each, this process and mm0 go
 * on.
 */
#include "lxt.h"
#include <elf.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char *image;
static size_t image_size;

static void load_self(void)
{
	int fd = open("/proc/self/exe", O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st))
		return;
	image = malloc(st.st_size);
	image_size = (size_t)read(fd, image, st.st_size);
	close(fd);
}

/* Write `n` bytes as an executable file and execve it in a child: the
 * errno (or 1000 + the status if the exec took place). */
static int try_exec(const char *path, const void *bytes, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755), st;
	write(fd, bytes, n);
	close(fd);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = {(char *)path, NULL};
		execve(path, argv, NULL);
		_exit(errno);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + st;
}

/* A copy of our own image with one change, exec'd. */
static int try_patched(void (*patch)(Elf64_Ehdr *, Elf64_Phdr *))
{
	char *copy = malloc(image_size);
	memcpy(copy, image, image_size);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)copy;
	patch(eh, (Elf64_Phdr *)(copy + eh->e_phoff));
	int e = try_exec("/tmp/patched", copy, image_size);
	free(copy);
	return e;
}

static Elf64_Phdr *load(Elf64_Ehdr *eh, Elf64_Phdr *ph, int k)
{
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && k-- == 0)
			return &ph[i];
	return NULL;
}

static void overlap(Elf64_Ehdr *eh, Elf64_Phdr *ph)
{
	load(eh, ph, 2)->p_vaddr = load(eh, ph, 1)->p_vaddr;
	load(eh, ph, 2)->p_offset = load(eh, ph, 1)->p_offset;
}

static void wrap(Elf64_Ehdr *eh, Elf64_Phdr *ph)
{
	Elf64_Phdr *p = load(eh, ph, 3);
	p->p_vaddr = 0xfffffffffffff000ull + (p->p_offset & 0xfff);
	p->p_memsz = 0x3000;
}

static void kernel_half(Elf64_Ehdr *eh, Elf64_Phdr *ph)
{
	Elf64_Phdr *p = load(eh, ph, 3);
	p->p_vaddr = 0xffff800000000000ull + (p->p_offset & 0xfff);
}

static void entry_outside(Elf64_Ehdr *eh, Elf64_Phdr *ph)
{
	eh->e_entry = 0x10;
}

static void entry_not_exec(Elf64_Ehdr *eh, Elf64_Phdr *ph)
{
	eh->e_entry = load(eh, ph, 0)->p_vaddr + 8; /* the read-only headers */
}

static void past_end(Elf64_Ehdr *eh, Elf64_Phdr *ph)
{
	load(eh, ph, 1)->p_offset = 0x7fffffff000ull;
}

static void too_many_phdrs(Elf64_Ehdr *eh, Elf64_Phdr *ph)
{
	eh->e_phnum = 60000;
}

static void executables(void)
{
	load_self();
	ok(image_size > 4096, "read our own image (%zu bytes)", image_size);
	ok(try_exec("/tmp/text", "just some text\n", 15) == ENOEXEC,
	   "not ELF: ENOEXEC");
	ok(try_exec("/tmp/empty", "", 0) == ENOEXEC, "an empty file: ENOEXEC");
	ok(try_exec("/tmp/cut", image, 100) == ENOEXEC,
	   "cut after 100 bytes: ENOEXEC");
	ok(try_exec("/tmp/cut2", image, 4096) == ENOEXEC,
	   "cut after the first page: ENOEXEC");
	ok(try_patched(overlap) == ENOEXEC,
	   "two segments that overlap: ENOEXEC");
	ok(try_patched(wrap) == ENOEXEC,
	   "a segment that wraps around: ENOEXEC");
	ok(try_patched(kernel_half) == ENOEXEC,
	   "a segment in the kernel half: ENOEXEC");
	ok(try_patched(entry_outside) == ENOEXEC,
	   "an entry point outside every segment: ENOEXEC");
	ok(try_patched(entry_not_exec) == ENOEXEC,
	   "an entry point in a segment that is not executable: ENOEXEC");
	ok(try_patched(past_end) == ENOEXEC,
	   "a segment past the end of the file: ENOEXEC");
	ok(try_patched(too_many_phdrs) == ENOEXEC,
	   "60000 program headers: ENOEXEC");
	char *argv[] = {"dyn-hello", NULL};
	ERR(execve("/bin/dyn-hello", argv, NULL), ENOEXEC,
	    "a dynamically linked program: ENOEXEC");
	diag(
	    "expect: mm0: exec /bin/dyn-hello: dynamically linked (interpreter "
	    "/lib/ld-musl-x86_64.so.1): only static programs run here");
	diag("expect: mm0: exec /tmp/patched: two segments overlap");
	diag("expect: mm0: exec /tmp/patched: the entry point is outside every "
	     "executable segment");

	/* Too many bytes of arguments. */
	size_t big = 300 * 1024;
	char *s = malloc(big);
	memset(s, 'a', big - 1);
	s[big - 1] = 0;
	char *args[] = {"x", s, NULL};
	ERR(execve("/bin/lxt-bad", args, NULL), E2BIG,
	    "300 KiB of arguments: E2BIG");
	char *envs[] = {s, NULL};
	ERR(execve("/bin/lxt-bad", argv, envs), E2BIG,
	    "300 KiB of environment: E2BIG");
	free(s);
	ok(RAW(SYS_execve, (long)KADDR, (long)argv, 0, 0, 0, 0) == -EFAULT,
	   "execve of a kernel path: EFAULT");
	ok(RAW(SYS_execve, (long)"/bin/lxt-bad", (long)NOADDR, 0, 0, 0, 0) ==
	       -EFAULT,
	   "execve with an unmapped argv: EFAULT");
	char *kargv[] = {"x", KADDR, NULL};
	ok(RAW(SYS_execve, (long)"/bin/lxt-bad", (long)kargv, 0, 0, 0, 0) ==
	       -EFAULT,
	   "execve with an argument in the kernel half: EFAULT");
}

/* Calls with a pointer into the kernel half: EFAULT each, and nothing
 * else happens. */
static void sweep(void)
{
	static const struct {
		long nr, a[6];
		const char *name;
	} calls[] = {
	    {SYS_read, {0, (long)KADDR, 8}, "read"},
	    {SYS_write, {1, (long)KADDR, 8}, "write"},
	    {SYS_open, {(long)KADDR, 0}, "open"},
	    {SYS_stat, {(long)KADDR, 0}, "stat path"},
	    {SYS_stat, {(long)"/", (long)KADDR}, "stat buffer"},
	    {SYS_lstat, {(long)"/", (long)KADDR}, "lstat"},
	    {SYS_fstat, {1, (long)KADDR}, "fstat"},
	    {SYS_poll, {(long)KADDR, 2, 0}, "poll"},
	    {SYS_rt_sigaction, {SIGUSR1, (long)KADDR, 0, 8}, "rt_sigaction"},
	    {SYS_rt_sigaction,
	     {SIGUSR1, 0, (long)KADDR, 8},
	     "rt_sigaction old"},
	    {SYS_rt_sigprocmask, {0, (long)KADDR, 0, 8}, "rt_sigprocmask"},
	    {SYS_pread64, {0, (long)KADDR, 8, 0}, "pread64"},
	    {SYS_readv, {0, (long)KADDR, 1}, "readv"},
	    {SYS_access, {(long)KADDR, 0}, "access"},
	    {SYS_pipe, {(long)KADDR}, "pipe"},
	    {SYS_select, {1, (long)KADDR, 0, 0, 0}, "select"},
	    {SYS_nanosleep, {(long)KADDR, 0}, "nanosleep"},
	    {SYS_getitimer, {0, (long)KADDR}, "getitimer (ENOSYS or EFAULT)"},
	    {SYS_wait4, {-1, (long)KADDR, WNOHANG, 0}, "wait4 (ECHILD first)"},
	    {SYS_uname, {(long)KADDR}, "uname"},
	    {SYS_getcwd, {(long)KADDR, 64}, "getcwd"},
	    {SYS_chdir, {(long)KADDR}, "chdir"},
	    {SYS_rename, {(long)KADDR, (long)"/tmp/x"}, "rename"},
	    {SYS_mkdir, {(long)KADDR, 0755}, "mkdir"},
	    {SYS_rmdir, {(long)KADDR}, "rmdir"},
	    {SYS_link, {(long)KADDR, (long)"/tmp/x"}, "link"},
	    {SYS_unlink, {(long)KADDR}, "unlink"},
	    {SYS_symlink, {(long)KADDR, (long)"/tmp/x"}, "symlink"},
	    {SYS_readlink, {(long)KADDR, (long)KADDR, 10}, "readlink"},
	    {SYS_chmod, {(long)KADDR, 0}, "chmod"},
	    {SYS_gettimeofday, {(long)KADDR, 0}, "gettimeofday"},
	    {SYS_getrlimit, {3, (long)KADDR}, "getrlimit"},
	    {SYS_sysinfo, {(long)KADDR}, "sysinfo"},
	    {SYS_times, {(long)KADDR}, "times"},
	    {SYS_rt_sigpending, {(long)KADDR, 8}, "rt_sigpending"},
	    {SYS_rt_sigsuspend, {(long)KADDR, 8}, "rt_sigsuspend"},
	    {SYS_sigaltstack, {(long)KADDR, 0}, "sigaltstack"},
	    {SYS_arch_prctl, {0x1003, (long)KADDR}, "arch_prctl GET_FS"},
	    {SYS_time, {(long)KADDR}, "time"},
	    {SYS_futex, {(long)KADDR, 0, 0}, "futex"},
	    {SYS_getdents64,
	     {0, (long)KADDR, 4096},
	     "getdents64 (ENOTDIR first)"},
	    {SYS_clock_gettime, {0, (long)KADDR}, "clock_gettime"},
	    {SYS_clock_getres, {0, (long)KADDR}, "clock_getres"},
	    {SYS_openat, {AT_FDCWD, (long)KADDR, 0}, "openat"},
	    {SYS_mkdirat, {AT_FDCWD, (long)KADDR, 0}, "mkdirat"},
	    {SYS_newfstatat,
	     {AT_FDCWD, (long)KADDR, (long)KADDR, 0},
	     "newfstatat"},
	    {SYS_unlinkat, {AT_FDCWD, (long)KADDR, 0}, "unlinkat"},
	    {SYS_utimensat,
	     {AT_FDCWD, (long)"/tmp", (long)KADDR, 0},
	     "utimensat"},
	    {SYS_pipe2, {(long)KADDR, 0}, "pipe2"},
	    {SYS_prlimit64, {0, 3, 0, (long)KADDR}, "prlimit64"},
	    {SYS_getrandom, {(long)KADDR, 8, 0}, "getrandom"},
	};
	int all = 1;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		long r = RAW(calls[i].nr, calls[i].a[0], calls[i].a[1],
			     calls[i].a[2], calls[i].a[3], calls[i].a[4],
			     calls[i].a[5]);
		int want = r == -EFAULT ||
			   (r == -ENOSYS && calls[i].nr == SYS_getitimer) ||
			   (r == -ECHILD && calls[i].nr == SYS_wait4) ||
			   (r == -ENOTDIR && calls[i].nr == SYS_getdents64);
		if (!want) {
			diag("%s: %ld", calls[i].name, r);
			all = 0;
		}
	}
	ok(all, "%zu calls with a pointer into the kernel half: EFAULT each",
	   sizeof(calls) / sizeof(calls[0]));
}

/* Found by lxt-fuzz: argument errors caught before a structure is set
 * up must not free what was never allocated (mm0 died). */
static void early_errors(void)
{
	ok(RAW(SYS_writev, 1, (long)KADDR, -100, 0, 0, 0) == -EINVAL,
	   "writev with a count of -100: EINVAL");
	ok(RAW(SYS_readv, 0, (long)NOADDR, 1025, 0, 0, 0) == -EINVAL,
	   "readv with 1025 vectors: EINVAL");
	ok(getppid() > 0, "mm0 still answers");
}

static void unknown(void)
{
	ok(RAW(400, 1, 2, 3, 4, 5, 6) == -ENOSYS, "system call 400: ENOSYS");
	ok(RAW(400, 0, 0, 0, 0, 0, 0) == -ENOSYS,
	   "again: ENOSYS (logged only once)");
	ok(RAW(100000, 0, 0, 0, 0, 0, 0) == -ENOSYS,
	   "system call 100000: ENOSYS");
	ok(RAW(-1, 0, 0, 0, 0, 0, 0) == -ENOSYS, "system call -1: ENOSYS");
	diag("expect: mm0: process %d: Linux system call 400 is not emulated: "
	     "ENOSYS",
	     getpid());
}

int main(void)
{
	mkdir("/tmp", 01777);
	executables();
	sweep();
	early_errors();
	unknown();
	return done();
}
