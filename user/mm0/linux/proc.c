/*
 * Linux processes and threads: clone in its spellings (fork, vfork,
 * threads), execve, exit and exit_group, wait4 and waitid, the ids, TLS
 * (arch_prctl, set_tid_address), process groups and sessions; and the
 * hooks task.c calls at a process's start, fork, exec and end.
 *
 * Linux sees small pids and tids, which mm0 hands out (pid_alloc): a
 * process's pid is its first thread's tid, as on Linux.  A vfork child
 * shares its parent's address space (the same Space object: one more
 * reference on the struct mm) while the parent is parked, until the
 * child execs (it then gets a space of its own: task.c exec_new_space)
 * or ends.  CLONE_VM without CLONE_VFORK makes such a process too.
 *
 * Wait status words follow Linux: exit code << 8, or the signal number;
 * stopped 0x7f | sig << 8; continued 0xffff.  A child that ends goes to
 * its parent as a zombie (SIGCHLD, wait4 wakes) unless the parent ignores
 * SIGCHLD (SIG_IGN or SA_NOCLDWAIT): then it is reaped at once, as Linux
 * does.  Orphans go to init when init is a Linux program (task.c).
 */
#include <stdio.h>
#include <string.h>

#include "lx.h"

#define CLONE_UNSUPPORTED                                                      \
	(LX_CLONE_NEWNS | LX_CLONE_NEWCGROUP | LX_CLONE_NEWUTS |               \
	 LX_CLONE_NEWIPC | LX_CLONE_NEWUSER | LX_CLONE_NEWPID |                \
	 LX_CLONE_NEWNET | LX_CLONE_PIDFD | LX_CLONE_PTRACE |                  \
	 LX_CLONE_UNTRACED)

/* ------------------------------------------------------------ hooks */

/* The absolute path of `file` as process p names it, for
 * /proc/self/exe. */
static void exe_path_set(struct process *p, const char *file)
{
	if (fs_realpath(&p->fs, file, p->lx.exe_path, sizeof(p->lx.exe_path)) <
	    0)
		strlcpy(p->lx.exe_path, file, sizeof(p->lx.exe_path));
}

void lx_process_start(struct process *p, const char *path)
{
	p->lx.pgid = p->sid = p->pid;
	p->lx.umask = 022;
	p->lx.exit_signal = LX_SIGCHLD;
	exe_path_set(p, path);
	lx_tty_process_start(p);
}

void lx_process_fork(struct process *child, struct process *parent)
{
	child->lx.pgid = parent->lx.pgid;
	child->lx.umask = parent->lx.umask;
	child->lx.exit_signal = LX_SIGCHLD;
	memcpy(child->lx.exe_path, parent->lx.exe_path,
	       sizeof(child->lx.exe_path));
	lx_signals_fork(child, parent);
	if (!child->lx.pgid) /* a native parent started natively */
		child->lx.pgid = parent->pid;
}

/* A vfork parent waits no more: its child execs or ends. */
static void vfork_release(struct process *p)
{
	struct task *parent = p->lx.vfork_parent;
	p->lx.vfork_parent = NULL;
	if (parent && parent->lx.park == LX_PARK_VFORK &&
	    parent->lx.park_key == p) {
		lx_unpark(parent);
		lx_answer(parent, p->pid);
	}
}

void lx_process_exec(struct process *p, struct task *t, const char *file)
{
	fs_close_on_exec(&p->fs);
	lx_signals_exec(p);
	exe_path_set(p, file);
	t->lx.clear_tid = 0;
	t->lx.tid = p->pid;
	memset(&t->lx.altstack, 0, sizeof(t->lx.altstack));
	t->lx.altstack.ss_flags = LX_SS_DISABLE;
	if (!p->lx.pgid)
		p->lx.pgid = p->pid;
	if (!p->lx.exit_signal)
		p->lx.exit_signal = LX_SIGCHLD;
	vfork_release(p);
}

/* The end of a thread for Linux: a zero at its clear_child_tid word and a
 * futex wake there (pthread_join waits on it).  Only worth doing while
 * someone else can see the memory. */
static void clear_child_tid(struct task *t)
{
	uint32_t zero = 0;
	if (!t->lx.clear_tid || !t->proc->mm)
		return;
	if (mm_copy_out(t->proc->mm, t->lx.clear_tid, &zero, 4) == 0)
		lx_futex_wake(t, t->lx.clear_tid, 1, false);
	t->lx.clear_tid = 0;
}

