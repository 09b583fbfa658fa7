/*
 * POSIX: processes, files and memory (libposix; each call is an IPC to
 * mm0, see tessera/posix.h).  Failures return -1 (sbrk: (void *)-1) and
 * set errno.
 */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* The environment main received as envp. */
extern char **environ;

ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
int close(int fd);
off_t lseek(int fd, off_t offset, int whence);
int dup(int fd);
int fsync(int fd);
int unlink(const char *path);
int rmdir(const char *path);
int chdir(const char *path);
char *getcwd(char *buf, size_t size);

pid_t fork(void);
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);
void _exit(int status) __attribute__((noreturn));
pid_t getpid(void);
pid_t getppid(void);
pid_t setsid(void);
pid_t getsid(pid_t pid); /* 0: the caller */

int brk(void *end);
void *sbrk(intptr_t increment);

/* Tessera: the POSIX container's pager and its own requests. */
struct px_stats;
struct utcb;
uint32_t posix_pager(void);    /* mm0's thread id */
struct utcb *posix_utcb(void); /* the first thread's UTCB */
long posix_sync(void);	       /* PX_SYNC: wait until mm0 is ready */
/* PX_REQUEST_CAPABILITY: ask mm0 for an IPC capability to thread `tid`;
 * returns 0 or a negated errno value (and sets errno). */
long posix_request_cap(uint32_t tid);
/* Pids are not thread ids (a pid is the process's number in its
 * container, init 1): IPC names a thread by its thread id.  The calling
 * thread's (tess_getid): */
uint32_t posix_self_tid(void);
/* PX_PID_TID: the thread id of process `pid`'s first thread (0: the
 * caller's process); -1 with errno ESRCH if no live process has it. */
long posix_pid_tid(pid_t pid);
long posix_stats(struct px_stats *st); /* PX_STATS: 0 or -1 */

#endif
