/*
 * The POSIX protocol between a process of the POSIX container and its
 * pager, mm0.
 *
 * Every POSIX call is a short IPC call to mm0 (the pager's tid is in the
 * process's pager field; libposix finds it with exchange_registers or is
 * told at start): MR0 = the request (PX_*), MR1..MR5 = the arguments (one
 * request, PX_ECHO_FULL, is a full IPC call and answer).  The
 * reply's MR0 is the result: >= 0, or a negated Linux errno value.  Pointer
 * arguments are addresses in the caller's space; mm0 reads and writes them
 * through the caller's own page protections (a read-only or unmapped
 * buffer is -EFAULT, and mm0 never writes into the shared zero page).
 * Requests mm0 does not know are -ENOSYS; malformed ones -EINVAL/-EFAULT/
 * -EBADF, and mm0 keeps serving.  mm0 never waits for a client: the reply
 * goes only to a caller waiting for it, so a request sent without a
 * receive (a plain send, not a call) loses its answer.
 */
#ifndef TESSERA_POSIX_H
#define TESSERA_POSIX_H

#include <stdint.h>

enum posix_request {
	PX_SYNC = 1,	/* () wait until mm0 is ready; returns 0 */
	PX_GETPID = 2,	/* () the pid: not a thread id (PX_PID_TID) */
	PX_GETPPID = 3, /* () */
	PX_EXIT = 4,	/* (status) does not reply */
	PX_WAIT = 5,	/* (pid or -1, int *status) -> pid; blocks */
	PX_FORK = 6,	/* () -> child pid, 0 in the child */
	PX_CLONE = 7,	/* (flags, child stack) -> tid; 0 in the new thread */
	PX_EXECVE = 8,	/* (path, argv, envp) */
	PX_BRK = 9,	/* (new end or 0) -> current end */
	PX_MMAP = 10, /* (addr, len, prot | flags << 32, fd, offset) -> addr */
	PX_MUNMAP = 11,	 /* (addr, len) */
	PX_MSYNC = 12,	 /* (addr, len, flags) */
	PX_SHMGET = 13,	 /* (key, size, flags) -> id */
	PX_SHMAT = 14,	 /* (id, addr, flags) -> addr */
	PX_SHMDT = 15,	 /* (addr) */
	PX_OPEN = 16,	 /* (path, flags, mode) -> fd */
	PX_CLOSE = 17,	 /* (fd) */
	PX_READ = 18,	 /* (fd, buf, count) -> bytes */
	PX_WRITE = 19,	 /* (fd, buf, count) -> bytes */
	PX_LSEEK = 20,	 /* (fd, offset, whence) -> offset */
	PX_STAT = 21,	 /* (path, struct px_stat *) */
	PX_FSTAT = 22,	 /* (fd, struct px_stat *) */
	PX_MKDIR = 23,	 /* (path, mode) */
	PX_CHDIR = 24,	 /* (path) */
	PX_GETCWD = 25,	 /* (buf, size) -> length */
	PX_READDIR = 26, /* (fd, struct px_dirent *buf, count) -> entries */
	PX_UNLINK = 27,	 /* (path) */
	PX_RMDIR = 28,	 /* (path) */
	PX_DUP = 29,	 /* (fd) -> new fd */
	PX_FSYNC = 30,	 /* (fd) */
	PX_KILL = 31,	 /* (pid, signal) only SIGKILL: ends the process;
			    EPERM unless docs/posix.md's rule allows it */
	PX_SETSID = 32,	 /* () -> new session id; EPERM if already a leader */
	PX_GETSID = 33,	 /* (pid or 0) -> its session id */
	PX_SHMCTL = 34, /* (id, cmd, struct px_shmid_ds *) IPC_RMID, IPC_STAT */
	PX_MPROTECT = 35, /* (addr, len, prot) new rights for the range */
	PX_REQUEST_CAPABILITY = 50, /* (target tid) grant an IPC cap to it */
	PX_STATS = 51,		    /* (struct px_stats *) mm0's counters */
	/* Sent as a full message (IPC_FULL: MR1..MR5 and UTCB words
	 * 6..63), answered with one: MR0 = 0 and every other word the one
	 * received, complemented.  Sent short: -EINVAL (a short answer). */
	PX_ECHO_FULL = 52,
	/* (pid or 0: the caller's) -> the thread id of that process's first
	 * thread, the one to name in IPC; ESRCH if no live process has the
	 * pid (or its first thread has ended: a Linux leader). */
	PX_PID_TID = 53,
	PX_REQUEST_MAX
};

