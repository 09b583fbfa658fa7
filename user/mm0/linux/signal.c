/*
 * Linux signals: actions, masks, pending sets, delivery, the signal frame
 * and rt_sigreturn, kill/tkill/tgkill, stop and continue, and CPU
 * exceptions turned into signals.
 *
 * State.  Actions are per process (struct lx_process), masks per thread;
 * a signal is pending for the process (kill) or for one thread (tgkill,
 * SIGPIPE, exceptions).  Standard signals do not queue: one pending bit
 * each, with the source of the last one (for siginfo).
 *
 * Delivery happens at four points, always to a thread that does not block
 * the signal:
 *   - a thread whose call mm0 is answering (lx_signal_before_answer, from
 *     syscall.c): the frame is built before the answer, with rax the
 *     call's result, or the call restarted (SA_RESTART) or -EINTR;
 *   - a parked thread (waiting in read, wait4, futex, rt_sigsuspend...):
 *     its call is ended with the Linux "restart or EINTR" result, then as
 *     above;
 *   - a thread running user code: suspended, its registers read, the
 *     frame written, resumed at the handler.  A thread found blocked in a
 *     fault to mm0 is left alone: mm0 will handle that fault soon and
 *     deliver then (lx_signal_after_fault);
 *   - a CPU exception or bad access: the signal is forced (a blocked or
 *     ignored one kills, as Linux does).
 * Default actions: terminate (the wait status is the signal number),
 * ignore, stop (every thread suspended; parked ones answered only after
 * SIGCONT), continue.
 *
 * The frame is Linux's rt_sigframe (abi.h) below the 128-byte red zone or
 * on the alternate stack, with the FPU/SSE state (exchange_registers'
 * FXSAVE image) above it, where sigcontext.fpstate points; the handler
 * returns through sa_restorer, which makes rt_sigreturn: registers, mask
 * and FPU state come back from the frame.
 */
#include <string.h>

#include "lx.h"

#define SIG_UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))
#define SIG_SYNCHRONOUS                                                        \
	(LX_SIGBIT(LX_SIGSEGV) | LX_SIGBIT(LX_SIGBUS) | LX_SIGBIT(LX_SIGILL) | \
	 LX_SIGBIT(LX_SIGTRAP) | LX_SIGBIT(LX_SIGFPE) | LX_SIGBIT(LX_SIGSYS))
#define SIG_STOPS                                                              \
	(LX_SIGBIT(LX_SIGSTOP) | LX_SIGBIT(LX_SIGTSTP) |                       \
	 LX_SIGBIT(LX_SIGTTIN) | LX_SIGBIT(LX_SIGTTOU))
#define RED_ZONE 128
#define USER_CS 0x33 /* what Linux reports; the kernel sets its own */
#define USER_SS 0x2b

enum dfl { DFL_TERM, DFL_IGN, DFL_STOP, DFL_CONT };

static enum dfl default_action(int sig)
{
	switch (sig) {
	case LX_SIGCHLD:
	case LX_SIGURG:
	case LX_SIGWINCH:
		return DFL_IGN;
	case LX_SIGCONT:
		return DFL_CONT;
	case LX_SIGSTOP:
	case LX_SIGTSTP:
	case LX_SIGTTIN:
	case LX_SIGTTOU:
		return DFL_STOP;
	default:
		return DFL_TERM;
	}
}

bool lx_signal_ignored(struct process *p, int sig)
{
	uint64_t h = p->lx.act[sig].handler;
	/* SIGCONT's default action, continuing, is taken as it is sent:
	 * after that it is ignored, as Linux's (sig_kernel_ignore), so it
	 * ends no call in progress. */
	return h == LX_SIG_IGN ||
	       (h == LX_SIG_DFL && (default_action(sig) == DFL_IGN ||
				    default_action(sig) == DFL_CONT));
}

static bool has_handler(struct process *p, int sig)
{
	return p->lx.act[sig].handler > LX_SIG_IGN;
}

void lx_signals_fork(struct process *child, struct process *parent)
{
	memcpy(child->lx.act, parent->lx.act, sizeof(child->lx.act));
}

void lx_signals_exec(struct process *p)
{
	for (int sig = 1; sig <= LX_NSIG; sig++) {
		struct lx_sigaction *a = &p->lx.act[sig];
		if (a->handler != LX_SIG_IGN)
			a->handler = LX_SIG_DFL;
		a->flags = a->restorer = a->mask = 0;
	}
}

/* ------------------------------------------------------------ registers */

static long regs_read(struct task *t, struct exregs *x)
{
	memset(x, 0, sizeof(*x));
	x->flags = EXREGS_READ;
	return tess_exchange_registers(x, t->tid);
}

