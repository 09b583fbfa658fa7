/*
 * Processes and their threads: starting the first program, fork, clone,
 * execve, exit and wait, and ending a process that faults.  Shared by
 * both personalities: the native POSIX protocol (main.c) and the Linux
 * system calls (linux/proc.c) call in here; what only Linux has (signals,
 * wait4, vfork, close-on-exec) is done by the linux/ hooks named below.
 *
 * A process is an address space (struct mm), a file-system context and
 * its threads.  mm0 is the pager of every thread it makes.  A thread that
 * asks mm0 for something is blocked in its call until mm0 replies: fork
 * and clone make the new thread's registers from the caller's, with the
 * call returning 0 there.
 *
 * Exit statuses are Linux wait status words everywhere; a native parent's
 * wait gets them as libposix encodes them (native_status).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/ipc.h>

#include "mm0.h"
#include "linux/lx.h"

struct task *tasks;
struct process *procs;
uint32_t init_pid;

struct task *task_find(uint32_t tid)
{
	for (struct task *t = tasks; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct process *process_find(uint32_t pid)
{
	for (struct process *p = procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* Whether any process, group, session or thread has `id`. */
static bool id_used(uint32_t id)
{
	for (struct process *p = procs; p; p = p->next)
		if (p->pid == id || p->lx.pgid == id || p->sid == id)
			return true;
	for (struct task *t = tasks; t; t = t->next)
		if (t->lx.tid == id)
			return true;
	return false;
}

uint32_t pid_alloc(void)
{
	static uint32_t next = 1;
	for (;;) {
		uint32_t id = next;
		next = next >= 0x3fffff ? 2 : next + 1;
		if (!id_used(id))
			return id;
	}
}

struct task *process_main(const struct process *p)
{
	for (struct task *t = tasks; t; t = t->next)
		if (t->proc == p && t->lx.tid == p->pid)
			return t;
	return NULL;
}

long process_main_tid(const struct process *me, uint64_t pid)
{
	const struct process *p = me;
	if (pid)
		p = pid <= 0x7fffffff ? process_find((uint32_t)pid) : NULL;
	const struct task *t = p && !p->zombie ? process_main(p) : NULL;
	return t ? (long)t->tid : -ESRCH;
}

/* What a native parent's wait reports: the exit code, or 128 + the
 * signal that ended the child (as a shell does). */
static int native_status(int wstatus)
{
	return (wstatus & 0x7f) ? 128 + (wstatus & 0x7f)
				: (wstatus >> 8) & 0xff;
}

/* ------------------------------------------------------------ threads */

/* A UTCB page of `mm` for a new native thread, made present (the kernel
 * reads and writes it only when it is mapped). */
static long utcb_take(struct mm *mm, uint64_t *addr, uint32_t *index)
{
	for (uint32_t i = 0; i < TASK_UTCB_PAGES; i++)
		if (!(mm->utcb_used & (1ull << i))) {
			uint64_t a = TASK_UTCB_BASE + i * PAGE;
			long r = mm_fault(mm, a, FAULT_WRITE);
			if (r)
				return r;
			mm->utcb_used |= 1ull << i;
			*addr = a;
			*index = i;
			return 0;
		}
	return -EAGAIN;
}

/*
 * A new thread of mm0's container: in the space of `p` (new, its first
 * thread) or in the space of thread `share_tid`.  Registers from `regs`.
 * Its lx.tid is 0 until the caller gives it one.
 */
