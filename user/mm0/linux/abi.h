/*
 * The Linux x86_64 ABI as the Linux personality sees it: system call
 * numbers, errno values beyond the libc's, flags, and the layouts of the
 * structures Linux programs pass (stat, linux_dirent64, sigaction,
 * siginfo, the signal frame, termios, utsname, ...).  Values are Linux's
 * own (include/uapi in the Linux tree); nothing here is Tessera's choice.
 */
#ifndef MM0_LINUX_ABI_H
#define MM0_LINUX_ABI_H

#include <stdint.h>

/* ------------------------------------------------------------ system calls */

enum lx_nr {
	LX_read = 0,
	LX_write = 1,
	LX_open = 2,
	LX_close = 3,
	LX_stat = 4,
	LX_fstat = 5,
	LX_lstat = 6,
	LX_poll = 7,
	LX_lseek = 8,
	LX_mmap = 9,
	LX_mprotect = 10,
	LX_munmap = 11,
	LX_brk = 12,
	LX_rt_sigaction = 13,
	LX_rt_sigprocmask = 14,
	LX_rt_sigreturn = 15,
	LX_ioctl = 16,
	LX_pread64 = 17,
	LX_pwrite64 = 18,
	LX_readv = 19,
	LX_writev = 20,
	LX_access = 21,
	LX_pipe = 22,
	LX_select = 23,
	LX_sched_yield = 24,
	LX_mremap = 25,
	LX_msync = 26,
	LX_madvise = 28,
	LX_dup = 32,
	LX_dup2 = 33,
	LX_pause = 34,
	LX_nanosleep = 35,
	LX_getitimer = 36,
	LX_alarm = 37,
	LX_setitimer = 38,
	LX_getpid = 39,
	LX_sendfile = 40,
	LX_socket = 41,
	LX_clone = 56,
	LX_fork = 57,
	LX_vfork = 58,
	LX_execve = 59,
	LX_exit = 60,
	LX_wait4 = 61,
	LX_kill = 62,
	LX_uname = 63,
	LX_fcntl = 72,
	LX_flock = 73,
	LX_fsync = 74,
	LX_fdatasync = 75,
	LX_truncate = 76,
	LX_ftruncate = 77,
	LX_getdents = 78,
	LX_getcwd = 79,
	LX_chdir = 80,
	LX_fchdir = 81,
	LX_rename = 82,
	LX_mkdir = 83,
	LX_rmdir = 84,
	LX_creat = 85,
	LX_link = 86,
	LX_unlink = 87,
	LX_symlink = 88,
	LX_readlink = 89,
	LX_chmod = 90,
	LX_fchmod = 91,
	LX_chown = 92,
	LX_fchown = 93,
	LX_lchown = 94,
	LX_umask = 95,
	LX_gettimeofday = 96,
	LX_getrlimit = 97,
	LX_getrusage = 98,
	LX_sysinfo = 99,
	LX_times = 100,
	LX_getuid = 102,
	LX_getgid = 104,
	LX_setuid = 105,
	LX_setgid = 106,
	LX_geteuid = 107,
	LX_getegid = 108,
	LX_setpgid = 109,
	LX_getppid = 110,
	LX_getpgrp = 111,
	LX_setsid = 112,
	LX_setreuid = 113,
	LX_setregid = 114,
	LX_getgroups = 115,
	LX_setgroups = 116,
	LX_setresuid = 117,
	LX_getresuid = 118,
	LX_setresgid = 119,
	LX_getresgid = 120,
	LX_getpgid = 121,
	LX_setfsuid = 122,
	LX_setfsgid = 123,
	LX_getsid = 124,
	LX_rt_sigpending = 127,
	LX_rt_sigtimedwait = 128,
	LX_rt_sigqueueinfo = 129,
	LX_rt_sigsuspend = 130,
	LX_sigaltstack = 131,
	LX_utime = 132,
	LX_mknod = 133,
	LX_statfs = 137,
	LX_fstatfs = 138,
	LX_getpriority = 140,
	LX_setpriority = 141,
	LX_sched_getparam = 143,
	LX_sched_getscheduler = 145,
	LX_mlock = 149,
	LX_munlock = 150,
	LX_prctl = 157,
	LX_arch_prctl = 158,
	LX_setrlimit = 160,
	LX_sync = 162,
	LX_gettid = 186,
	LX_tkill = 200,
	LX_time = 201,
	LX_futex = 202,
	LX_sched_setaffinity = 203,
	LX_sched_getaffinity = 204,
	LX_getdents64 = 217,
	LX_set_tid_address = 218,
	LX_fadvise64 = 221,
	LX_clock_settime = 227,
	LX_clock_gettime = 228,
	LX_clock_getres = 229,
	LX_clock_nanosleep = 230,
	LX_exit_group = 231,
	LX_tgkill = 234,
	LX_utimes = 235,
	LX_waitid = 247,
	LX_openat = 257,
	LX_mkdirat = 258,
	LX_mknodat = 259,
	LX_fchownat = 260,
	LX_futimesat = 261,
	LX_newfstatat = 262,
	LX_unlinkat = 263,
	LX_renameat = 264,
	LX_linkat = 265,
	LX_symlinkat = 266,
	LX_readlinkat = 267,
	LX_fchmodat = 268,
	LX_faccessat = 269,
	LX_pselect6 = 270,
	LX_ppoll = 271,
	LX_set_robust_list = 273,
	LX_get_robust_list = 274,
	LX_utimensat = 280,
	LX_fallocate = 285,
	LX_accept4 = 288,
	LX_dup3 = 292,
	LX_pipe2 = 293,
	LX_prlimit64 = 302,
	LX_syncfs = 306,
	LX_getcpu = 309,
	LX_renameat2 = 316,
	LX_getrandom = 318,
	LX_memfd_create = 319,
	LX_execveat = 322,
	LX_membarrier = 324,
	LX_copy_file_range = 326,
	LX_statx = 332,
	LX_rseq = 334,
	LX_clone3 = 435,
	LX_close_range = 436,
	LX_faccessat2 = 439,
	LX_NR_MAX = 448
};

