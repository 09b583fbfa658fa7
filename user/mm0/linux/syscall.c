/*
 * Linux system calls: the table by number, the arguments, answers and
 * parked threads, and the calls whose whole work is a line or two
 * (identities, uname, limits, and those answered by a fixed value).
 *
 * One fault message carries the number, rdi, rsi, rdx and rip; r10, r8,
 * r9 and rsp come in mm0's UTCB when the kernel sends the fault as a full
 * message, else mm0 reads them with exchange_registers (only for calls
 * that have them: the table says how many arguments each takes).
 *
 * A handler's answer goes back in the reply to the fault, after any
 * deliverable signal has been set up (signal.c).  A handler that cannot
 * finish parks its thread: the call is kept in the thread (struct
 * lx_call) and made again, by lx_redo, when lx_wake says that what it
 * waits for changed; wakeups run after the message that caused them, so a
 * handler never runs inside another.
 *
 * Unknown numbers are -ENOSYS, logged once per number.  The F and N rows
 * of the study (shared/reference/linux-abi.md) are answered here: fixed
 * values where the libcs need one (ids are root's, one CPU, limits),
 * -ENOSYS where both libcs have a fallback (rseq, mremap, ...).
 */
#include <stdio.h>
#include <string.h>

#include "lx.h"

struct lx_entry {
	lx_handler fn;
	uint8_t nargs; /* 4..6: read r10/r8/r9; 7: rsp too */
};

struct task *lx_cur;
static struct task *parked;

/* ------------------------------------------------------------ small calls */

static long zero(struct task *t, struct lx_call *c)
{
	return 0;
}

static long nosys(struct task *t, struct lx_call *c)
{
	return -ENOSYS;
}

static long sys_uname(struct task *t, struct lx_call *c)
{
	struct lx_utsname u;
	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, "Linux");
	strcpy(u.nodename, "tessera");
	strcpy(u.release, "6.1.0-tessera");
	strcpy(u.version, "#1 SMP Tessera mm0");
	strcpy(u.machine, "x86_64");
	strcpy(u.domainname, "(none)");
	return mm_copy_out(t->proc->mm, c->a[0], &u, sizeof(u)) ? -EFAULT : 0;
}

/* Every process runs as root. */
static long sys_ids(struct task *t, struct lx_call *c)
{
	return 0;
}

static long sys_getresid(struct task *t, struct lx_call *c)
{
	uint32_t z = 0;
	for (int i = 0; i < 3; i++)
		if (mm_copy_out(t->proc->mm, c->a[i], &z, 4))
			return -EFAULT;
	return 0;
}

static long sys_getgroups(struct task *t, struct lx_call *c)
{
	return (int)c->a[0] < 0 ? -EINVAL : 0;
}

/* The limits programs ask for: an 8 MiB stack, LX_FD_MAX descriptors,
 * the rest unlimited.  Setting one is accepted and changes nothing. */
static void rlimit_of(unsigned which, struct lx_rlimit *r)
{
	r->cur = r->max = LX_RLIM_INFINITY;
	if (which == LX_RLIMIT_STACK)
		r->cur = TASK_STACK_SIZE;
	if (which == LX_RLIMIT_NOFILE)
		r->cur = r->max = LX_FD_MAX;
}

static long sys_getrlimit(struct task *t, struct lx_call *c)
{
	struct lx_rlimit r;
	if (c->a[0] >= LX_RLIM_NLIMITS)
		return -EINVAL;
	rlimit_of((unsigned)c->a[0], &r);
	return mm_copy_out(t->proc->mm, c->a[1], &r, sizeof(r)) ? -EFAULT : 0;
}

static long sys_setrlimit(struct task *t, struct lx_call *c)
{
	struct lx_rlimit r;
	if (c->a[0] >= LX_RLIM_NLIMITS)
		return -EINVAL;
	if (mm_copy_in(t->proc->mm, &r, c->a[1], sizeof(r)))
		return -EFAULT;
	return r.cur > r.max ? -EINVAL : 0;
}

