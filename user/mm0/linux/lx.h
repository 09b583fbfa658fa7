/*
 * The Linux personality of mm0: what its files share.
 *
 * A Linux program's `syscall` has a number the kernel does not know, so it
 * reaches mm0 as an IPC_TAG_SYSCALL fault (syscall.c).  mm0 decodes the
 * call, does it with Linux semantics and Linux errno values, and answers
 * the fault with the result, which the thread finds in rax.  A call that
 * must wait parks the thread (no answer yet) until what it waits for
 * changes; mm0 itself never blocks.  One file per family:
 *
 *   syscall.c  the table by number, arguments, answers, parking, and the
 *              calls that are a line each (ids, uname, limits, stubs)
 *   proc.c     clone/fork/vfork, execve, exit, wait4, process groups
 *   signal.c   actions, masks, delivery and frames, kill, CPU exceptions
 *   futex.c    futex wait queues
 *   file.c     descriptors, files, pipes, directories, ioctl, poll
 *   mem.c      brk, mmap, munmap, mprotect
 *   time.c     clocks, time, getrandom
 *
 * Handlers are `long lx_sys_NAME(struct task *t, struct lx_call *c)`: they
 * decode (every argument may be hostile: a bad pointer is -EFAULT, never a
 * crash of mm0), then act, and return the answer: >= 0, a negated errno
 * value, or one of the LX_* values below.
 */
#ifndef MM0_LINUX_LX_H
#define MM0_LINUX_LX_H

#include <errno.h>
#include "../mm0.h"
#include "abi.h"

/* Handler results that are not answers (no errno is this large). */
#define LX_PARKED (-0x10000001l) /* the thread waits: answered later */
#define LX_NOREPLY NO_REPLY	 /* the thread is gone or runs a new program */
#define LX_REGS_SET (-0x10000003l) /* registers rewritten (rt_sigreturn) */
/* A parked call ended by a signal: made again if the handler has
 * SA_RESTART, else -EINTR (Linux's -ERESTARTSYS). */
#define LX_ERESTARTSYS (-0x10000004l)

/* Bytes of argv and envp strings (and their pointers) a Linux execve
 * takes: beyond is E2BIG. */
#define LX_ARG_MAX (256u << 10)
#define LX_FD_MAX 1024

typedef long (*lx_handler)(struct task *t, struct lx_call *c);

/* ------------------------------------------------------------ syscall.c */

/* A Linux process's syscall fault: true if `m` now holds the answer. */
bool lx_syscall(struct task *t, struct tess_msg *m);
/* The thread whose call mm0 is handling (NULL if none, or if it ended
 * while being handled: then nobody may answer it). */
extern struct task *lx_cur;
/* Park t in its current call (returns LX_PARKED for the handler). */
long lx_park(struct task *t, enum lx_park why, const void *key);
/* Take a parked thread off the list (it is answered or interrupted). */
void lx_unpark(struct task *t);
/* Answer a parked (or otherwise unanswered) thread: deliver what signals
 * it has, then resume it with `result` in rax. */
void lx_answer(struct task *t, long result);
/* Something threads parked on `key` wait for has changed: their calls are
 * made again after the current message (NULL key: every LX_PARK_IO). */
void lx_wake(enum lx_park why, const void *key);
/* Run the calls woken since the last time (main loop, after each message:
 * lx_wakeups_due says, inline, whether there are any). */
void lx_run_wakeups(void);
extern unsigned lx_nwakes;
extern bool lx_wake_all_io;
static inline bool lx_wakeups_due(void)
{
	return lx_nwakes || lx_wake_all_io;
}
/* Make the call of parked thread t again now: true if it is still
 * parked after (t is not to be touched otherwise). */
bool lx_redo(struct task *t);
struct task *lx_task_by_tid(uint32_t tid);
/* Read one NUL-terminated path from process memory. */
long lx_path_in(struct task *t, uint64_t uaddr, char *buf);

/* ------------------------------------------------------------ proc.c */