/* Write t's registers from x (and its FPU/SSE state from the FXSAVE
 * image `fpu`, unless NULL). */
static long regs_write(struct task *t, struct exregs *x, const void *fpu)
{
	x->valid = EXREGS_SET_REGS | EXREGS_SET_SP | EXREGS_SET_PC;
	x->flags = 0;
	x->fs_base = t->lx.fs_base;
	x->gs_base = t->lx.gs_base;
	if (fpu) {
		x->valid |= EXREGS_SET_FPU;
		x->fpu = (uint64_t)fpu;
	}
	return tess_exchange_registers(x, t->tid);
}

/* t's FPU/SSE state as an FXSAVE image. */
static long fpu_read(struct task *t, void *image)
{
	struct exregs x;
	memset(&x, 0, sizeof(x));
	x.flags = EXREGS_READ_FPU;
	x.fpu = (uint64_t)image;
	return tess_exchange_registers(&x, t->tid);
}

static void thread_action(struct task *t, uint32_t action)
{
	struct task_ids ids = {t->tid, 0, 0, 0};
	tess_thread_control(action, &ids, NULL);
}

/* ------------------------------------------------------------ choosing */

/* The signal t should take next: synchronous ones first, then the lowest
 * number; 0 if none.  `take` clears it and fills *src. */
static int next_signal(struct task *t, bool take, struct lx_sigsource *src)
{
	struct process *p = t->proc;
	uint64_t ready = (t->lx.pending | p->lx.pending) & ~t->lx.mask;
	if (!ready)
		return 0;
	uint64_t pick =
	    ready & SIG_SYNCHRONOUS ? ready & SIG_SYNCHRONOUS : ready;
	int sig = __builtin_ctzll(pick) + 1;
	if (take) {
		uint64_t bit = LX_SIGBIT(sig);
		if (t->lx.pending & bit) {
			t->lx.pending &= ~bit;
			*src = t->lx.src[sig];
		} else {
			p->lx.pending &= ~bit;
			*src = p->lx.src[sig];
		}
	}
	return sig;
}

bool lx_signal_interrupts(struct task *t)
{
	if (t->lx.park == LX_PARK_VFORK || t->lx.park == LX_PARK_STOPPED ||
	    t->lx.park == LX_PARK_NONE)
		return false;
	return next_signal(t, false, NULL) != 0;
}

/* Drop `sig` from every pending set of p. */
static void discard(struct process *p, int sig)
{
	uint64_t bit = LX_SIGBIT(sig);
	p->lx.pending &= ~bit;
	for (struct task *t = tasks; t; t = t->next)
		if (t->proc == p)
			t->lx.pending &= ~bit;
}

/* ------------------------------------------------------------ stop, continue
 */

static void process_stop(struct process *p, int sig)
{
	if (p->lx.stopped)
		return;
	p->lx.stopped = true;
	p->lx.stop_sig = sig;
	p->lx.report_stop = true;
	p->lx.report_cont = false;
	for (struct task *t = tasks; t; t = t->next)
		if (t->proc == p && t != lx_cur && t->lx.park == LX_PARK_NONE)
			thread_action(t, THREAD_SUSPEND);
	struct process *parent = process_find(p->ppid);
	if (parent && !parent->zombie && parent->is_linux)
		lx_child_changed(parent, p);
}

static void process_continue(struct process *p)
{
	discard(p, LX_SIGSTOP);
	discard(p, LX_SIGTSTP);
	discard(p, LX_SIGTTIN);
	discard(p, LX_SIGTTOU);
	if (!p->lx.stopped)
		return;
	p->lx.stopped = false;
	p->lx.report_stop = false;
	p->lx.report_cont = true;
	for (struct task *t = tasks; t; t = t->next)
		if (t->proc == p && t != lx_cur && t->lx.park == LX_PARK_NONE)
			thread_action(t, THREAD_RUN);
	/* Held answers, one at a time from the start: answering one may end
	 * the process. */
	uint32_t pid = p->pid;
	for (;;) {
		struct task *t = tasks;
		while (t && !(t->proc == p && t->lx.park == LX_PARK_STOPPED))
			t = t->next;
		if (!t)
			break;
		lx_unpark(t);
		lx_answer(t, t->lx.park_result);
		if (process_find(pid) != p || p->zombie)
			return;
	}
	struct process *parent = process_find(p->ppid);
	if (parent && !parent->zombie && parent->is_linux)
		lx_child_changed(parent, p);
}

/* ------------------------------------------------------------ frames */

/* Write the frame for `sig` on t's stack, for the context in x, and point
 * x at the handler.  0, or -EFAULT if the frame cannot be written. */