/* ------------------------------------------------------------ errno */

/* The libc's errno.h has the common ones; these are the rest we answer. */
#ifndef ESRCH
#define ESRCH 3
#endif
#define LX_ENOTBLK 15
#define LX_ETXTBSY 26
#define LX_ENOTSOCK 88
#define LX_EOPNOTSUPP 95
#define LX_ETIMEDOUT 110

/* ------------------------------------------------------------ files */

#define LX_AT_FDCWD (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_REMOVEDIR 0x200
#define LX_AT_SYMLINK_FOLLOW 0x400
#define LX_AT_EACCESS 0x200
#define LX_AT_EMPTY_PATH 0x1000

#define LX_O_ACCMODE 3
#define LX_O_RDONLY 0
#define LX_O_WRONLY 1
#define LX_O_RDWR 2
#define LX_O_CREAT 0100
#define LX_O_EXCL 0200
#define LX_O_NOCTTY 0400
#define LX_O_TRUNC 01000
#define LX_O_APPEND 02000
#define LX_O_NONBLOCK 04000
#define LX_O_DSYNC 010000
#define LX_O_ASYNC 020000
#define LX_O_DIRECT 040000
#define LX_O_LARGEFILE 0100000
#define LX_O_DIRECTORY 0200000
#define LX_O_NOFOLLOW 0400000
#define LX_O_NOATIME 01000000
#define LX_O_CLOEXEC 02000000
#define LX_O_SYNC 04010000
#define LX_O_PATH 010000000
#define LX_O_TMPFILE 020200000

#define LX_F_DUPFD 0
#define LX_F_GETFD 1
#define LX_F_SETFD 2
#define LX_F_GETFL 3
#define LX_F_SETFL 4
#define LX_F_GETLK 5
#define LX_F_SETLK 6
#define LX_F_SETLKW 7
#define LX_F_DUPFD_CLOEXEC 1030
#define LX_FD_CLOEXEC 1

#define LX_SEEK_SET 0
#define LX_SEEK_CUR 1
#define LX_SEEK_END 2