static long thread_make(struct process *p, uint32_t share_tid,
			const struct exregs *regs, uint64_t utcb,
			uint32_t utcb_index, struct task **out)
{
	struct task *t = calloc(1, sizeof(*t));
	struct thread_create tc;
	struct task_ids ids;
	struct exregs x = *regs;
	long r;

	if (!t)
		return -ENOMEM;
	r = pool_take(CAP_THREAD, &t->thread);
	if (r) {
		free(t);
		return -ENOMEM;
	}
	memset(&tc, 0, sizeof(tc));
	tc.thread = t->thread;
	tc.space = share_tid ? CPTR_NONE : p->mm->space;
	tc.cspace = CPTR_NONE;
	tc.untyped = CPTR_NONE;
	tc.dest = CPTR_NONE;
	tc.utcb = utcb;
	tc.pager = TID_NIL;
	tc.cid = mm0.cid;
	tc.prio = PRIO_INHERIT;
	memset(&ids, 0, sizeof(ids));
	ids.tid = share_tid;
	r = tess_thread_control(THREAD_CREATE |
				    (share_tid ? TC_SHARE_SPACE : TC_NEW_SPACE),
				&ids, &tc);
	if (r) {
		mm0_log("cannot create a thread: %s", tess_strerror(r));
		pool_give(CAP_THREAD, t->thread);
		free(t);
		return r == -E_LIMIT ? -EAGAIN : -ENOMEM;
	}
	t->tid = ids.tid;
	t->lx.tid = 0;
	t->proc = p;
	t->utcb = utcb;
	t->utcb_index = utcb_index;
	x.valid = EXREGS_SET_REGS | EXREGS_SET_SP | EXREGS_SET_PC;
	x.flags = 0;
	r = tess_exchange_registers(&x, t->tid);
	if (r)
		mm0_log("exchange_registers on a new thread: %s",
			tess_strerror(r));
	t->lx.fs_base = x.fs_base;
	t->lx.gs_base = x.gs_base;
	t->next = tasks;
	tasks = t;
	p->nthreads++;
	mm0.stats.tasks++;
	*out = t;
	return 0;
}

void thread_run(struct task *t)
{
	struct task_ids ids = {t->tid, 0, 0, 0};
	long r = tess_thread_control(THREAD_RUN, &ids, NULL);
	if (r)
		mm0_log("cannot run thread %x: %s", t->tid, tess_strerror(r));
}

/* Destroy the thread and forget it (its process lives on). */
void thread_drop(struct task *t)
{
	struct task_ids ids = {t->tid, 0, 0, 0};
	lx_thread_gone(t);
	tess_thread_control(THREAD_DESTROY, &ids, NULL);
	pool_give(CAP_THREAD, t->thread);
	if (t->proc->mm && t->utcb)
		t->proc->mm->utcb_used &= ~(1ull << t->utcb_index);
	if (t->proc->waiter == t->tid)
		t->proc->waiter =
		    0; /* its wait ends with it (execve by a sibling) */
	struct task **pp = &tasks;
	while (*pp != t)
		pp = &(*pp)->next;
	*pp = t->next;
	t->proc->nthreads--;
	mm0.stats.tasks--;
	free(t);
}

/* ------------------------------------------------------------ processes */

static struct process *process_new(const struct process *parent)
{
	struct process *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->ppid = parent ? parent->pid : 0;
	p->sid = parent ? parent->sid : 0; /* init's: set with its pid */
	p->next = procs;
	procs = p;
	return p;
}

void process_free(struct process *p)
{
	struct process **pp = &procs;
	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
	free(p);
}

/* Split the args line on spaces into `args`. */
static long split_args(const char *line, struct strlist *args)
{
	char word[PX_PATH_MAX];
	while (*line) {
		while (*line == ' ' || *line == '\t')
			line++;
		size_t n = 0;
		while (line[n] && line[n] != ' ' && line[n] != '\t')
			n++;
		if (!n)
			break;
		if (n >= sizeof(word))
			return -E2BIG;
		memcpy(word, line, n);
		word[n] = 0;
		long r = strlist_add(args, word);
		if (r)
			return r;
		line += n;
	}
	return args->n ? 0 : -ENOENT;
}

static const char *const init_env_native[] = {"PATH=/bin", NULL};
static const char *const init_env_linux[] = {
    "HOME=/", "PATH=/bin:/sbin:/usr/bin:/usr/sbin", NULL};