void lx_thread_gone(struct task *t);
void lx_process_start(struct process *p, const char *path);
void lx_process_fork(struct process *child, struct process *parent);
void lx_process_exec(struct process *p, struct task *t, const char *file);
void lx_process_ending(struct process *p);
void lx_process_ended(struct process *p);
/* Child changed (ended, stopped or continued): SIGCHLD, wake wait4. */
void lx_child_changed(struct process *parent, struct process *child);
/* The file execve runs for `name`: /proc/self/exe is the caller's. */
long lx_exec_lookup(struct process *p, const char *name, struct inode **out);

long lx_sys_clone(struct task *t, struct lx_call *c);
long lx_sys_fork(struct task *t, struct lx_call *c);
long lx_sys_vfork(struct task *t, struct lx_call *c);
long lx_sys_execve(struct task *t, struct lx_call *c);
long lx_sys_exit(struct task *t, struct lx_call *c);
long lx_sys_exit_group(struct task *t, struct lx_call *c);
long lx_sys_wait4(struct task *t, struct lx_call *c);
long lx_sys_waitid(struct task *t, struct lx_call *c);
long lx_sys_getpid(struct task *t, struct lx_call *c);
long lx_sys_getppid(struct task *t, struct lx_call *c);
long lx_sys_gettid(struct task *t, struct lx_call *c);
long lx_sys_set_tid_address(struct task *t, struct lx_call *c);
long lx_sys_arch_prctl(struct task *t, struct lx_call *c);
long lx_sys_setpgid(struct task *t, struct lx_call *c);
long lx_sys_getpgid(struct task *t, struct lx_call *c);
long lx_sys_getpgrp(struct task *t, struct lx_call *c);
long lx_sys_setsid(struct task *t, struct lx_call *c);
long lx_sys_getsid(struct task *t, struct lx_call *c);

/* ------------------------------------------------------------ signal.c */

/* Send `sig` to process p (tid 0) or to one thread; `src` says who. */
void lx_signal_process(struct process *p, int sig,
		       const struct lx_sigsource *src);
void lx_signal_thread(struct task *t, int sig, const struct lx_sigsource *src);
/* Before answering t: if a signal is deliverable, write its frame and
 * point t at the handler (or act on its default).  `result` is the
 * call's answer (or the restart decision is made from it).  Returns what
 * to send back: the result, LX_REGS_SET if registers were rewritten, or
 * LX_NOREPLY if t is gone. */
long lx_signal_before_answer(struct task *t, long result);
/* A page fault or CPU exception of a Linux thread (its fault message):
 * served (the page mapped), or made a signal (SIGSEGV, SIGBUS past the
 * end of a mapped file, SIGFPE, ...) that its handler takes or that ends
 * the process.  True if t is to be answered (FAULT_RESUME). */
bool lx_fault(struct task *t, const struct tess_msg *m);
/* A parked thread a signal may end: true if it should be interrupted. */
bool lx_signal_interrupts(struct task *t);
/* Whether the process ignores or has no use for `sig` (for SIGCHLD). */
bool lx_signal_ignored(struct process *p, int sig);
void lx_signals_exec(struct process *p);
void lx_signals_fork(struct process *child, struct process *parent);

long lx_sys_rt_sigaction(struct task *t, struct lx_call *c);
long lx_sys_rt_sigprocmask(struct task *t, struct lx_call *c);
long lx_sys_rt_sigreturn(struct task *t, struct lx_call *c);
long lx_sys_rt_sigsuspend(struct task *t, struct lx_call *c);
long lx_sys_rt_sigpending(struct task *t, struct lx_call *c);
long lx_sys_sigaltstack(struct task *t, struct lx_call *c);
long lx_sys_kill(struct task *t, struct lx_call *c);
long lx_sys_tkill(struct task *t, struct lx_call *c);
long lx_sys_tgkill(struct task *t, struct lx_call *c);
long lx_sys_pause(struct task *t, struct lx_call *c);

/* ------------------------------------------------------------ futex.c */

long lx_sys_futex(struct task *t, struct lx_call *c);
/* FUTEX_WAKE of up to n waiters on the word at uaddr in t's memory. */
long lx_futex_wake(struct task *t, uint64_t uaddr, int n, bool private_);
/* A parked futex waiter ended another way (signal, exit). */
void lx_futex_forget(struct task *t);