#define LX_S_IFMT 0170000
#define LX_S_IFSOCK 0140000
#define LX_S_IFLNK 0120000
#define LX_S_IFREG 0100000
#define LX_S_IFBLK 0060000
#define LX_S_IFDIR 0040000
#define LX_S_IFCHR 0020000
#define LX_S_IFIFO 0010000

#define LX_R_OK 4
#define LX_W_OK 2
#define LX_X_OK 1

#define LX_UTIME_NOW ((1l << 30) - 1l)
#define LX_UTIME_OMIT ((1l << 30) - 2l)

#define LX_RENAME_NOREPLACE 1
#define LX_RENAME_EXCHANGE 2

struct lx_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct lx_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

/* struct stat of x86_64 (144 bytes). */
struct lx_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	struct lx_timespec st_atim;
	struct lx_timespec st_mtim;
	struct lx_timespec st_ctim;
	int64_t reserved[3];
};

struct lx_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

struct lx_iovec {
	uint64_t base;
	uint64_t len;
};
#define LX_IOV_MAX 1024

struct lx_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};
#define LX_POLLIN 0x001
#define LX_POLLPRI 0x002
#define LX_POLLOUT 0x004
#define LX_POLLERR 0x008
#define LX_POLLHUP 0x010
#define LX_POLLNVAL 0x020
#define LX_POLLRDNORM 0x040
#define LX_POLLWRNORM 0x100

struct lx_statfs {
	int64_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};

/* ------------------------------------------------------------ terminals */

#define LX_TCGETS 0x5401
#define LX_TCSETS 0x5402
#define LX_TCSETSW 0x5403
#define LX_TCSETSF 0x5404
#define LX_TIOCSCTTY 0x540E
#define LX_TIOCGPGRP 0x540F
#define LX_TIOCSPGRP 0x5410
#define LX_TIOCGWINSZ 0x5413
#define LX_TIOCSWINSZ 0x5414
#define LX_FIONREAD 0x541B
#define LX_FIONBIO 0x5421
#define LX_FIOCLEX 0x5451
#define LX_FIONCLEX 0x5450

struct lx_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[19];
};

struct lx_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* ------------------------------------------------------------ processes */

#define LX_CSIGNAL 0x000000ff
#define LX_CLONE_VM 0x00000100
#define LX_CLONE_FS 0x00000200
#define LX_CLONE_FILES 0x00000400
#define LX_CLONE_SIGHAND 0x00000800
#define LX_CLONE_PIDFD 0x00001000
#define LX_CLONE_PTRACE 0x00002000
#define LX_CLONE_VFORK 0x00004000
#define LX_CLONE_PARENT 0x00008000
#define LX_CLONE_THREAD 0x00010000
#define LX_CLONE_NEWNS 0x00020000
#define LX_CLONE_SYSVSEM 0x00040000
#define LX_CLONE_SETTLS 0x00080000
#define LX_CLONE_PARENT_SETTID 0x00100000
#define LX_CLONE_CHILD_CLEARTID 0x00200000
#define LX_CLONE_DETACHED 0x00400000
#define LX_CLONE_UNTRACED 0x00800000
#define LX_CLONE_CHILD_SETTID 0x01000000
#define LX_CLONE_NEWCGROUP 0x02000000
#define LX_CLONE_NEWUTS 0x04000000
#define LX_CLONE_NEWIPC 0x08000000
#define LX_CLONE_NEWUSER 0x10000000
#define LX_CLONE_NEWPID 0x20000000
#define LX_CLONE_NEWNET 0x40000000
#define LX_CLONE_IO 0x80000000ul

#define LX_WNOHANG 1
#define LX_WUNTRACED 2
#define LX_WSTOPPED 2
#define LX_WEXITED 4
#define LX_WCONTINUED 8
#define LX_WNOWAIT 0x01000000
#define LX_WNOTHREAD 0x20000000
#define LX_WALL 0x40000000
#define LX_WCLONE 0x80000000u

/* Wait status words. */
#define LX_W_EXITCODE(code) (((code)&0xff) << 8)
#define LX_W_SIGNALED(sig) ((sig)&0x7f)
#define LX_W_STOPPED(sig) (((sig) << 8) | 0x7f)
#define LX_W_CONTINUED 0xffff