long task_start_init(const char *line)
{
	struct process *p = process_new(NULL);
	struct strlist args, envs;
	struct program *pg = malloc(sizeof(*pg));
	struct exregs x;
	struct task *t;
	long r;

	strlist_init(&args, PX_ARG_MAX, 256, 0);
	strlist_init(&envs, PX_ARG_MAX, 256, 0);
	if (!p || !pg || fs_ctx_init(&p->fs) < 0) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = split_args(line, &args)))
		goto out;
	const char *path = strlist_get(&args, 0);
	struct inode *ino = fs_lookup(&p->fs, path);
	if (!ino || !fs_inode_is_reg(ino)) {
		mm0_log("no program %s to start", path);
		r = -ENOENT;
		goto out;
	}
	if ((r = program_check(ino, path, pg)) || (r = fs_exec_begin(ino)))
		goto out;
	p->exe = ino;
	for (const char *const *e = pg->native ? init_env_native
					       : init_env_linux;
	     *e; e++)
		strlist_add(&envs, *e);
	p->is_linux = !pg->native;
	if ((r = mm_new(&p->mm)) ||
	    (r = program_load(p->mm, pg, &args, &envs, path, &x)))
		goto out;
	uint64_t utcb = 0;
	uint32_t ui = 0;
	if (pg->native && (r = utcb_take(p->mm, &utcb, &ui)))
		goto out;
	x.rdx = utcb;
	if ((r = thread_make(p, 0, &x, utcb, ui, &t)))
		goto out;
	p->pid = p->sid = pid_alloc();
	t->lx.tid = p->pid;
	init_pid = p->pid;
	lx_process_start(p, path);
	thread_run(t);
out:
	strlist_free(&args);
	strlist_free(&envs);
	free(pg);
	return r;
}

/* ------------------------------------------------------------ fork, clone */

/* The caller's registers as they are in its call to mm0. */
static long regs_of(uint32_t tid, struct exregs *x)
{
	memset(x, 0, sizeof(*x));
	x->flags = EXREGS_READ;
	return tess_exchange_registers(x, tid);
}

/* The new native thread returns from its call to mm0 with 0 (in MR0,
 * r10). */
static void returns_zero(struct exregs *x)
{
	x->rax = 0;
	x->r10 = 0;
	x->rsi = mm0.tid;
	x->rdx = IPC_SHORT;
}

long process_fork(struct task *t, const struct exregs *regs, bool share_mm,
		  struct task **child)
{
	struct process *parent = t->proc, *p;
	struct task *c;
	long r;

	p = process_new(parent);
	if (!p)
		return -ENOMEM;
	p->is_linux = parent->is_linux;
	if (share_mm) {
		p->mm = parent->mm;
		p->mm->refs++;
	} else if ((r = mm_clone(parent->mm, t->utcb, &p->mm))) {
		process_free(p);
		return r;
	}
	if (fs_ctx_fork(&p->fs, &parent->fs) < 0) {
		mm_put(p->mm);
		process_free(p);
		return -ENOMEM;
	}
	/* It runs the parent's file too (which no one may write meanwhile,
	 * so this is not refused). */
	if (parent->exe && !fs_exec_begin(parent->exe))
		p->exe = parent->exe;
	r = thread_make(p, share_mm ? t->tid : 0, regs, share_mm ? 0 : t->utcb,
			t->utcb_index, &c);
	if (r) {
		if (p->exe)
			fs_exec_end(p->exe);
		fs_ctx_release(&p->fs);
		mm_put(p->mm);
		process_free(p);
		return r;
	}
	p->pid = pid_alloc();
	c->lx.tid = p->pid;
	lx_process_fork(p, parent);
	*child = c;
	return 0;
}

long thread_new(struct task *t, const struct exregs *regs, struct task **out)
{
	uint64_t utcb = 0;
	uint32_t ui = 0;
	long r;

	if (!t->proc->is_linux && (r = utcb_take(t->proc->mm, &utcb, &ui)))
		return r;
	r = thread_make(t->proc, t->tid, regs, utcb, ui, out);
	if (r) {
		if (utcb)
			t->proc->mm->utcb_used &= ~(1ull << ui);
		return r;
	}
	if (t->proc->is_linux)
		(*out)->lx.tid = pid_alloc();
	return 0;
}