/* mmap prot and flags (Linux values). */
#define PX_PROT_READ 1
#define PX_PROT_WRITE 2
#define PX_PROT_EXEC 4
#define PX_MAP_SHARED 0x01
#define PX_MAP_PRIVATE 0x02
#define PX_MAP_FIXED 0x10
#define PX_MAP_ANONYMOUS 0x20
#define PX_MAP_GROWSDOWN 0x100

/* clone flags (Linux values) that mm0 understands. */
#define PX_CLONE_VM 0x100
#define PX_CLONE_FS 0x200
#define PX_CLONE_FILES 0x400
#define PX_CLONE_THREAD 0x10000

/* open flags (Linux values). */
#define PX_O_RDONLY 0
#define PX_O_WRONLY 1
#define PX_O_RDWR 2
#define PX_O_ACCMODE 3
#define PX_O_CREAT 0100
#define PX_O_EXCL 0200
#define PX_O_TRUNC 01000
#define PX_O_APPEND 02000
#define PX_O_DIRECTORY 0200000

#define PX_SEEK_SET 0
#define PX_SEEK_CUR 1
#define PX_SEEK_END 2

#define PX_IPC_CREAT 01000
#define PX_IPC_EXCL 02000
#define PX_IPC_PRIVATE 0
#define PX_IPC_RMID 0 /* shmctl: remove the segment (when detached) */
#define PX_IPC_STAT 2 /* shmctl: describe it */

/* PX_SHMCTL IPC_STAT: a segment. */
struct px_shmid_ds {
	int64_t key;	 /* its key (PX_IPC_PRIVATE for a private one) */
	uint64_t size;	 /* bytes, a multiple of the page size */
	uint64_t nattch; /* attachments (areas mapping it) */
	uint32_t cpid;	 /* the process that made it */
	uint32_t lpid;	 /* the last to attach or detach it */
};

#define PX_PATH_MAX 256
#define PX_NAME_MAX 64
#define PX_ARG_MAX 8192 /* bytes of argv + envp strings for execve */

#define PX_S_IFMT 0170000
#define PX_S_IFDIR 0040000
#define PX_S_IFREG 0100000

struct px_stat {
	uint64_t st_ino;
	uint32_t st_mode; /* PX_S_IF* | permission bits */
	uint32_t st_nlink;
	uint64_t st_size;
	uint64_t st_blocks;
};

struct px_dirent {
	uint64_t d_ino;
	uint32_t d_type; /* a DT_* value: PX_DT_DIR, PX_DT_REG, ... */
	uint32_t d_namlen;
	char d_name[PX_NAME_MAX];
};
#define PX_DT_DIR 4
#define PX_DT_REG 8

/* PX_STATS: what mm0 counts (for tests and curiosity).  mm0 first gives
 * its caches back (docs/posix.md), so that untyped_remaining is the memory
 * any kind of request can still get. */
struct px_stats {
	uint64_t untyped_remaining; /* the kernel's remaining() of mm0's
				       untyped, plus that of every chunk
				       cut from it */
	uint64_t frames_total;	    /* frames now in frame chunks */
	uint64_t frames_free;	    /* of those, not in use */
	uint64_t page_copies;	    /* copy-on-write copies so far */
	uint64_t zero_page_maps;    /* mappings of the shared zero page */
	uint64_t faults;	    /* page faults served */
	uint64_t tasks;		    /* live processes and threads */
	uint64_t areas;		    /* the caller's memory areas (VMAs) */
};

/* Exit statuses mm0 gives a process it ends (like a shell's 128 + signal). */
#define PX_STATUS_SEGV 139 /* touched memory outside its areas */
#define PX_STATUS_ILL 132  /* undefined instruction */
#define PX_STATUS_FPE 136  /* divide error */
#define PX_STATUS_KILL 137 /* PX_KILL */

#endif