#define LX_ARCH_SET_GS 0x1001
#define LX_ARCH_SET_FS 0x1002
#define LX_ARCH_GET_FS 0x1003
#define LX_ARCH_GET_GS 0x1004

struct lx_rlimit {
	uint64_t cur, max;
};
#define LX_RLIM_INFINITY (~0ull)
#define LX_RLIMIT_STACK 3
#define LX_RLIMIT_NOFILE 7
#define LX_RLIM_NLIMITS 16

struct lx_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	    domainname[65];
};

struct lx_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char f[4];
};

struct lx_rusage {
	struct lx_timeval ru_utime, ru_stime;
	int64_t rest[14];
};

struct lx_tms {
	int64_t utime, stime, cutime, cstime;
};

#define LX_CLOCK_REALTIME 0
#define LX_CLOCK_MONOTONIC 1
#define LX_CLOCK_PROCESS_CPUTIME_ID 2
#define LX_CLOCK_THREAD_CPUTIME_ID 3
#define LX_CLOCK_MONOTONIC_RAW 4
#define LX_CLOCK_REALTIME_COARSE 5
#define LX_CLOCK_MONOTONIC_COARSE 6
#define LX_CLOCK_BOOTTIME 7
#define LX_TIMER_ABSTIME 1

#define LX_GRND_NONBLOCK 1
#define LX_GRND_RANDOM 2
#define LX_GRND_INSECURE 4

/* ------------------------------------------------------------ memory */

#define LX_PROT_READ 1
#define LX_PROT_WRITE 2
#define LX_PROT_EXEC 4
#define LX_PROT_GROWSDOWN 0x01000000
#define LX_MAP_SHARED 0x01
#define LX_MAP_PRIVATE 0x02
#define LX_MAP_SHARED_VALIDATE 0x03
#define LX_MAP_TYPE 0x0f
#define LX_MAP_FIXED 0x10
#define LX_MAP_ANONYMOUS 0x20
#define LX_MAP_GROWSDOWN 0x0100
#define LX_MAP_DENYWRITE 0x0800
#define LX_MAP_EXECUTABLE 0x1000
#define LX_MAP_LOCKED 0x2000
#define LX_MAP_NORESERVE 0x4000
#define LX_MAP_POPULATE 0x8000
#define LX_MAP_NONBLOCK 0x10000
#define LX_MAP_STACK 0x20000
#define LX_MAP_HUGETLB 0x40000
#define LX_MAP_FIXED_NOREPLACE 0x100000

/* ------------------------------------------------------------ signals */

#define LX_NSIG 64
#define LX_SIGHUP 1
#define LX_SIGINT 2
#define LX_SIGQUIT 3
#define LX_SIGILL 4
#define LX_SIGTRAP 5
#define LX_SIGABRT 6
#define LX_SIGBUS 7
#define LX_SIGFPE 8
#define LX_SIGKILL 9
#define LX_SIGUSR1 10
#define LX_SIGSEGV 11
#define LX_SIGUSR2 12
#define LX_SIGPIPE 13
#define LX_SIGALRM 14
#define LX_SIGTERM 15
#define LX_SIGSTKFLT 16
#define LX_SIGCHLD 17
#define LX_SIGCONT 18
#define LX_SIGSTOP 19
#define LX_SIGTSTP 20
#define LX_SIGTTIN 21
#define LX_SIGTTOU 22
#define LX_SIGURG 23
#define LX_SIGXCPU 24
#define LX_SIGXFSZ 25
#define LX_SIGVTALRM 26
#define LX_SIGPROF 27
#define LX_SIGWINCH 28
#define LX_SIGIO 29
#define LX_SIGPWR 30
#define LX_SIGSYS 31
#define LX_SIGRTMIN 32

#define LX_SIGBIT(sig) (1ull << ((sig)-1))

#define LX_SIG_DFL 0
#define LX_SIG_IGN 1