long task_fork(struct task *t, uint32_t *child_pid)
{
	struct exregs x;
	struct task *c;
	long r;

	if ((r = regs_of(t->tid, &x)))
		return -EAGAIN;
	returns_zero(&x);
	if ((r = process_fork(t, &x, false, &c)))
		return r;
	thread_run(c);
	*child_pid = c->proc->pid;
	return 0;
}

long task_clone(struct task *t, uint64_t flags, uint64_t stack, uint32_t *tid)
{
	struct exregs x;
	struct task *c;
	long r;

	if (!(flags & PX_CLONE_VM) || (stack & 7) || stack >= TASK_USER_END)
		return -EINVAL;
	if ((r = regs_of(t->tid, &x)))
		return -EAGAIN;
	returns_zero(&x);
	x.rsp = stack;
	if ((r = thread_new(t, &x, &c)))
		return r;
	thread_run(c);
	*tid = c->tid;
	return 0;
}

/* ------------------------------------------------------------ execve */

#define SCRIPT_DEPTH 4

/* What execve has gathered before the point of no return. */
struct exec_plan {
	char path[PX_PATH_MAX]; /* as the caller named it */
	char file[PX_PATH_MAX]; /* the program file finally run */
	struct program pg;
	struct strlist args, envs;
	char interp[SCRIPT_DEPTH][PX_PATH_MAX];
	char iarg[SCRIPT_DEPTH][PX_PATH_MAX];
	int scripts;
};

/* The file `name` names for execve: regular, executable. */
static long exec_lookup(struct process *p, const char *name, struct inode **out)
{
	struct inode *ino;
	long r = lx_exec_lookup(p, name, &ino);
	if (r)
		return r;
	if (!fs_inode_is_reg(ino))
		return -EACCES;
	if (p->is_linux && !fs_inode_executable(ino))
		return -EACCES;
	*out = ino;
	return 0;
}

/*
 * Find the program, following "#!" lines (for a Linux caller, up to
 * SCRIPT_DEPTH deep), check it, and copy the arguments: argv of a script
 * becomes interpreter, its argument if any, the script's path, then
 * argv[1..].
 */
static long exec_prepare(struct task *t, uint64_t argv, uint64_t envp,
			 struct exec_plan *e)
{
	struct process *p = t->proc;
	struct inode *ino;
	long r;

	if ((r = exec_lookup(p, e->path, &ino)))
		return r;
	strlcpy(e->file, e->path, sizeof(e->file));
	while (p->is_linux) {
		char interp[PX_PATH_MAX], iarg[PX_PATH_MAX];
		r = script_interp(ino, interp, sizeof(interp), iarg,
				  sizeof(iarg));
		if (r <= 0)
			break;
		if (e->scripts == SCRIPT_DEPTH)
			return -ELOOP;
		strcpy(e->interp[e->scripts], interp);
		strcpy(e->iarg[e->scripts], iarg);
		e->scripts++;
		if ((r = exec_lookup(p, interp, &ino)))
			return r;
		strlcpy(e->file, interp, sizeof(e->file));
	}
	if (r < 0)
		return r;
	if ((r = program_check(ino, e->file, &e->pg)))
		return r;