/* ------------------------------------------------------------ file.c */

long lx_sys_read(struct task *t, struct lx_call *c);
long lx_sys_write(struct task *t, struct lx_call *c);
long lx_sys_readv(struct task *t, struct lx_call *c);
long lx_sys_writev(struct task *t, struct lx_call *c);
long lx_sys_pread64(struct task *t, struct lx_call *c);
long lx_sys_pwrite64(struct task *t, struct lx_call *c);
long lx_sys_open(struct task *t, struct lx_call *c);
long lx_sys_openat(struct task *t, struct lx_call *c);
long lx_sys_creat(struct task *t, struct lx_call *c);
long lx_sys_close(struct task *t, struct lx_call *c);
long lx_sys_close_range(struct task *t, struct lx_call *c);
long lx_sys_lseek(struct task *t, struct lx_call *c);
long lx_sys_stat(struct task *t, struct lx_call *c);
long lx_sys_lstat(struct task *t, struct lx_call *c);
long lx_sys_fstat(struct task *t, struct lx_call *c);
long lx_sys_newfstatat(struct task *t, struct lx_call *c);
long lx_sys_statx(struct task *t, struct lx_call *c);
long lx_sys_getdents64(struct task *t, struct lx_call *c);
long lx_sys_dup(struct task *t, struct lx_call *c);
long lx_sys_dup2(struct task *t, struct lx_call *c);
long lx_sys_dup3(struct task *t, struct lx_call *c);
long lx_sys_fcntl(struct task *t, struct lx_call *c);
long lx_sys_pipe(struct task *t, struct lx_call *c);
long lx_sys_pipe2(struct task *t, struct lx_call *c);
long lx_sys_ioctl(struct task *t, struct lx_call *c);
long lx_sys_poll(struct task *t, struct lx_call *c);
long lx_sys_ppoll(struct task *t, struct lx_call *c);
long lx_sys_select(struct task *t, struct lx_call *c);
long lx_sys_pselect6(struct task *t, struct lx_call *c);
long lx_sys_access(struct task *t, struct lx_call *c);
long lx_sys_faccessat(struct task *t, struct lx_call *c);
long lx_sys_faccessat2(struct task *t, struct lx_call *c);
long lx_sys_mkdir(struct task *t, struct lx_call *c);
long lx_sys_mkdirat(struct task *t, struct lx_call *c);
long lx_sys_rmdir(struct task *t, struct lx_call *c);
long lx_sys_unlink(struct task *t, struct lx_call *c);
long lx_sys_unlinkat(struct task *t, struct lx_call *c);
long lx_sys_rename(struct task *t, struct lx_call *c);
long lx_sys_renameat(struct task *t, struct lx_call *c);
long lx_sys_renameat2(struct task *t, struct lx_call *c);
long lx_sys_link(struct task *t, struct lx_call *c);
long lx_sys_linkat(struct task *t, struct lx_call *c);
long lx_sys_symlink(struct task *t, struct lx_call *c);
long lx_sys_symlinkat(struct task *t, struct lx_call *c);
long lx_sys_readlink(struct task *t, struct lx_call *c);
long lx_sys_readlinkat(struct task *t, struct lx_call *c);
long lx_sys_chdir(struct task *t, struct lx_call *c);
long lx_sys_fchdir(struct task *t, struct lx_call *c);
long lx_sys_getcwd(struct task *t, struct lx_call *c);
long lx_sys_chmod(struct task *t, struct lx_call *c);
long lx_sys_fchmod(struct task *t, struct lx_call *c);
long lx_sys_fchmodat(struct task *t, struct lx_call *c);
long lx_sys_chown(struct task *t, struct lx_call *c);
long lx_sys_lchown(struct task *t, struct lx_call *c);
long lx_sys_fchown(struct task *t, struct lx_call *c);
long lx_sys_fchownat(struct task *t, struct lx_call *c);
long lx_sys_utimensat(struct task *t, struct lx_call *c);
long lx_sys_truncate(struct task *t, struct lx_call *c);
long lx_sys_ftruncate(struct task *t, struct lx_call *c);
long lx_sys_fsync(struct task *t, struct lx_call *c);
long lx_sys_umask(struct task *t, struct lx_call *c);
long lx_sys_statfs(struct task *t, struct lx_call *c);
long lx_sys_fstatfs(struct task *t, struct lx_call *c);
long lx_sys_sendfile(struct task *t, struct lx_call *c);