void lx_process_ending(struct process *p)
{
	if (p->mm && p->mm->refs > 1)
		for (struct task *t = tasks; t; t = t->next)
			if (t->proc == p)
				clear_child_tid(t);
	vfork_release(p);
}

void lx_process_ended(struct process *p)
{
	if (p->lx.alarm)
		lx_timers_changed();
}

void lx_thread_gone(struct task *t)
{
	lx_unpark(t);
	lx_futex_forget(t);
	for (struct process *p = procs; p; p = p->next)
		if (p->lx.vfork_parent == t)
			p->lx.vfork_parent = NULL;
	if (lx_cur == t)
		lx_cur = NULL;
}

void lx_child_changed(struct process *parent, struct process *child)
{
	struct lx_sigsource src = {LX_CLD_EXITED, (int32_t)child->pid, 0, 0};
	int sig = child->lx.exit_signal;

	if (child->zombie) {
		if (child->status & 0x7f) {
			src.code = LX_CLD_KILLED;
			src.status = child->status & 0x7f;
		} else {
			src.status = (child->status >> 8) & 0xff;
		}
		if (sig == LX_SIGCHLD &&
		    (parent->lx.act[LX_SIGCHLD].handler == LX_SIG_IGN ||
		     (parent->lx.act[LX_SIGCHLD].flags & LX_SA_NOCLDWAIT))) {
			/* Nobody will wait for it: reaped now. */
			process_free(child);
			lx_wake(LX_PARK_WAIT, parent);
			return;
		}
	} else if (child->lx.stopped) {
		src.code = LX_CLD_STOPPED;
		src.status = child->lx.stop_sig;
		if (parent->lx.act[LX_SIGCHLD].flags & LX_SA_NOCLDSTOP)
			sig = 0;
	} else {
		src.code = LX_CLD_CONTINUED;
		src.status = LX_SIGCONT;
		if (parent->lx.act[LX_SIGCHLD].flags & LX_SA_NOCLDSTOP)
			sig = 0;
	}
	if (sig > 0 && sig <= LX_NSIG)
		lx_signal_process(parent, sig, &src);
	lx_wake(LX_PARK_WAIT, parent);
}

long lx_exec_lookup(struct process *p, const char *name, struct inode **out)
{
	if (!strcmp(name, "/proc/self/exe")) {
		if (!p->exe)
			return -ENOENT;
		*out = p->exe;
		return 0;
	}
	return fs_resolve(&p->fs, FS_AT_FDCWD, name, true, out);
}

/* ------------------------------------------------------------ clone */

/* The caller's registers as they are in its system call. */
static long regs_read(struct task *t, struct exregs *x)
{
	memset(x, 0, sizeof(*x));
	x->flags = EXREGS_READ;
	return tess_exchange_registers(x, t->tid) ? -EAGAIN : 0;
}

/* Write a tid into a process's memory (CLONE_*_SETTID); a bad address is
 * ignored, as Linux does. */
static void put_tid(struct mm *mm, uint64_t addr, uint32_t tid)
{
	if (addr)
		mm_copy_out(mm, addr, &tid, 4);
}

/*
 * clone(flags, stack, parent_tid, child_tid, tls).  The new thread or
 * process starts with the caller's registers, rax 0, rsp = stack if one
 * is given, and fs_base = tls with CLONE_SETTLS.
 */
