/*
 * Hostile system calls: children make thousands of Linux system calls
 * with numbers and arguments drawn at random (from a fixed seed, so a run
 * repeats) among small numbers, descriptors, flags, and pointers that are
 * valid, unmapped, read-only, unaligned or in the kernel half.  A child
 * may fail, fault or be killed; mm0 must answer every call and keep
 * serving: after each child this process checks that calls still work
 * and that the child ended in an orderly way.  Calls that would end the
 * child at once, make processes, or change its signal handling are left
 * out; an alarm ends a child that waits too long.  Path arguments come
 * from a few names under /tmp/fz (and bad pointers), never from memory a
 * random call may have filled, so the children cannot harm the rest of
 * the file system; what they write to files is bounded (1 MiB), so they
 * cannot take the container's memory from the other processes.
 */
#include "lxt.h"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const long skip[] = {
    SYS_exit,
    SYS_exit_group,
    SYS_fork,
    SYS_vfork,
    SYS_clone,
    SYS_clone3,
    SYS_execve,
    SYS_execveat,
    SYS_kill,
    SYS_tkill,
    SYS_tgkill,
    SYS_rt_sigaction,
    SYS_rt_sigprocmask,
    SYS_rt_sigsuspend,
    SYS_pause,
    SYS_alarm,
    SYS_setitimer,
    SYS_rt_sigreturn,
    SYS_arch_prctl,
    SYS_munmap,
    SYS_mprotect,
    SYS_mremap,
    SYS_brk,
    SYS_sigaltstack,
    SYS_set_tid_address,
    SYS_rt_sigtimedwait,
    SYS_wait4,
    SYS_waitid,
    SYS_setsid,
    SYS_setpgid,
    SYS_fchdir,
    SYS_chroot,
    SYS_pivot_root,
    SYS_mount,
    SYS_umount2,
    SYS_ptrace,
    SYS_prctl,
    SYS_personality,
    SYS_reboot,
    SYS_seccomp,
    SYS_shmat,
    SYS_shmdt,
    SYS_munlockall,
};

/* Calls with paths: which arguments are paths (bits). */
static const struct {
	long nr;
	unsigned paths;
} path_args[] = {
    {SYS_open, 1},	 {SYS_creat, 1},      {SYS_openat, 2},
    {SYS_stat, 1},	 {SYS_lstat, 1},      {SYS_access, 1},
    {SYS_mkdir, 1},	 {SYS_rmdir, 1},      {SYS_unlink, 1},
    {SYS_unlinkat, 2},	 {SYS_rename, 3},     {SYS_renameat, 10},
    {SYS_renameat2, 10}, {SYS_link, 3},	      {SYS_linkat, 10},
    {SYS_symlink, 3},	 {SYS_symlinkat, 5},  {SYS_readlink, 1},
    {SYS_readlinkat, 2}, {SYS_chmod, 1},      {SYS_fchmodat, 2},
    {SYS_chown, 1},	 {SYS_lchown, 1},     {SYS_fchownat, 2},
    {SYS_truncate, 1},	 {SYS_chdir, 1},      {SYS_newfstatat, 2},
    {SYS_faccessat, 2},	 {SYS_faccessat2, 2}, {SYS_mkdirat, 2},
    {SYS_utimensat, 2},	 {SYS_statfs, 1},     {SYS_mknod, 1},
    {SYS_mknodat, 2},	 {SYS_utime, 1},      {SYS_utimes, 1},
    {SYS_getxattr, 1},	 {SYS_setxattr, 1},   {SYS_removexattr, 1},
    {SYS_statx, 2},
};

static const char *const paths[] = {"/tmp/fz/a", "/tmp/fz/b", "/tmp/fz",
				    "a",	 "b/c",	      "/tmp/fz/l",
				    "",		 "/tmp/fz/a/"};

static uint64_t state;

static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static char buf[8192];

static long arg(void *ronly)
{
	switch (rnd() % 14) {
	case 0:
		return 0;
	case 1:
		return (long)(rnd() % 8);
	case 2:
		return -1;
	case 3:
		return (long)buf + (long)(rnd() % 64);
	case 4:
		return (long)KADDR;
	case 5:
		return (long)NOADDR;
	case 6:
		return (long)ronly;
	case 7:
		return (long)paths[0];
	case 8:
		return (long)(rnd() % 4096);
	case 9:
		return (long)(0x7ffe00000000ull + (rnd() % 0x1000000));
	case 10:
		return AT_FDCWD;
	case 11:
		return (long)(rnd() & 0xffffffff);
	case 12:
		return (long)rnd();
	default:
		return (long)(buf + 1); /* unaligned */
	}
}

static int skipped(long nr)
{
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (skip[i] == nr)
			return 1;
	return 0;
}

static void child(uint64_t seed, int calls)
{
	state = seed;
	void *ronly =
	    mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	alarm(2);
	chdir("/tmp/fz");
	for (int i = 0; i < calls; i++) {
		long nr = (long)(rnd() % 340);
		if (skipped(nr))
			continue;
		long a[6];
		for (int k = 0; k < 6; k++)
			a[k] = arg(ronly);
		for (size_t k = 0; k < sizeof(path_args) / sizeof(path_args[0]);
		     k++)
			if (path_args[k].nr == nr)
				for (int j = 0; j < 6; j++)
					if (path_args[k].paths & (1u << j)) {
						uint64_t r = rnd() % 10;
						a[j] = r < 8	? (long)paths[r]
						       : r == 8 ? (long)KADDR
								: (long)NOADDR;
					}
		/* Files live in mm0's memory, the container's: bounded
		 * sizes keep a child from taking it all for the others. */
		if (nr == SYS_write || nr == SYS_pwrite64 || nr == SYS_read ||
		    nr == SYS_pread64)
			a[2] = (long)((unsigned long)a[2] % 65536);
		if (nr == SYS_pwrite64)
			a[3] = (long)((unsigned long)a[3] % (1 << 20));
		if (nr == SYS_ftruncate || nr == SYS_truncate)
			a[1] = (long)((unsigned long)a[1] % (1 << 20));
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	_exit(0);
}

int main(void)
{
	int ended = 0, orderly = 1;
	mkdir("/tmp", 01777);
	mkdir("/tmp/fz", 0755);
	int fd = open("/tmp/fz/a", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "fuzz", 4);
	close(fd);
	for (uint64_t seed = 1; seed <= 12; seed++) {
		pid_t pid = fork();
		if (pid == 0)
			child(seed * 0x9e3779b97f4a7c15ull, 400);
		int st;
		if (waitpid(pid, &st, 0) == pid) {
			ended++;
			/* Whatever ended it, it ended: an exit, a signal. */
			orderly &= WIFEXITED(st) || WIFSIGNALED(st);
		}
		/* The child may have grown the file: a fresh one (mm0's
		 * memory is the container's, shared with everyone). */
		unlink("/tmp/fz/a");
		fd = open("/tmp/fz/a", O_RDWR | O_CREAT | O_TRUNC, 0644);
		write(fd, "fuzz", 4);
		close(fd);
	}
	ok(ended == 12, "12 children, 400 random calls each, all ended");
	ok(orderly, "each with an exit status or a signal");
	ok(getppid() > 0 && access("/bin/lxt-fuzz", X_OK) == 0,
	   "and mm0 still answers");
	return done();
}