static long frame_push(struct task *t, int sig, const struct lx_sigaction *act,
		       struct exregs *x, const struct lx_sigsource *src,
		       uint64_t oldmask, uint64_t trapno, uint64_t err)
{
	struct lx_rt_sigframe f;
	const struct lx_stack *ss = &t->lx.altstack;
	uint64_t sp = x->rsp;
	bool on_alt = !(ss->ss_flags & LX_SS_DISABLE) && ss->ss_size &&
		      sp > ss->ss_sp && sp <= ss->ss_sp + ss->ss_size;

	if (!(act->flags & LX_SA_RESTORER))
		return -EFAULT; /* no way back: Linux makes it a SIGSEGV */
	if ((act->flags & LX_SA_ONSTACK) && !(ss->ss_flags & LX_SS_DISABLE) &&
	    ss->ss_size && !on_alt)
		sp = ss->ss_sp + ss->ss_size;
	else
		sp -= RED_ZONE;
	sp = (sp - LX_FXSAVE_SIZE) & ~63ull;
	uint64_t fpstate = sp;
	sp -= sizeof(f);
	sp = ((sp + 8) & ~15ull) - 8; /* as after a call: (rsp + 8) % 16 == 0 */

	memset(&f, 0, sizeof(f));
	f.pretcode = act->restorer;
	f.uc.uc_flags = LX_UC_SIGCONTEXT_SS | LX_UC_STRICT_RESTORE_SS;
	f.uc.uc_stack = *ss;
	if (on_alt)
		f.uc.uc_stack.ss_flags |= LX_SS_ONSTACK;
	struct lx_sigcontext *m = &f.uc.uc_mcontext;
	m->r8 = x->r8;
	m->r9 = x->r9;
	m->r10 = x->r10;
	m->r11 = x->r11;
	m->r12 = x->r12;
	m->r13 = x->r13;
	m->r14 = x->r14;
	m->r15 = x->r15;
	m->rdi = x->rdi;
	m->rsi = x->rsi;
	m->rbp = x->rbp;
	m->rbx = x->rbx;
	m->rdx = x->rdx;
	m->rax = x->rax;
	m->rcx = x->rcx;
	m->rsp = x->rsp;
	m->rip = x->rip;
	m->eflags = x->rflags;
	m->cs = USER_CS;
	m->ss = USER_SS;
	m->trapno = trapno;
	m->err = err;
	m->oldmask = oldmask;
	m->cr2 = trapno == 14 ? src->addr : 0;
	m->fpstate = fpstate;
	f.uc.uc_sigmask = oldmask;
	f.info.si_signo = sig;
	f.info.si_code = src->code;
	if (sig == LX_SIGSEGV || sig == LX_SIGBUS || sig == LX_SIGILL ||
	    sig == LX_SIGFPE || sig == LX_SIGTRAP) {
		f.info.u.addr = src->addr;
	} else {
		f.info.u.kill.pid = src->pid;
		f.info.u.kill.status = src->status;
	}
	uint8_t fpu[LX_FXSAVE_SIZE] __attribute__((aligned(16)));
	if (fpu_read(t, fpu) ||
	    mm_copy_out(t->proc->mm, fpstate, fpu, sizeof(fpu)) ||
	    mm_copy_out(t->proc->mm, sp, &f, sizeof(f)))
		return -EFAULT;

	x->rip = act->handler;
	x->rsp = sp;
	x->rdi = (uint64_t)sig;
	x->rsi = sp + offsetof(struct lx_rt_sigframe, info);
	x->rdx = sp + offsetof(struct lx_rt_sigframe, uc);
	x->rax = 0;
	x->rflags &= ~(0x400ull | 0x100ull); /* DF and TF clear, as Linux */
	return 0;
}

/*
 * Deliver one pending signal to t, whose registers are x (the context the
 * handler interrupts).  Returns 1 if a handler frame was set up (x
 * written to the thread), 0 if there was nothing to run, -1 if the
 * process ended or stopped (t must not be touched or answered).
 */