#define LX_SA_NOCLDSTOP 0x00000001
#define LX_SA_NOCLDWAIT 0x00000002
#define LX_SA_SIGINFO 0x00000004
#define LX_SA_RESTORER 0x04000000
#define LX_SA_ONSTACK 0x08000000
#define LX_SA_RESTART 0x10000000
#define LX_SA_NODEFER 0x40000000
#define LX_SA_RESETHAND 0x80000000u

#define LX_SIG_BLOCK 0
#define LX_SIG_UNBLOCK 1
#define LX_SIG_SETMASK 2

#define LX_SS_ONSTACK 1
#define LX_SS_DISABLE 2
#define LX_MINSIGSTKSZ 2048

/* si_code values. */
#define LX_SI_USER 0
#define LX_SI_KERNEL 0x80
#define LX_SI_TKILL (-6)
#define LX_ILL_ILLOPN 2
#define LX_FPE_INTDIV 1
#define LX_FPE_FLTINV 7
#define LX_SEGV_MAPERR 1
#define LX_SEGV_ACCERR 2
#define LX_BUS_ADRALN 1
#define LX_BUS_ADRERR 2
#define LX_TRAP_BRKPT 1
#define LX_TRAP_TRACE 2
#define LX_CLD_EXITED 1
#define LX_CLD_KILLED 2
#define LX_CLD_DUMPED 3
#define LX_CLD_STOPPED 5
#define LX_CLD_CONTINUED 6

/* The kernel's struct sigaction (rt_sigaction's argument). */
struct lx_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/* siginfo_t: 128 bytes; the fields after the first three depend on the
 * signal (kill: pid, uid; SIGCHLD: pid, uid, status; faults: addr). */
struct lx_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t pad;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status;
			int32_t pad;
			int64_t utime, stime;
		} kill;
		uint64_t addr;
		uint8_t bytes[112];
	} u;
};

struct lx_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

/* struct sigcontext of x86_64: the registers saved in a signal frame. */
struct lx_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* the FXSAVE image, or 0 */
	uint64_t reserved[8];
};

struct lx_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct lx_stack uc_stack;
	struct lx_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};
#define LX_UC_SIGCONTEXT_SS 2
#define LX_UC_STRICT_RESTORE_SS 4

/* The frame a handler starts on: rsp points at pretcode (the handler's
 * return address, sa_restorer), then the ucontext and the siginfo.  The
 * FXSAVE image lies above it. */
struct lx_rt_sigframe {
	uint64_t pretcode;
	struct lx_ucontext uc;
	struct lx_siginfo info;
};
#define LX_FXSAVE_SIZE 512

/* ------------------------------------------------------------ futex */

#define LX_FUTEX_WAIT 0
#define LX_FUTEX_WAKE 1
#define LX_FUTEX_FD 2
#define LX_FUTEX_REQUEUE 3
#define LX_FUTEX_CMP_REQUEUE 4
#define LX_FUTEX_WAKE_OP 5
#define LX_FUTEX_LOCK_PI 6
#define LX_FUTEX_UNLOCK_PI 7
#define LX_FUTEX_TRYLOCK_PI 8
#define LX_FUTEX_WAIT_BITSET 9
#define LX_FUTEX_WAKE_BITSET 10
#define LX_FUTEX_PRIVATE_FLAG 128
#define LX_FUTEX_CLOCK_REALTIME 256
#define LX_FUTEX_CMD_MASK 127
#define LX_FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* ------------------------------------------------------------ auxv */

#define LX_AT_NULL 0
#define LX_AT_PHDR 3
#define LX_AT_PHENT 4
#define LX_AT_PHNUM 5
#define LX_AT_PAGESZ 6
#define LX_AT_BASE 7
#define LX_AT_FLAGS 8
#define LX_AT_ENTRY 9
#define LX_AT_UID 11
#define LX_AT_EUID 12
#define LX_AT_GID 13
#define LX_AT_EGID 14
#define LX_AT_PLATFORM 15
#define LX_AT_HWCAP 16
#define LX_AT_CLKTCK 17
#define LX_AT_SECURE 23
#define LX_AT_RANDOM 25
#define LX_AT_HWCAP2 26
#define LX_AT_EXECFN 31

#endif