static long sys_prlimit64(struct task *t, struct lx_call *c)
{
	struct lx_rlimit r;
	if (c->a[0] && !process_find((uint32_t)c->a[0]))
		return -ESRCH;
	if (c->a[1] >= LX_RLIM_NLIMITS)
		return -EINVAL;
	if (c->a[2]) {
		if (mm_copy_in(t->proc->mm, &r, c->a[2], sizeof(r)))
			return -EFAULT;
		if (r.cur > r.max)
			return -EINVAL;
	}
	rlimit_of((unsigned)c->a[1], &r);
	if (c->a[3] && mm_copy_out(t->proc->mm, c->a[3], &r, sizeof(r)))
		return -EFAULT;
	return 0;
}

static long sys_sysinfo(struct task *t, struct lx_call *c)
{
	struct lx_sysinfo si;
	memset(&si, 0, sizeof(si));
	si.uptime = (int64_t)(lx_monotonic_ns() / 1000000000ull);
	si.totalram = mm0.untyped_size;
	si.freeram = (uint64_t)tess_remaining(PAGER_SLOT_UNTYPED) +
		     mm0.stats.frames_free * PAGE;
	si.mem_unit = 1;
	for (struct process *p = procs; p; p = p->next)
		si.procs++;
	return mm_copy_out(t->proc->mm, c->a[0], &si, sizeof(si)) ? -EFAULT : 0;
}

static long sys_getrusage(struct task *t, struct lx_call *c)
{
	struct lx_rusage ru;
	int who = (int)c->a[0];
	if (who != 0 && who != -1 && who != 1)
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	return mm_copy_out(t->proc->mm, c->a[1], &ru, sizeof(ru)) ? -EFAULT : 0;
}

/* prctl: the name (PR_SET_NAME 15, PR_GET_NAME 16) is kept nowhere;
 * the rest is -EINVAL, as for an unknown option. */
static long sys_prctl(struct task *t, struct lx_call *c)
{
	char name[16] = "";
	switch (c->a[0]) {
	case 15:
		return 0;
	case 16:
		return mm_copy_out(t->proc->mm, c->a[1], name, sizeof(name))
			   ? -EFAULT
			   : 0;
	default:
		return -EINVAL;
	}
}

/* One CPU: CPU 0 in every mask. */
static long sys_sched_getaffinity(struct task *t, struct lx_call *c)
{
	uint64_t mask = 1;
	if (c->a[1] < 8 || (c->a[1] & 7))
		return -EINVAL;
	if (mm_copy_out(t->proc->mm, c->a[2], &mask, 8))
		return -EFAULT;
	return 8;
}

static long sys_getcpu(struct task *t, struct lx_call *c)
{
	uint32_t z = 0;
	if ((c->a[0] && mm_copy_out(t->proc->mm, c->a[0], &z, 4)) ||
	    (c->a[1] && mm_copy_out(t->proc->mm, c->a[1], &z, 4)))
		return -EFAULT;
	return 0;
}

static long sys_set_robust_list(struct task *t, struct lx_call *c)
{
	return c->a[1] != 24 ? -EINVAL : 0;
}

/* ------------------------------------------------------------ the table */

#define E(name, n)                                                             \
	{                                                                      \
		lx_sys_##name, n                                               \
	}