static int deliver_one(struct task *t, struct exregs *x, uint64_t trapno,
		       uint64_t err)
{
	struct process *p = t->proc;
	struct lx_sigsource src;
	int sig;

	while ((sig = next_signal(t, true, &src))) {
		struct lx_sigaction act = p->lx.act[sig];
		if (act.handler == LX_SIG_IGN)
			continue;
		if (act.handler == LX_SIG_DFL) {
			switch (default_action(sig)) {
			case DFL_IGN:
			case DFL_CONT:
				continue;
			case DFL_STOP:
				process_stop(p, sig);
				return -1;
			case DFL_TERM:
				process_exit(p, LX_W_SIGNALED(sig));
				return -1;
			}
		}
		uint64_t oldmask =
		    t->lx.mask_saved ? t->lx.saved_mask : t->lx.mask;
		if (frame_push(t, sig, &act, x, &src, oldmask, trapno, err)) {
			mm0_log("process %u: cannot write the frame for signal "
				"%d at %lx: killed",
				p->pid, sig, (unsigned long)x->rsp);
			process_exit(p, LX_W_SIGNALED(LX_SIGSEGV));
			return -1;
		}
		t->lx.mask_saved = false;
		t->lx.mask |= act.mask;
		if (!(act.flags & LX_SA_NODEFER))
			t->lx.mask |= LX_SIGBIT(sig);
		t->lx.mask &= ~SIG_UNBLOCKABLE;
		if (act.flags & LX_SA_RESETHAND) {
			p->lx.act[sig].handler = LX_SIG_DFL;
			p->lx.act[sig].flags &= ~LX_SA_SIGINFO;
		}
		regs_write(t, x, NULL);
		return 1;
	}
	return 0;
}

long lx_signal_before_answer(struct task *t, long result)
{
	struct process *p = t->proc;
	struct exregs x;

	if (p->lx.stopped) {
		/* Its answer waits for SIGCONT. */
		t->lx.park_result = result;
		return lx_park(t, LX_PARK_STOPPED, p);
	}
	if (!next_signal(t, false, NULL)) {
		if (result == LX_ERESTARTSYS)
			goto restart;
		if (t->lx.mask_saved) {
			t->lx.mask = t->lx.saved_mask;
			t->lx.mask_saved = false;
		}
		return result;
	}
	if (regs_read(t, &x))
		return result;
	if (result != LX_REGS_SET) {
		/* In a system call: the handler returns to its result, or
		 * to the call made again. */
		if (result == LX_ERESTARTSYS) {
			struct lx_sigsource peek;
			int sig = next_signal(t, false, &peek);
			if (p->lx.act[sig].flags & LX_SA_RESTART) {
				x.rip = t->lx.call.rip - 2;
				x.rax = t->lx.call.nr;
			} else {
				x.rax = (uint64_t)-EINTR;
			}
		} else {
			x.rax = (uint64_t)result;
			x.rip = t->lx.call.rip;
		}
	}
	int r = deliver_one(t, &x, 0, 0);
	if (r < 0) {
		if (lx_cur != t)
			return LX_NOREPLY;  /* the process ended: t is gone */
		t->lx.park_result = result; /* it stopped */
		return lx_park(t, LX_PARK_STOPPED, p);
	}
	if (r > 0)
		return LX_REGS_SET;
	if (result == LX_REGS_SET)
		return result;
	if (result == LX_ERESTARTSYS)
		goto restart;
	return result;
restart:
	/* Nothing ran: the call is simply made again. */
	if (regs_read(t, &x))
		return -EINTR;
	x.rip = t->lx.call.rip - 2;
	x.rax = t->lx.call.nr;
	regs_write(t, &x, NULL);
	return LX_REGS_SET;
}

/* Deliver to a thread running user code: stop it, read where it is, and
 * build the frame there.  A thread found blocked is in a fault to mm0:
 * it gets the signal when mm0 has handled that fault. */
static void deliver_async(struct task *t)
{
	for (int tries = 0; tries < 4; tries++) {
		struct exregs a, b;
		if (regs_read(t, &a) || a.state != THREAD_STATE_RUNNABLE)
			return;
		thread_action(t, THREAD_SUSPEND);
		regs_read(t, &b);
		if (b.rip == a.rip && b.rsp == a.rsp) {
			/* It did not move between the two reads: the
			 * registers are where it stopped.  Answered by mm0
			 * and not yet back in user mode, it has the call's
			 * number in rax, not the answer (the kernel writes
			 * that when the thread runs, and not at all once the
			 * frame moves its rip): the frame saves the answer. */
			if (t->lx.answered && b.rip == t->lx.call.rip)
				b.rax = (uint64_t)t->lx.answer;
			if (deliver_one(t, &b, 0, 0) >= 0)
				thread_action(t, THREAD_RUN);
			return;
		}
		/* It ran (and may have entered a fault, which stopping
		 * withdrew): let it go on, and look again. */
		thread_action(t, THREAD_RUN);
	}
}

/* A thread of p that can take `sig` now, best first: the current one,
 * then a parked one, then any. */
static struct task *pick_thread(struct process *p, int sig)
{
	struct task *parked = NULL, *running = NULL;
	uint64_t bit = LX_SIGBIT(sig);
	for (struct task *t = tasks; t; t = t->next) {
		if (t->proc != p || (t->lx.mask & bit))
			continue;
		if (t == lx_cur)
			return t;
		if (t->lx.park != LX_PARK_NONE) {
			if (!parked && lx_signal_interrupts(t))
				parked = t;
		} else if (!running) {
			running = t;
		}
	}
	return parked ? parked : running;
}