long lx_sys_clone(struct task *t, struct lx_call *c)
{
	uint64_t flags = c->a[0], stack = c->a[1], ptid = c->a[2],
		 ctid = c->a[3], tls = c->a[4];
	int exit_signal = (int)(flags & LX_CSIGNAL);
	struct exregs x;
	struct task *n;
	long r;

	if (flags & CLONE_UNSUPPORTED)
		return -EINVAL;
	if ((flags & LX_CLONE_THREAD) && !(flags & LX_CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & LX_CLONE_SIGHAND) && !(flags & LX_CLONE_VM))
		return -EINVAL;
	if (!(flags & LX_CLONE_THREAD) &&
	    (flags & (LX_CLONE_FILES | LX_CLONE_FS | LX_CLONE_SIGHAND)))
		return -EINVAL; /* a process sharing descriptor tables: not here
				 */
	if (exit_signal > LX_NSIG || stack >= TASK_USER_END)
		return -EINVAL;
	if ((flags & LX_CLONE_SETTLS) && tls >= TASK_USER_END)
		return -EPERM;
	if ((r = regs_read(t, &x)))
		return r;
	x.rax = 0;
	if (stack)
		x.rsp = stack;
	x.fs_base = (flags & LX_CLONE_SETTLS) ? tls : t->lx.fs_base;
	x.gs_base = t->lx.gs_base;

	if (flags & LX_CLONE_THREAD) {
		if ((r = thread_new(t, &x, &n)))
			return r;
	} else {
		if ((r = process_fork(t, &x, flags & LX_CLONE_VM, &n)))
			return r;
		n->proc->lx.exit_signal = exit_signal;
	}
	n->lx.mask = t->lx.mask;
	n->lx.altstack = t->lx.altstack;
	if (flags & LX_CLONE_PARENT_SETTID)
		put_tid(t->proc->mm, ptid, n->lx.tid);
	if (flags & LX_CLONE_CHILD_SETTID)
		put_tid(n->proc->mm, ctid, n->lx.tid);
	if (flags & LX_CLONE_CHILD_CLEARTID)
		n->lx.clear_tid = ctid;
	thread_run(n);
	if ((flags & LX_CLONE_VFORK) && !(flags & LX_CLONE_THREAD)) {
		n->proc->lx.vfork_parent = t;
		return lx_park(t, LX_PARK_VFORK, n->proc);
	}
	return n->lx.tid;
}

long lx_sys_fork(struct task *t, struct lx_call *c)
{
	struct lx_call f = *c;
	f.a[0] = LX_SIGCHLD;
	f.a[1] = f.a[2] = f.a[3] = f.a[4] = 0;
	return lx_sys_clone(t, &f);
}

long lx_sys_vfork(struct task *t, struct lx_call *c)
{
	struct lx_call f = *c;
	f.a[0] = LX_CLONE_VM | LX_CLONE_VFORK | LX_SIGCHLD;
	f.a[1] = f.a[2] = f.a[3] = f.a[4] = 0;
	return lx_sys_clone(t, &f);
}

long lx_sys_execve(struct task *t, struct lx_call *c)
{
	return task_execve(t, c->a[0], c->a[1], c->a[2]);
}

/* ------------------------------------------------------------ exit */

long lx_sys_exit(struct task *t, struct lx_call *c)
{
	struct process *p = t->proc;
	int code = (int)(c->a[0] & 0xff);

	if (t->lx.tid == p->pid)
		p->lx.leader_status = LX_W_EXITCODE(code);
	clear_child_tid(t);
	if (p->nthreads == 1) {
		process_exit(p, t->lx.tid == p->pid ? LX_W_EXITCODE(code)
						    : p->lx.leader_status);
		return LX_NOREPLY;
	}
	thread_drop(t);
	return LX_NOREPLY;
}

long lx_sys_exit_group(struct task *t, struct lx_call *c)
{
	process_exit(t->proc, LX_W_EXITCODE((int)(c->a[0] & 0xff)));
	return LX_NOREPLY;
}

/* ------------------------------------------------------------ wait */

#define WAIT_OPTIONS                                                           \
	(LX_WNOHANG | LX_WUNTRACED | LX_WCONTINUED | LX_WNOTHREAD | LX_WALL |  \
	 LX_WCLONE)

/* Whether child c is one that `who` (wait4's pid argument) and the
 * __WALL/__WCLONE options select. */
static bool wait_selects(const struct process *me, const struct process *c,
			 long who, unsigned options)
{
	if (c->ppid != me->pid || c == me)
		return false;
	if (who > 0 && c->pid != (uint32_t)who)
		return false;
	if (who == 0 && c->lx.pgid != me->lx.pgid)
		return false;
	if (who < -1 && c->lx.pgid != (uint32_t)-who)
		return false;
	if (!(options & LX_WALL) &&
	    ((c->lx.exit_signal != LX_SIGCHLD) != !!(options & LX_WCLONE)))
		return false;
	return true;
}

/* A child whose state wait can report: its status word, and whether
 * reporting reaps it.  The report is consumed only if `consume`. */