/* ------------------------------------------------------------ tty.c */

/* Start the terminal's input thread if mm0 has console input (main.c,
 * before the first process). */
void lx_tty_start(void);
/* Whether the terminal has input (else it reads as end of file). */
bool lx_tty_live(void);
/* A message from the input thread: true if m was one (it is answered). */
bool lx_tty_message(struct tess_msg *m);
/* The first process of a session-less terminal makes it its own. */
void lx_tty_process_start(struct process *p);
long lx_tty_readv(struct task *t, int fd, const struct lx_iovec *v, unsigned n);
/* Before a write: 0, or SIGTTOU's answer (TOSTOP, background). */
long lx_tty_write_check(struct task *t);
long lx_tty_write(const char *s, size_t n);
long lx_tty_ioctl(struct task *t, unsigned long req, uint64_t arg);
/* FS_POLLIN/FS_POLLOUT of `want` that the terminal has now. */
int lx_tty_poll(struct task *t, int want);

/* ------------------------------------------------------------ mem.c */

long lx_sys_brk(struct task *t, struct lx_call *c);
long lx_sys_mmap(struct task *t, struct lx_call *c);
long lx_sys_munmap(struct task *t, struct lx_call *c);
long lx_sys_mprotect(struct task *t, struct lx_call *c);
long lx_sys_mremap(struct task *t, struct lx_call *c);
long lx_sys_msync(struct task *t, struct lx_call *c);
long lx_sys_madvise(struct task *t, struct lx_call *c);

/* ------------------------------------------------------------ time.c */

/* Nanoseconds since boot, and since the epoch; the kernel's monotonic
 * clock in microseconds, the unit of deadlines. */
uint64_t lx_monotonic_ns(void);
uint64_t lx_realtime_ns(void);
uint64_t lx_now_us(void);
/* The earliest deadline of a timed wait or an alarm (DEADLINE_NEVER if
 * none), and what happens when deadlines pass: alarms signal, timed
 * waits are made again (they see their deadline has passed). */
uint64_t lx_timer_next(void);
void lx_timers_run(void);
/* A deadline may have changed: lx_timer_next looks again. */
void lx_timers_changed(void);
/* lx_timer_next without a call when nothing changed (every message). */
extern bool lx_timers_dirty;
extern uint64_t lx_timers_next;
static inline uint64_t lx_timer_next_fast(void)
{
	return lx_timers_dirty ? lx_timer_next() : lx_timers_next;
}
/* A parked nanosleep ended by a signal: -EINTR, the rest written back. */
long lx_sleep_interrupted(struct task *t);
/* A relative or absolute timeout in process memory as a deadline (us):
 * 0 for a NULL pointer, or -EFAULT/-EINVAL.  `clock` for absolute ones. */
long lx_timeout_in(struct task *t, uint64_t uts, bool absolute, int clock,
		   uint64_t *deadline);
long lx_sys_clock_gettime(struct task *t, struct lx_call *c);
long lx_sys_clock_getres(struct task *t, struct lx_call *c);
long lx_sys_gettimeofday(struct task *t, struct lx_call *c);
long lx_sys_time(struct task *t, struct lx_call *c);
long lx_sys_times(struct task *t, struct lx_call *c);
long lx_sys_nanosleep(struct task *t, struct lx_call *c);
long lx_sys_clock_nanosleep(struct task *t, struct lx_call *c);
long lx_sys_alarm(struct task *t, struct lx_call *c);
long lx_sys_getitimer(struct task *t, struct lx_call *c);
long lx_sys_setitimer(struct task *t, struct lx_call *c);
long lx_sys_getrandom(struct task *t, struct lx_call *c);

#endif