/* Ending a parked call for a signal: what it answers. */
static long interrupted_result(struct task *t)
{
	if (t->lx.park == LX_PARK_SIGNAL)
		return -EINTR;
	if (t->lx.park == LX_PARK_SLEEP)
		return lx_sleep_interrupted(t);
	if (t->lx.done)
		return (long)t->lx.done; /* a write that had begun */
	return LX_ERESTARTSYS;
}

/* Act on a signal just made pending for p (or for thread `only`). */
static void signal_kick(struct process *p, int sig, struct task *only)
{
	struct task *t = only ? only : pick_thread(p, sig);
	if (!t || (t->lx.mask & LX_SIGBIT(sig)) || t == lx_cur || p->lx.stopped)
		return;
	if (t->lx.park != LX_PARK_NONE) {
		if (!lx_signal_interrupts(t))
			return;
		/* A call that can finish now does (wait4 for a child that just
		 * ended, as its SIGCHLD comes): the signal follows its answer.
		 */
		if ((t->lx.park == LX_PARK_IO || t->lx.park == LX_PARK_WAIT) &&
		    !lx_redo(t))
			return;
		long r = interrupted_result(t);
		t->lx.done = 0;
		lx_futex_forget(t);
		lx_unpark(t);
		lx_answer(t, r);
		return;
	}
	deliver_async(t);
}

/* Common to both kinds of sending: the special signals, ignoring, and
 * the actions taken at once. */
static bool signal_prepare(struct process *p, int sig)
{
	if (p->zombie)
		return false;
	if (!p->is_linux) {
		/* A native program: only the default actions that end it. */
		if (default_action(sig) == DFL_TERM)
			process_exit(p, LX_W_SIGNALED(sig));
		return false;
	}
	/* Linux's init takes only the signals it has a handler for (not
	 * even SIGKILL from a process). */
	if (p->pid == init_pid && p->lx.act[sig].handler == LX_SIG_DFL)
		return false;
	if (sig == LX_SIGKILL) {
		process_exit(p, LX_W_SIGNALED(LX_SIGKILL));
		return false;
	}
	if (sig == LX_SIGCONT)
		process_continue(p);
	if (LX_SIGBIT(sig) & SIG_STOPS)
		discard(p, LX_SIGCONT);
	if (sig == LX_SIGSTOP) {
		process_stop(p, sig);
		return false;
	}
	/* Ignored and not blocked by the first thread: dropped now. */
	struct task *first = lx_task_by_tid(p->pid);
	if (lx_signal_ignored(p, sig) &&
	    !(first && (first->lx.mask & LX_SIGBIT(sig))))
		return false;
	return true;
}

void lx_signal_process(struct process *p, int sig,
		       const struct lx_sigsource *src)
{
	if (!signal_prepare(p, sig))
		return;
	/* Standard signals do not queue: a second one while the first is
	 * pending is dropped, and siginfo describes the first (Linux). */
	if (p->lx.pending & LX_SIGBIT(sig))
		return;
	p->lx.pending |= LX_SIGBIT(sig);
	p->lx.src[sig] = *src;
	signal_kick(p, sig, NULL);
}

void lx_signal_thread(struct task *t, int sig, const struct lx_sigsource *src)
{
	if (!signal_prepare(t->proc, sig))
		return;
	if (t->lx.pending & LX_SIGBIT(sig))
		return;
	t->lx.pending |= LX_SIGBIT(sig);
	t->lx.src[sig] = *src;
	signal_kick(t->proc, sig, t);
}

/* ------------------------------------------------------------ exceptions */

/* Whether `addr` lies in a page of a file mapping wholly past the end of
 * the file: Linux's SIGBUS (the last partial page reads zeros past it). */
static bool past_eof(struct mm *mm, uint64_t addr)
{
	struct vma *v = vma_find(mm, addr);
	struct inode *ino = NULL;
	uint64_t off = 0;
	if (v && v->kind == VMA_FILE) {
		ino = v->ino;
		off = v->offset + (PAGE_DOWN(addr) - v->start);
	} else if (v && v->kind == VMA_SHARED) {
		ino = vmo_inode(v->obj);
		off = v->obj_offset + (PAGE_DOWN(addr) - v->start);
	}
	return ino && off >= PAGE_UP(fs_inode_size(ino));
}