static bool wait_report(struct process *c, unsigned options, int *status,
			bool *reap, bool consume)
{
	*reap = false;
	if (c->zombie && (options & LX_WEXITED)) {
		*status = c->status;
		*reap = true;
		return true;
	}
	if (c->lx.stopped && c->lx.report_stop && (options & LX_WUNTRACED)) {
		*status = LX_W_STOPPED(c->lx.stop_sig);
		if (consume)
			c->lx.report_stop = false;
		return true;
	}
	if (c->lx.report_cont && (options & LX_WCONTINUED)) {
		*status = LX_W_CONTINUED;
		if (consume)
			c->lx.report_cont = false;
		return true;
	}
	return false;
}

long lx_sys_wait4(struct task *t, struct lx_call *c)
{
	long who = (int32_t)c->a[0];
	uint64_t ustatus = c->a[1], urusage = c->a[3];
	unsigned options = (unsigned)c->a[2];
	struct process *me = t->proc;
	bool have = false;

	if (options & ~WAIT_OPTIONS)
		return -EINVAL;
	if (who == INT32_MIN)
		return -ESRCH;
	for (struct process *ch = procs; ch; ch = ch->next) {
		int status;
		bool reap;
		if (!wait_selects(me, ch, who, options))
			continue;
		have = true;
		if (!wait_report(ch, options | LX_WEXITED, &status, &reap,
				 true))
			continue;
		/* As Linux: the child is reaped (or its stop reported) even
		 * if the status cannot be written. */
		uint32_t pid = ch->pid;
		if (reap)
			process_free(ch);
		struct lx_rusage ru;
		memset(&ru, 0, sizeof(ru));
		if ((ustatus && mm_copy_out(me->mm, ustatus, &status, 4)) ||
		    (urusage && mm_copy_out(me->mm, urusage, &ru, sizeof(ru))))
			return -EFAULT;
		return pid;
	}
	if (!have)
		return -ECHILD;
	if (options & LX_WNOHANG)
		return 0;
	return lx_park(t, LX_PARK_WAIT, me);
}

/* waitid(idtype, id, infop, options, rusage): P_ALL 0, P_PID 1, P_PGID 2. */
long lx_sys_waitid(struct task *t, struct lx_call *c)
{
	unsigned idtype = (unsigned)c->a[0], options = (unsigned)c->a[3];
	uint32_t id = (uint32_t)c->a[1];
	uint64_t uinfo = c->a[2];
	struct process *me = t->proc;
	bool have = false;
	long who;

	if (options & ~(WAIT_OPTIONS | LX_WEXITED | LX_WSTOPPED | LX_WNOWAIT))
		return -EINVAL;
	if (!(options & (LX_WEXITED | LX_WSTOPPED | LX_WCONTINUED)))
		return -EINVAL;
	switch (idtype) {
	case 0:
		who = -1;
		break;
	case 1:
		if ((int32_t)id <= 0)
			return -EINVAL;
		who = id;
		break;
	case 2:
		if ((int32_t)id < 0)
			return -EINVAL;
		who = id ? -(long)id : 0;
		break;
	default:
		return -EINVAL;
	}
	for (struct process *ch = procs; ch; ch = ch->next) {
		int status;
		bool reap;
		if (!wait_selects(me, ch, who, options))
			continue;
		have = true;
		if (!wait_report(ch, options, &status, &reap, false))
			continue;
		struct lx_siginfo si;
		memset(&si, 0, sizeof(si));
		si.si_signo = LX_SIGCHLD;
		si.u.kill.pid = (int32_t)ch->pid;
		if (reap && (status & 0x7f)) {
			si.si_code = LX_CLD_KILLED;
			si.u.kill.status = status & 0x7f;
		} else if (reap) {
			si.si_code = LX_CLD_EXITED;
			si.u.kill.status = (status >> 8) & 0xff;
		} else if (status == LX_W_CONTINUED) {
			si.si_code = LX_CLD_CONTINUED;
			si.u.kill.status = LX_SIGCONT;
		} else {
			si.si_code = LX_CLD_STOPPED;
			si.u.kill.status = (status >> 8) & 0xff;
		}
		if (uinfo && mm_copy_out(me->mm, uinfo, &si, sizeof(si)))
			return -EFAULT;
		if (!(options & LX_WNOWAIT)) {
			wait_report(ch, options, &status, &reap, true);
			if (reap)
				process_free(ch);
		}
		return 0;
	}
	if (!have)
		return -ECHILD;
	if (options & LX_WNOHANG) {
		struct lx_siginfo si;
		memset(&si, 0, sizeof(si));
		if (uinfo && mm_copy_out(me->mm, uinfo, &si, sizeof(si)))
			return -EFAULT;
		return 0;
	}
	return lx_park(t, LX_PARK_WAIT, me);
}