static const struct lx_entry table[LX_NR_MAX] = {
    [LX_read] = E(read, 3),
    [LX_write] = E(write, 3),
    [LX_open] = E(open, 3),
    [LX_close] = E(close, 1),
    [LX_stat] = E(stat, 2),
    [LX_fstat] = E(fstat, 2),
    [LX_lstat] = E(lstat, 2),
    [LX_poll] = E(poll, 3),
    [LX_lseek] = E(lseek, 3),
    [LX_mmap] = E(mmap, 6),
    [LX_mprotect] = E(mprotect, 3),
    [LX_munmap] = E(munmap, 2),
    [LX_brk] = E(brk, 1),
    [LX_rt_sigaction] = E(rt_sigaction, 4),
    [LX_rt_sigprocmask] = E(rt_sigprocmask, 4),
    [LX_rt_sigreturn] = E(rt_sigreturn, 7),
    [LX_ioctl] = E(ioctl, 3),
    [LX_pread64] = E(pread64, 4),
    [LX_pwrite64] = E(pwrite64, 4),
    [LX_readv] = E(readv, 3),
    [LX_writev] = E(writev, 3),
    [LX_access] = E(access, 2),
    [LX_pipe] = E(pipe, 1),
    [LX_select] = E(select, 5),
    [LX_sched_yield] = {zero, 0},
    [LX_mremap] = {nosys, 0},
    [LX_msync] = E(msync, 3),
    [LX_madvise] = E(madvise, 3),
    [LX_dup] = E(dup, 1),
    [LX_dup2] = E(dup2, 2),
    [LX_pause] = E(pause, 0),
    [LX_nanosleep] = E(nanosleep, 2),
    [LX_getitimer] = E(getitimer, 2),
    [LX_alarm] = E(alarm, 1),
    [LX_setitimer] = E(setitimer, 3),
    [LX_getpid] = E(getpid, 0),
    [LX_sendfile] = E(sendfile, 4),
    [LX_socket] = {nosys, 0},
    [LX_clone] = E(clone, 5),
    [LX_fork] = E(fork, 0),
    [LX_vfork] = E(vfork, 0),
    [LX_execve] = E(execve, 3),
    [LX_exit] = E(exit, 1),
    [LX_wait4] = E(wait4, 4),
    [LX_kill] = E(kill, 2),
    [LX_uname] = {sys_uname, 1},
    [LX_fcntl] = E(fcntl, 3),
    [LX_flock] = {zero, 2},
    [LX_fsync] = E(fsync, 1),
    [LX_fdatasync] = E(fsync, 1),
    [LX_truncate] = E(truncate, 2),
    [LX_ftruncate] = E(ftruncate, 2),
    [LX_getcwd] = E(getcwd, 2),
    [LX_chdir] = E(chdir, 1),
    [LX_fchdir] = E(fchdir, 1),
    [LX_rename] = E(rename, 2),
    [LX_mkdir] = E(mkdir, 2),
    [LX_rmdir] = E(rmdir, 1),
    [LX_creat] = E(creat, 2),
    [LX_link] = E(link, 2),
    [LX_unlink] = E(unlink, 1),
    [LX_symlink] = E(symlink, 2),
    [LX_readlink] = E(readlink, 3),
    [LX_chmod] = E(chmod, 2),
    [LX_fchmod] = E(fchmod, 2),
    [LX_chown] = E(chown, 3),
    [LX_fchown] = E(fchown, 3),
    [LX_lchown] = E(lchown, 3),
    [LX_umask] = E(umask, 1),
    [LX_gettimeofday] = E(gettimeofday, 2),
    [LX_getrlimit] = {sys_getrlimit, 2},
    [LX_getrusage] = {sys_getrusage, 2},
    [LX_sysinfo] = {sys_sysinfo, 1},
    [LX_times] = E(times, 1),
    [LX_getuid] = {sys_ids, 0},
    [LX_getgid] = {sys_ids, 0},
    [LX_setuid] = {sys_ids, 1},
    [LX_setgid] = {sys_ids, 1},
    [LX_geteuid] = {sys_ids, 0},
    [LX_getegid] = {sys_ids, 0},
    [LX_setpgid] = E(setpgid, 2),
    [LX_getppid] = E(getppid, 0),
    [LX_getpgrp] = E(getpgrp, 0),
    [LX_setsid] = E(setsid, 0),
    [LX_setreuid] = {sys_ids, 2},
    [LX_setregid] = {sys_ids, 2},
    [LX_getgroups] = {sys_getgroups, 2},
    [LX_setgroups] = {sys_ids, 2},
    [LX_setresuid] = {sys_ids, 3},
    [LX_getresuid] = {sys_getresid, 3},
    [LX_setresgid] = {sys_ids, 3},
    [LX_getresgid] = {sys_getresid, 3},
    [LX_getpgid] = E(getpgid, 1),
    [LX_setfsuid] = {sys_ids, 1},
    [LX_setfsgid] = {sys_ids, 1},
    [LX_getsid] = E(getsid, 1),
    [LX_rt_sigpending] = E(rt_sigpending, 2),
    [LX_rt_sigsuspend] = E(rt_sigsuspend, 2),
    [LX_sigaltstack] = E(sigaltstack, 2),
    [LX_statfs] = E(statfs, 2),
    [LX_fstatfs] = E(fstatfs, 2),
    [LX_getpriority] = {zero, 2},
    [LX_setpriority] = {zero, 3},
    [LX_sched_getparam] = {zero, 2},
    [LX_sched_getscheduler] = {zero, 1},
    [LX_mlock] = {zero, 2},
    [LX_munlock] = {zero, 2},
    [LX_prctl] = {sys_prctl, 5},
    [LX_arch_prctl] = E(arch_prctl, 2),
    [LX_setrlimit] = {sys_setrlimit, 2},
    [LX_sync] = {zero, 0},
    [LX_gettid] = E(gettid, 0),
    [LX_tkill] = E(tkill, 2),
    [LX_time] = E(time, 1),
    [LX_futex] = E(futex, 6),
    [LX_sched_setaffinity] = {zero, 3},
    [LX_sched_getaffinity] = {sys_sched_getaffinity, 3},
    [LX_getdents64] = E(getdents64, 3),
    [LX_set_tid_address] = E(set_tid_address, 1),
    [LX_fadvise64] = {zero, 4},
    [LX_clock_gettime] = E(clock_gettime, 2),
    [LX_clock_getres] = E(clock_getres, 2),
    [LX_clock_nanosleep] = E(clock_nanosleep, 4),
    [LX_exit_group] = E(exit_group, 1),
    [LX_tgkill] = E(tgkill, 3),
    [LX_waitid] = E(waitid, 5),
    [LX_openat] = E(openat, 4),
    [LX_mkdirat] = E(mkdirat, 3),
    [LX_fchownat] = E(fchownat, 5),
    [LX_newfstatat] = E(newfstatat, 4),
    [LX_unlinkat] = E(unlinkat, 3),
    [LX_renameat] = E(renameat, 4),
    [LX_linkat] = E(linkat, 5),
    [LX_symlinkat] = E(symlinkat, 3),
    [LX_readlinkat] = E(readlinkat, 4),
    [LX_fchmodat] = E(fchmodat, 3),
    [LX_faccessat] = E(faccessat, 3),
    [LX_pselect6] = E(pselect6, 6),
    [LX_ppoll] = E(ppoll, 5),
    [LX_set_robust_list] = {sys_set_robust_list, 2},
    [LX_get_robust_list] = {nosys, 0},
    [LX_utimensat] = E(utimensat, 4),
    [LX_fallocate] = {nosys, 0},
    [LX_dup3] = E(dup3, 3),
    [LX_pipe2] = E(pipe2, 2),
    [LX_prlimit64] = {sys_prlimit64, 4},
    [LX_syncfs] = {zero, 1},
    [LX_getcpu] = {sys_getcpu, 3},
    [LX_renameat2] = E(renameat2, 5),
    [LX_getrandom] = E(getrandom, 3),
    [LX_membarrier] = {zero, 2},
    [LX_statx] = {nosys, 0},
    [LX_rseq] = {nosys, 0},
    [LX_clone3] = {nosys, 0},
    [LX_close_range] = E(close_range, 3),
    [LX_faccessat2] = E(faccessat2, 4),
};