/* The signal for a fault message: number, si_code, address. */
static int fault_signal(struct task *t, const struct tess_msg *m,
			struct lx_sigsource *src, uint64_t *trapno,
			uint64_t *err)
{
	memset(src, 0, sizeof(*src));
	if (m->mr[0] == IPC_TAG_PAGEFAULT && past_eof(t->proc->mm, m->mr[1])) {
		src->code = LX_BUS_ADRERR;
		src->addr = m->mr[1];
		*trapno = 14;
		*err = 4 | ((m->mr[2] & FAULT_WRITE) ? 2 : 0);
		return LX_SIGBUS;
	}
	if (m->mr[0] == IPC_TAG_PAGEFAULT) {
		struct vma *v = vma_find(t->proc->mm, m->mr[1]);
		src->code = v ? LX_SEGV_ACCERR : LX_SEGV_MAPERR;
		src->addr = m->mr[1];
		*trapno = 14;
		*err = 4 | ((m->mr[2] & FAULT_PROTECTION) ? 1 : 0) |
		       ((m->mr[2] & FAULT_WRITE) ? 2 : 0) |
		       ((m->mr[2] & FAULT_EXEC) ? 16 : 0);
		return LX_SIGSEGV;
	}
	*trapno = m->mr[1];
	*err = m->mr[2];
	src->addr = m->mr[3];
	switch (m->mr[1]) {
	case 0:
		src->code = LX_FPE_INTDIV;
		return LX_SIGFPE;
	case 1:
		src->code = LX_TRAP_TRACE;
		return LX_SIGTRAP;
	case 3:
		src->code = LX_SI_KERNEL;
		src->addr = 0;
		return LX_SIGTRAP;
	case 6:
		src->code = LX_ILL_ILLOPN;
		return LX_SIGILL;
	case 16:
	case 19:
		src->code = LX_FPE_FLTINV;
		return LX_SIGFPE;
	case 17:
		src->code = LX_BUS_ADRALN;
		return LX_SIGBUS;
	default: /* #GP and the rest */
		src->code = LX_SI_KERNEL;
		src->addr = 0;
		return LX_SIGSEGV;
	}
}

static bool signal_fault(struct task *t, const struct tess_msg *m)
{
	struct process *p = t->proc;
	struct lx_sigsource src;
	uint64_t trapno, err;
	struct exregs x;
	int sig = fault_signal(t, m, &src, &trapno, &err);
	uint64_t bit = LX_SIGBIT(sig);

	if (!has_handler(p, sig) || (t->lx.mask & bit) || regs_read(t, &x)) {
		mm0_log("process %u (thread %u): signal %d at rip %lx (address "
			"%lx): killed",
			p->pid, t->lx.tid, sig, (unsigned long)m->mr[3],
			(unsigned long)src.addr);
		process_exit(p, LX_W_SIGNALED(sig));
		return false;
	}
	/* Forced: this one first, whatever else is pending. */
	uint64_t others = t->lx.pending & ~bit;
	t->lx.pending = bit;
	uint64_t proc_pending = p->lx.pending;
	p->lx.pending = 0;
	t->lx.src[sig] = src;
	int r = deliver_one(t, &x, trapno, err);
	if (r < 0)
		return false;
	t->lx.pending |= others;
	p->lx.pending |= proc_pending;
	return true;
}

/* After mm0 served a page fault of t: deliver a pending signal there.
 * False if t must not be answered (its process ended or stopped). */
static bool after_fault(struct task *t)
{
	struct exregs x;
	if (!next_signal(t, false, NULL) || t->proc->lx.stopped)
		return true;
	if (regs_read(t, &x))
		return true;
	struct task *saved = lx_cur;
	lx_cur = t;
	int r = deliver_one(t, &x, 0, 0);
	bool alive = lx_cur == t;
	lx_cur = saved;
	if (r >= 0)
		return true;
	/* Stopped: withdraw its fault (it retries the instruction when
	 * SIGCONT runs it again). */
	if (alive)
		thread_action(t, THREAD_SUSPEND);
	return false;
}

bool lx_fault(struct task *t, const struct tess_msg *m)
{
	t->lx.answered = false;
	if (m->mr[0] == IPC_TAG_PAGEFAULT && !past_eof(t->proc->mm, m->mr[1])) {
		long r;
		/* No memory to serve it: mm0's rule ends the largest
		 * process (task_oom), perhaps this one. */
		while ((r = mm_fault(t->proc->mm, m->mr[1],
				     (uint32_t)m->mr[2])) == -ENOMEM)
			if (!task_oom(t))
				return false;
		if (r == 0)
			return after_fault(t);
	}
	return signal_fault(t, m);
}

/* ------------------------------------------------------------ calls */