/* ------------------------------------------------------------ ids */

long lx_sys_getpid(struct task *t, struct lx_call *c)
{
	return t->proc->pid;
}

long lx_sys_getppid(struct task *t, struct lx_call *c)
{
	struct process *pp = process_find(t->proc->ppid);
	return pp ? t->proc->ppid : 0;
}

long lx_sys_gettid(struct task *t, struct lx_call *c)
{
	return t->lx.tid;
}

long lx_sys_set_tid_address(struct task *t, struct lx_call *c)
{
	t->lx.clear_tid = c->a[0];
	return t->lx.tid;
}

/* The thread's FS and GS bases: mm0 keeps them, so changing one is a read
 * of the other registers and a write of all (exchange_registers writes
 * the general registers as a set). */
static long tls_set(struct task *t, uint64_t fs, uint64_t gs)
{
	struct exregs x;
	if (regs_read(t, &x))
		return -EAGAIN;
	x.fs_base = fs;
	x.gs_base = gs;
	x.valid = EXREGS_SET_REGS;
	x.flags = 0;
	if (tess_exchange_registers(&x, t->tid))
		return -EPERM;
	t->lx.fs_base = fs;
	t->lx.gs_base = gs;
	return 0;
}

long lx_sys_arch_prctl(struct task *t, struct lx_call *c)
{
	uint64_t addr = c->a[1];
	switch (c->a[0]) {
	case LX_ARCH_SET_FS:
		return addr >= TASK_USER_END ? -EPERM
					     : tls_set(t, addr, t->lx.gs_base);
	case LX_ARCH_SET_GS:
		return addr >= TASK_USER_END ? -EPERM
					     : tls_set(t, t->lx.fs_base, addr);
	case LX_ARCH_GET_FS:
		return mm_copy_out(t->proc->mm, addr, &t->lx.fs_base, 8)
			   ? -EFAULT
			   : 0;
	case LX_ARCH_GET_GS:
		return mm_copy_out(t->proc->mm, addr, &t->lx.gs_base, 8)
			   ? -EFAULT
			   : 0;
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------ groups */

static struct process *live_process(uint32_t pid)
{
	struct process *p = process_find(pid);
	return p && !p->zombie ? p : NULL;
}

long lx_sys_setpgid(struct task *t, struct lx_call *c)
{
	struct process *me = t->proc, *p;
	int32_t pid = (int32_t)c->a[0], pgid = (int32_t)c->a[1];

	if (pid < 0 || pgid < 0)
		return -EINVAL;
	p = pid ? process_find((uint32_t)pid) : me;
	if (!p || (p != me && p->ppid != me->pid))
		return -ESRCH;
	if (p->sid != me->sid)
		return -EPERM;
	if (p->sid == p->pid)
		return -EPERM; /* a session leader stays in its group */
	if (!pgid)
		pgid = (int32_t)p->pid;
	if ((uint32_t)pgid != p->pid) {
		bool exists = false;
		for (struct process *q = procs; q; q = q->next)
			exists |= !q->zombie && q->lx.pgid == (uint32_t)pgid &&
				  q->sid == me->sid;
		if (!exists)
			return -EPERM;
	}
	p->lx.pgid = (uint32_t)pgid;
	return 0;
}

long lx_sys_getpgid(struct task *t, struct lx_call *c)
{
	struct process *p = c->a[0] ? live_process((uint32_t)c->a[0]) : t->proc;
	return p ? (long)p->lx.pgid : -ESRCH;
}

long lx_sys_getpgrp(struct task *t, struct lx_call *c)
{
	return t->proc->lx.pgid;
}

long lx_sys_setsid(struct task *t, struct lx_call *c)
{
	struct process *me = t->proc;
	for (struct process *q = procs; q; q = q->next)
		if (q->lx.pgid == me->pid && q != me)
			return -EPERM;
	if (me->lx.pgid == me->pid)
		return -EPERM; /* a group leader */
	me->sid = me->lx.pgid = me->pid;
	return me->pid;
}

long lx_sys_getsid(struct task *t, struct lx_call *c)
{
	struct process *p = c->a[0] ? live_process((uint32_t)c->a[0]) : t->proc;
	return p ? (long)p->sid : -ESRCH;
}