/* Unknown numbers: -ENOSYS, and one log line the first time. */
static long unknown(struct task *t, uint64_t nr)
{
	static uint64_t logged[LX_NR_MAX / 64];
	if (nr < LX_NR_MAX) {
		if (logged[nr / 64] & (1ull << (nr % 64)))
			return -ENOSYS;
		logged[nr / 64] |= 1ull << (nr % 64);
	}
	mm0_log("process %u: Linux system call %lu is not emulated: ENOSYS",
		t->proc->pid, (unsigned long)nr);
	return -ENOSYS;
}

/* ------------------------------------------------------------ arguments */

/* r10, r8, r9 and rsp: from the full fault message, or read. */
static void args_rest(struct task *t, const struct tess_msg *m,
		      struct lx_call *c)
{
	if ((m->info & IPC_TYPE_MASK) == IPC_FULL) {
		const struct utcb *u = (const struct utcb *)PAGER_UTCB_ADDR;
		c->a[3] = u->mr[6];
		c->a[4] = u->mr[7];
		c->a[5] = u->mr[8];
		c->rsp = u->mr[9];
		return;
	}
	struct exregs x;
	memset(&x, 0, sizeof(x));
	x.flags = EXREGS_READ;
	if (tess_exchange_registers(&x, t->tid))
		return; /* cannot happen to our own thread: the arguments stay 0
			 */
	c->a[3] = x.r10;
	c->a[4] = x.r8;
	c->a[5] = x.r9;
	c->rsp = x.rsp;
}