	size_t room = e->pg.native ? PX_ARG_MAX : LX_ARG_MAX;
	strlist_init(&e->args, room, e->pg.native ? 256 : ~0u,
		     e->pg.native ? 0 : 8);
	if (e->scripts) {
		struct strlist user;
		strlist_init(&user, room, ~0u, 8);
		r = strlist_take(p->mm, argv, &user);
		for (int s = e->scripts - 1; !r && s >= 0; s--) {
			r = strlist_add(&e->args, e->interp[s]);
			if (!r && e->iarg[s][0])
				r = strlist_add(&e->args, e->iarg[s]);
		}
		if (!r)
			r = strlist_add(&e->args, e->path);
		for (uint32_t i = 1; !r && i < user.n; i++)
			r = strlist_add(&e->args, strlist_get(&user, i));
		strlist_free(&user);
	} else {
		r = strlist_take(p->mm, argv, &e->args);
	}
	if (r)
		return r;
	if (e->pg.native)
		strlist_init(&e->envs, PX_ARG_MAX, 256, 0);
	else
		strlist_init(&e->envs, room - e->args.used - e->args.n * 8, ~0u,
			     8);
	return strlist_take(p->mm, envp, &e->envs);
}

/* A vfork child sharing its parent's memory gets a space of its own: a
 * new thread there replaces t's (t keeps its Linux tid). */
static long exec_new_space(struct task *t, struct exec_plan *e,
			   struct exregs *x)
{
	struct process *p = t->proc;
	struct mm *mm;
	cptr_t thread;
	uint64_t utcb = 0;
	uint32_t ui = 0;
	long r;

	if ((r = mm_new(&mm)))
		return r;
	if ((r = program_load(mm, &e->pg, &e->args, &e->envs, e->path, x)) ||
	    (e->pg.native && (r = utcb_take(mm, &utcb, &ui))) ||
	    (r = pool_take(CAP_THREAD, &thread) ? -ENOMEM : 0)) {
		mm_put(mm);
		return r;
	}
	struct thread_create tc = {.thread = thread,
				   .space = mm->space,
				   .cspace = CPTR_NONE,
				   .untyped = CPTR_NONE,
				   .dest = CPTR_NONE,
				   .utcb = utcb,
				   .pager = TID_NIL,
				   .cid = mm0.cid,
				   .prio = PRIO_INHERIT};
	struct task_ids ids = {0, 0, 0, 0};
	if ((r = tess_thread_control(THREAD_CREATE | TC_NEW_SPACE, &ids,
				     &tc))) {
		pool_give(CAP_THREAD, thread);
		mm_put(mm);
		return -ENOMEM;
	}
	/* Past this point nothing fails: the old thread goes. */
	struct task_ids old = {t->tid, 0, 0, 0};
	lx_thread_gone(t);
	tess_thread_control(THREAD_DESTROY, &old, NULL);
	pool_give(CAP_THREAD, t->thread);
	mm_put(p->mm);
	p->mm = mm;
	t->thread = thread;
	t->tid = ids.tid;
	t->utcb = utcb;
	t->utcb_index = ui;
	return 0;
}

/* The point of no return: the process runs `ino` now (the reference
 * fs_exec_begin took moves to p->exe), and the old program's capability
 * grants go. */
static void exec_commit(struct process *p, struct inode *ino)
{
	if (p->exe)
		fs_exec_end(p->exe);
	p->exe = ino;
	cap_drop_grants(p);
}