long lx_sys_rt_sigaction(struct task *t, struct lx_call *c)
{
	int sig = (int)c->a[0];
	struct process *p = t->proc;
	struct lx_sigaction act, old;

	if (c->a[3] != 8)
		return -EINVAL;
	if (sig < 1 || sig > LX_NSIG)
		return -EINVAL;
	if (c->a[1] && (sig == LX_SIGKILL || sig == LX_SIGSTOP))
		return -EINVAL;
	if (c->a[1] && mm_copy_in(p->mm, &act, c->a[1], sizeof(act)))
		return -EFAULT;
	old = p->lx.act[sig];
	if (c->a[2] && mm_copy_out(p->mm, c->a[2], &old, sizeof(old)))
		return -EFAULT;
	if (c->a[1]) {
		act.mask &= ~SIG_UNBLOCKABLE;
		p->lx.act[sig] = act;
		if (lx_signal_ignored(p, sig))
			discard(p, sig);
	}
	return 0;
}

long lx_sys_rt_sigprocmask(struct task *t, struct lx_call *c)
{
	uint64_t set, old = t->lx.mask;

	if (c->a[3] != 8)
		return -EINVAL;
	if (c->a[1]) {
		if (c->a[0] > LX_SIG_SETMASK)
			return -EINVAL;
		if (mm_copy_in(t->proc->mm, &set, c->a[1], 8))
			return -EFAULT;
	}
	if (c->a[2] && mm_copy_out(t->proc->mm, c->a[2], &old, 8))
		return -EFAULT;
	if (c->a[1]) {
		if (c->a[0] == LX_SIG_BLOCK)
			t->lx.mask |= set;
		else if (c->a[0] == LX_SIG_UNBLOCK)
			t->lx.mask &= ~set;
		else
			t->lx.mask = set;
		t->lx.mask &= ~SIG_UNBLOCKABLE;
	}
	return 0;
}

long lx_sys_rt_sigpending(struct task *t, struct lx_call *c)
{
	uint64_t set = (t->lx.pending | t->proc->lx.pending) & t->lx.mask;
	if (c->a[1] != 8)
		return -EINVAL;
	return mm_copy_out(t->proc->mm, c->a[0], &set, 8) ? -EFAULT : 0;
}

long lx_sys_rt_sigsuspend(struct task *t, struct lx_call *c)
{
	uint64_t set;
	if (c->a[1] != 8)
		return -EINVAL;
	if (mm_copy_in(t->proc->mm, &set, c->a[0], 8))
		return -EFAULT;
	t->lx.saved_mask = t->lx.mask;
	t->lx.mask_saved = true;
	t->lx.mask = set & ~SIG_UNBLOCKABLE;
	if (next_signal(t, false, NULL))
		return -EINTR;
	return lx_park(t, LX_PARK_SIGNAL, NULL);
}

long lx_sys_pause(struct task *t, struct lx_call *c)
{
	if (next_signal(t, false, NULL))
		return -EINTR;
	return lx_park(t, LX_PARK_SIGNAL, NULL);
}

long lx_sys_sigaltstack(struct task *t, struct lx_call *c)
{
	struct lx_stack ss, old = t->lx.altstack;
	if (!old.ss_size)
		old.ss_flags = LX_SS_DISABLE;
	if (c->a[0] && mm_copy_in(t->proc->mm, &ss, c->a[0], sizeof(ss)))
		return -EFAULT;
	if (c->a[1] && mm_copy_out(t->proc->mm, c->a[1], &old, sizeof(old)))
		return -EFAULT;
	if (!c->a[0])
		return 0;
	if (ss.ss_flags & ~(LX_SS_DISABLE | (int32_t)0x80000000))
		return -EINVAL;
	if (!(ss.ss_flags & LX_SS_DISABLE) && ss.ss_size < LX_MINSIGSTKSZ)
		return -ENOMEM;
	if (ss.ss_flags & LX_SS_DISABLE)
		memset(&ss, 0, sizeof(ss)), ss.ss_flags = LX_SS_DISABLE;
	t->lx.altstack = ss;
	return 0;
}