long lx_path_in(struct task *t, uint64_t uaddr, char *buf)
{
	long r = mm_copy_string(t->proc->mm, buf, uaddr, PX_PATH_MAX);
	return r < 0 ? r : 0;
}

/* ------------------------------------------------------------ answers */

static void send_answer(struct task *t, long r)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = FAULT_RESUME;
	m.mr[1] = (uint64_t)r;
	tess_ipc(t->tid, TID_NIL, IPC_SHORT | IPC_NONBLOCK, &m, NULL);
	t->lx.answered = r != LX_REGS_SET;
	t->lx.answer = r;
}

/* What becomes of handler result r for thread t (the current one): true
 * and *answer if it is answered now. */
static bool finish(struct task *t, long r, long *answer)
{
	if (lx_cur != t || r == LX_PARKED || r == LX_NOREPLY)
		return false;
	r = lx_signal_before_answer(t, r);
	if (r == LX_NOREPLY || r == LX_PARKED)
		return false;
	*answer = r;
	return true;
}

static long call(struct task *t, struct lx_call *c)
{
	const struct lx_entry *e = c->nr < LX_NR_MAX ? &table[c->nr] : NULL;
	if (!e || !e->fn)
		return unknown(t, c->nr);
	return e->fn(t, c);
}

bool lx_syscall(struct task *t, struct tess_msg *m)
{
	struct lx_call *c = &t->lx.call;
	long r;

	memset(c, 0, sizeof(*c));
	c->nr = m->mr[1];
	c->a[0] = m->mr[2];
	c->a[1] = m->mr[3];
	c->a[2] = m->mr[4];
	c->rip = m->mr[5];
	t->lx.done = 0;
	t->lx.deadline = 0;
	t->lx.redoing = false;
	t->lx.answered = false;
	if (c->nr < LX_NR_MAX && table[c->nr].nargs > 3)
		args_rest(t, m, c);
	lx_cur = t;
	r = call(t, c);
	bool answer = finish(t, r, &r);
	lx_cur = NULL;
	if (!answer)
		return false;
	m->mr[0] = FAULT_RESUME;
	m->mr[1] = (uint64_t)r;
	t->lx.answered = r != LX_REGS_SET;
	t->lx.answer = r;
	return true;
}

void lx_answer(struct task *t, long result)
{
	struct task *saved = lx_cur;
	lx_cur = t;
	long r = lx_signal_before_answer(t, result);
	bool gone = lx_cur != t;
	lx_cur = saved;
	if (gone || r == LX_NOREPLY || r == LX_PARKED)
		return;
	send_answer(t, r);
}