long task_execve(struct task *t, uint64_t path, uint64_t argv, uint64_t envp)
{
	struct process *p = t->proc;
	struct exec_plan *e = calloc(1, sizeof(*e));
	struct exregs x;
	long r;

	if (!e)
		return -ENOMEM;
	r = mm_copy_string(p->mm, e->path, path, sizeof(e->path));
	if (r < 0)
		goto out;
	if ((r = exec_prepare(t, argv, envp, e)))
		goto out;

	struct inode *ino = e->pg.ino;
	if ((r = fs_exec_begin(ino)))
		goto out; /* ETXTBSY: open for writing */
	for (struct task *o = tasks; o;) {
		struct task *next = o->next;
		if (o->proc == p && o != t)
			thread_drop(o);
		o = next;
	}
	if (p->mm->refs > 1) {
		/* Shared with a vfork parent: the old memory stays theirs,
		 * so a failure can still be reported. */
		if ((r = exec_new_space(t, e, &x))) {
			fs_exec_end(ino);
			goto out;
		}
		exec_commit(p, ino);
	} else {
		/* Past this point the old program is gone. */
		struct task_ids ids = {t->tid, 0, 0, 0};
		tess_thread_control(THREAD_SUSPEND, &ids, NULL);
		exec_commit(p, ino);
		mm_clear(p->mm);
		r = program_load(p->mm, &e->pg, &e->args, &e->envs, e->path,
				 &x);
		uint64_t utcb = 0;
		uint32_t ui = 0;
		if (!r && e->pg.native)
			r = utcb_take(p->mm, &utcb, &ui);
		if (r) {
			mm0_log("execve of %s failed after the old program was "
				"gone: %ld",
				e->path, r);
			process_exit(p, LX_W_EXITCODE(127));
			r = NO_REPLY; /* the caller is gone */
			goto out;
		}
		t->utcb = utcb;
		t->utcb_index = ui;
	}
	x.rdx = t->utcb;
	x.utcb = t->utcb;
	x.valid =
	    EXREGS_SET_REGS | EXREGS_SET_SP | EXREGS_SET_PC | EXREGS_SET_UTCB;
	tess_exchange_registers(&x, t->tid);
	t->lx.fs_base = t->lx.gs_base = 0;
	p->is_linux = !e->pg.native;
	lx_process_exec(p, t, e->file);
	thread_run(t);
	r = NO_REPLY; /* it runs the new program */
out:
	strlist_free(&e->args);
	strlist_free(&e->envs);
	free(e);
	return r;
}

/* ------------------------------------------------------------ exit, wait */

/* Answer a native parent blocked in wait for `child`, if it waits for it. */
static void wake_waiter(struct process *parent, struct process *child)
{
	if (!parent || !parent->waiter)
		return;
	if (parent->wait_pid != -1 && (uint32_t)parent->wait_pid != child->pid)
		return;
	struct task *w = task_find(parent->waiter);
	parent->waiter = 0;
	if (!w)
		return;
	int st = native_status(child->status);
	if (parent->wait_status_ptr &&
	    mm_copy_out(parent->mm, parent->wait_status_ptr, &st, sizeof(st))) {
		mm0_reply(w->tid, -EFAULT);
		return;
	}
	uint32_t pid = child->pid;
	process_free(child);
	mm0_reply(w->tid, pid);
}

/* Tell p's parent that p ended (or forget p if nobody will ask). */
static void notify_parent(struct process *p)
{
	struct process *parent = p->ppid ? process_find(p->ppid) : NULL;
	if (!parent || parent->zombie) {
		process_free(p);
		return;
	}
	if (parent->is_linux)
		lx_child_changed(parent, p);
	else
		wake_waiter(parent, p);
}

void process_exit(struct process *p, int wstatus)
{
	if (p->zombie)
		return;
	lx_process_ending(p);
	for (struct task *t = tasks; t;) {
		struct task *next = t->next;
		if (t->proc == p)
			thread_drop(t);
		t = next;
	}
	fs_ctx_release(&p->fs);
	cap_drop_grants(p);
	mm_put(p->mm);
	p->mm = NULL;
	if (p->exe)
		fs_exec_end(p->exe);
	p->exe = NULL;
	p->zombie = true;
	p->status = wstatus;
	p->waiter = 0;
	lx_process_ended(p);

	/* Its children go to init if init is a Linux program (it reaps
	 * them); otherwise they are nobody's: zombies go, the living reap
	 * themselves when they end. */
	struct process *init = process_find(init_pid);
	bool adopt = init && init != p && init->is_linux && !init->zombie;
	for (struct process *c = procs; c;) {
		struct process *next = c->next;
		if (c->ppid == p->pid && c != p) {
			c->ppid = adopt ? init_pid : 0;
			if (c->zombie) {
				if (adopt)
					lx_child_changed(init, c);
				else
					process_free(c);
			}
		}
		c = next;
	}
	if (p->pid == init_pid) {
		int st = native_status(wstatus);
		mm0_log("init (pid %x) exited with status %d", p->pid, st);
		process_free(p);
		fflush_stdout();
		tess_exit(st);
	}
	notify_parent(p);
}