long lx_sys_rt_sigreturn(struct task *t, struct lx_call *c)
{
	struct lx_ucontext uc;
	struct exregs x;

	if (!c->rsp || mm_copy_in(t->proc->mm, &uc, c->rsp, sizeof(uc))) {
		mm0_log(
		    "process %u: rt_sigreturn with a bad frame at %lx: killed",
		    t->proc->pid, (unsigned long)c->rsp);
		process_exit(t->proc, LX_W_SIGNALED(LX_SIGSEGV));
		return LX_NOREPLY;
	}
	const struct lx_sigcontext *m = &uc.uc_mcontext;
	memset(&x, 0, sizeof(x));
	x.r8 = m->r8;
	x.r9 = m->r9;
	x.r10 = m->r10;
	x.r11 = m->r11;
	x.r12 = m->r12;
	x.r13 = m->r13;
	x.r14 = m->r14;
	x.r15 = m->r15;
	x.rdi = m->rdi;
	x.rsi = m->rsi;
	x.rbp = m->rbp;
	x.rbx = m->rbx;
	x.rdx = m->rdx;
	x.rax = m->rax;
	x.rcx = m->rcx;
	x.rsp = m->rsp;
	x.rip = m->rip;
	x.rflags = m->eflags;
	/* The FPU/SSE state comes back from the frame's image; a frame
	 * without one gets the initial state, as Linux gives. */
	uint8_t fpu[LX_FXSAVE_SIZE] __attribute__((aligned(16)));
	memset(fpu, 0, sizeof(fpu));
	if (m->fpstate) {
		if (mm_copy_in(t->proc->mm, fpu, m->fpstate, sizeof(fpu))) {
			mm0_log("process %u: rt_sigreturn with a bad FPU image "
				"at %lx: killed",
				t->proc->pid, (unsigned long)m->fpstate);
			process_exit(t->proc, LX_W_SIGNALED(LX_SIGSEGV));
			return LX_NOREPLY;
		}
	} else {
		uint16_t fcw = 0x37f;
		uint32_t mxcsr = 0x1f80;
		memcpy(fpu, &fcw, 2);
		memcpy(fpu + 24, &mxcsr, 4);
	}
	if (x.rip >= TASK_USER_END || regs_write(t, &x, fpu)) {
		mm0_log("process %u: rt_sigreturn to %lx: killed", t->proc->pid,
			(unsigned long)x.rip);
		process_exit(t->proc, LX_W_SIGNALED(LX_SIGSEGV));
		return LX_NOREPLY;
	}
	t->lx.mask = uc.uc_sigmask & ~SIG_UNBLOCKABLE;
	return LX_REGS_SET;
}

static long kill_one(struct task *t, struct process *p, int sig)
{
	struct lx_sigsource src = {LX_SI_USER, (int32_t)t->proc->pid, 0, 0};
	if (p->zombie)
		return -ESRCH;
	if (!may_signal(t->proc, p))
		return -EPERM;
	if (sig)
		lx_signal_process(p, sig, &src);
	return 0;
}

long lx_sys_kill(struct task *t, struct lx_call *c)
{
	int32_t pid = (int32_t)c->a[0];
	int sig = (int)c->a[1];
	bool found = false;

	if (sig < 0 || sig > LX_NSIG)
		return -EINVAL;
	if (pid > 0) {
		struct process *p = process_find((uint32_t)pid);
		return p ? kill_one(t, p, sig) : -ESRCH;
	}
	if (pid == INT32_MIN)
		return -ESRCH;
	uint32_t pgrp = pid == 0 ? t->proc->lx.pgid : (uint32_t)-pid;
	/* The set is taken first: signalling one may end others. */
	struct process *targets[256];
	unsigned n = 0;
	for (struct process *p = procs; p && n < 256; p = p->next) {
		if (p->zombie)
			continue;
		if (pid == -1 ? (p->pid != init_pid && p != t->proc)
			      : p->lx.pgid == pgrp)
			targets[n++] = p;
	}
	bool self = false;
	long err = -ESRCH;
	for (unsigned i = 0; i < n; i++) {
		if (targets[i] == t->proc) {
			self = true; /* last: it may end the caller */
			continue;
		}
		if (process_find(targets[i]->pid) != targets[i])
			continue;
		long r = kill_one(t, targets[i], sig);
		if (!r)
			found = true;
		else
			err = r;
	}
	if (self && !kill_one(t, t->proc, sig))
		found = true;
	/* Linux's answers: a group none of which may be signalled is
	 * EPERM; for -1, processes it may not signal do not count as a
	 * failure. */
	if (found || (pid == -1 && n && err == -EPERM))
		return 0;
	return err;
}

static long thread_kill(struct task *t, int32_t tgid, int32_t tid, int sig)
{
	struct lx_sigsource src = {LX_SI_TKILL, (int32_t)t->proc->pid, 0, 0};
	if (tid <= 0 || sig < 0 || sig > LX_NSIG)
		return -EINVAL;
	struct task *target = lx_task_by_tid((uint32_t)tid);
	if (!target || (tgid > 0 && target->proc->pid != (uint32_t)tgid))
		return -ESRCH;
	if (!may_signal(t->proc, target->proc))
		return -EPERM;
	if (sig)
		lx_signal_thread(target, sig, &src);
	return 0;
}

long lx_sys_tkill(struct task *t, struct lx_call *c)
{
	return thread_kill(t, -1, (int32_t)c->a[0], (int)c->a[1]);
}

long lx_sys_tgkill(struct task *t, struct lx_call *c)
{
	if ((int32_t)c->a[0] <= 0)
		return -EINVAL;
	return thread_kill(t, (int32_t)c->a[0], (int32_t)c->a[1], (int)c->a[2]);
}