/* ------------------------------------------------------------ parking */

long lx_park(struct task *t, enum lx_park why, const void *key)
{
	if (t->lx.park == LX_PARK_NONE) {
		t->lx.park_next = parked;
		parked = t;
	}
	t->lx.park = why;
	t->lx.park_key = key;
	if (t->lx.deadline)
		lx_timers_changed();
	return LX_PARKED;
}

void lx_unpark(struct task *t)
{
	if (t->lx.park == LX_PARK_NONE)
		return;
	for (struct task **pp = &parked; *pp; pp = &(*pp)->lx.park_next)
		if (*pp == t) {
			*pp = t->lx.park_next;
			break;
		}
	t->lx.park = LX_PARK_NONE;
	t->lx.park_key = NULL;
	t->lx.park_next = NULL;
	if (t->lx.deadline)
		lx_timers_changed();
}

bool lx_redo(struct task *t)
{
	struct task *saved = lx_cur;
	long r;
	lx_unpark(t);
	lx_cur = t;
	t->lx.redoing = true;
	r = call(t, &t->lx.call);
	if (lx_cur == t)
		t->lx.redoing = false;
	bool answer = finish(t, r, &r);
	bool alive = lx_cur == t;
	lx_cur = saved;
	if (answer)
		send_answer(t, r);
	return alive && t->lx.park != LX_PARK_NONE;
}

#define WAKE_MAX 32
static struct {
	enum lx_park why;
	const void *key;
} wakes[WAKE_MAX];
static unsigned nwakes;
static bool wake_all_io;

void lx_wake(enum lx_park why, const void *key)
{
	for (unsigned i = 0; i < nwakes; i++)
		if (wakes[i].why == why && wakes[i].key == key)
			return;
	if (nwakes == WAKE_MAX) {
		wake_all_io = true; /* too many at once: everyone looks again */
		return;
	}
	wakes[nwakes].why = why;
	wakes[nwakes].key = key;
	nwakes++;
}

/* Whether parked thread t is among the woken. */
static bool woken(const struct task *t, unsigned n)
{
	if (wake_all_io &&
	    (t->lx.park == LX_PARK_IO || t->lx.park == LX_PARK_WAIT))
		return true;
	for (unsigned i = 0; i < n; i++) {
		if (wakes[i].why != t->lx.park)
			continue;
		/* A poll (key NULL) wakes for any change of its kind. */
		if (wakes[i].key == t->lx.park_key || !t->lx.park_key ||
		    !wakes[i].key)
			return true;
	}
	return false;
}

void lx_run_wakeups(void)
{
	/* Each round makes the woken calls again; they may wake others,
	 * for the next round.  A call parks again if it still cannot
	 * finish, so this ends when nothing more changes. */
	for (int round = 0; (nwakes || wake_all_io) && round < 64; round++) {
		unsigned n = nwakes;
		bool all = wake_all_io;
		struct task *batch[64];
		unsigned nb = 0;
		for (struct task *t = parked; t && nb < 64; t = t->lx.park_next)
			if (woken(t, n))
				batch[nb++] = t;
		memmove(wakes, wakes + n, (nwakes - n) * sizeof(wakes[0]));
		nwakes -= n;
		if (all)
			wake_all_io = false;
		for (unsigned i = 0; i < nb; i++) {
			/* An earlier redo may have ended this thread. */
			bool still = false;
			for (struct task *p = parked; p; p = p->lx.park_next)
				still |= p == batch[i];
			if (still)
				lx_redo(batch[i]);
		}
	}
}

/* ------------------------------------------------------------ ids */

struct task *lx_task_by_tid(uint32_t tid)
{
	for (struct task *t = tasks; t; t = t->next)
		if (t->lx.tid == tid && t->proc->is_linux)
			return t;
	return NULL;
}