void task_exit(struct task *t, int wstatus)
{
	struct process *p = t->proc;
	if (p->nthreads > 1 && t->lx.tid != p->pid) {
		thread_drop(t);
		return;
	}
	process_exit(p, wstatus);
}

long task_wait(struct task *t, int32_t pid, uint64_t status_ptr)
{
	struct process *me = t->proc;
	bool have = false;

	for (struct process *c = procs; c; c = c->next) {
		if (c->ppid != me->pid ||
		    (pid != -1 && (uint32_t)pid != c->pid))
			continue;
		have = true;
		if (c->zombie) {
			int st = native_status(c->status);
			if (status_ptr &&
			    mm_copy_out(me->mm, status_ptr, &st, sizeof(st)))
				return -EFAULT;
			uint32_t cpid = c->pid;
			process_free(c);
			return cpid;
		}
	}
	if (!have)
		return -ECHILD;
	if (me->waiter)
		return -EBUSY; /* another of its threads waits already */
	me->waiter = t->tid;
	me->wait_pid = pid;
	me->wait_status_ptr = status_ptr;
	return NO_REPLY;
}

void task_kill(struct task *t, int sig, const char *why)
{
	mm0_log("process %x (thread %x) %s: killed", t->proc->pid, t->tid, why);
	process_exit(t->proc, LX_W_SIGNALED(sig));
}

/* ------------------------------------------------------------ signals */

/*
 * Who may signal whom (docs/posix.md).  There is one user, so no user id
 * to compare: a process may signal itself, its descendants (children,
 * their children, ...; an orphan is nobody's descendant any more) and
 * every process of its session.  Sessions are inherited at fork; setsid
 * starts a new one.  init accepts signals but ignores them all: it
 * handles none, and its end would end the container.
 */
bool may_signal(const struct process *sender, const struct process *target)
{
	if (sender == target || sender->sid == target->sid)
		return true;
	for (const struct process *q = target; q && q->ppid;
	     q = process_find(q->ppid))
		if (q->ppid == sender->pid)
			return true;
	return false;
}

bool process_is_init(const struct process *p)
{
	return p->pid == init_pid;
}

long process_setsid(struct process *p)
{
	if (p->sid == p->pid)
		return -EPERM;
	p->sid = p->pid;
	return p->sid;
}

/* ------------------------------------------------------------ out of memory */

/*
 * The out-of-memory rule (docs/posix.md).  Requests that need memory are
 * refused (ENOMEM, ENOSPC, EAGAIN) and never end anyone.  A page fault is
 * not a request: when one cannot be served, mm0 ends the process whose
 * end gives back the most memory (the frames it alone holds), never init,
 * by SIGKILL (a native parent sees PX_STATUS_KILL), logs it as out of
 * memory, and serves the fault again, until it succeeds or the faulting
 * process is the one ended.  If no process but init holds memory of its own,
 * the faulting process itself ends; when that is init, the container ends with
 * it: nothing else is left to give memory back.
 */
static struct process *oom_victim(void)
{
	struct process *best = NULL;
	uint64_t most = 0;
	for (struct process *p = procs; p; p = p->next) {
		if (p->zombie || p->pid == init_pid || !p->mm)
			continue;
		uint64_t n = mm_private_pages(p->mm);
		if (n > most) {
			most = n;
			best = p;
		}
	}
	return best;
}

bool task_oom(struct task *t)
{
	struct process *v = oom_victim();
	uint32_t pid = t->proc->pid;
	if (!v)
		v = t->proc;
	mm0_log("out of memory: killed process %x, the largest, to serve "
		"process %x",
		v->pid, pid);
	bool self = v == t->proc;
	process_exit(v, LX_W_SIGNALED(LX_SIGKILL));
	return !self;
}
