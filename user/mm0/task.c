/*
 * POSIX processes and their threads: starting the first program, fork,
 * clone, execve, exit and wait, and ending a process that faults.
 *
 * A process is an address space (struct mm), a file-system context and
 * its threads; its pid is the thread id of its first thread.  mm0 is the
 * pager of every thread it makes.  A thread that asks mm0 for something is
 * blocked in its call until mm0 replies: fork and clone make the new
 * thread's registers from the caller's, with the call returning 0 there.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <tessera/ipc.h>

#include "lib/elf64.h"

#include "mm0.h"

static struct task *tasks;
static struct process *procs;
static uint32_t init_pid;

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

/* ------------------------------------------------------------ threads */

/* A UTCB page of `mm` for a new thread, made present (the kernel reads
 * and writes it only when it is mapped). */
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

/* The areas every address space has: the UTCB pages. */
static long mm_base_areas(struct mm *mm)
{
	return vma_add(
	    mm, TASK_UTCB_BASE, TASK_UTCB_BASE + TASK_UTCB_PAGES * PAGE,
	    PX_PROT_READ | PX_PROT_WRITE, PX_MAP_PRIVATE | VMA_UTCB, VMA_ANON);
}

/*
 * A new thread of mm0's container: in the space `mm` (new, its first
 * thread) or in the space of thread `share_tid`.  Registers from `regs`.
 */
static long thread_make(struct process *p, uint32_t share_tid,
			struct exregs *regs, uint64_t utcb, uint32_t utcb_index,
			struct task **out)
{
	struct task *t = calloc(1, sizeof(*t));
	struct thread_create tc;
	struct task_ids ids;
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
	t->proc = p;
	t->utcb = utcb;
	t->utcb_index = utcb_index;
	regs->valid = EXREGS_SET_REGS | EXREGS_SET_SP | EXREGS_SET_PC;
	regs->flags = 0;
	r = tess_exchange_registers(regs, t->tid);
	if (r)
		mm0_log("exchange_registers on a new thread: %s",
			tess_strerror(r));
	t->next = tasks;
	tasks = t;
	p->nthreads++;
	mm0.stats.tasks++;
	*out = t;
	return 0;
}

static void thread_run(struct task *t)
{
	struct task_ids ids = {t->tid, 0, 0, 0};
	long r = tess_thread_control(THREAD_RUN, &ids, NULL);
	if (r)
		mm0_log("cannot run thread %x: %s", t->tid, tess_strerror(r));
}

/* Destroy the thread and forget it (its process lives on). */
static void thread_drop(struct task *t)
{
	struct task_ids ids = {t->tid, 0, 0, 0};
	tess_thread_control(THREAD_DESTROY, &ids, NULL);
	pool_give(CAP_THREAD, t->thread);
	if (t->proc->mm)
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

/* ------------------------------------------------------------ programs */

#define MAX_PHDRS 16

/* Read and check the program's headers: 0, or -ENOEXEC (also when its
 * entry point is in no loadable executable segment: checked here, before
 * execve lets the old program go). */
static long elf_read(struct inode *ino, struct elf64_ehdr *eh,
		     struct elf64_phdr *ph)
{
	uint64_t size = fs_inode_size(ino);
	bool entry_ok = false;
	if (fs_inode_read(ino, 0, eh, sizeof(*eh)) != (long)sizeof(*eh) ||
	    elf64_check_header(eh, size) || eh->phnum > MAX_PHDRS ||
	    fs_inode_read(ino, eh->phoff, ph, eh->phnum * sizeof(*ph)) !=
		(long)(eh->phnum * sizeof(*ph)))
		return -ENOEXEC;
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		if (elf64_check_segment(&ph[i], size, PAGE, TASK_MMAP_BASE) ||
		    (ph[i].vaddr & (PAGE - 1)) != (ph[i].offset & (PAGE - 1)))
			return -ENOEXEC;
		if ((ph[i].flags & PF_X) && eh->entry >= ph[i].vaddr &&
		    eh->entry - ph[i].vaddr < ph[i].memsz)
			entry_ok = true;
	}
	return entry_ok ? 0 : -ENOEXEC;
}

/*
 * The program's areas: each loadable segment's file bytes as a private
 * file area; the part of bss in the last file page reads as zeros there
 * (file_end); the whole bss pages above it, from the next page boundary,
 * are anonymous memory.
 */
static long elf_map(struct mm *mm, struct inode *ino,
		    const struct elf64_ehdr *eh, const struct elf64_phdr *ph)
{
	uint64_t top = 0;
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->type != PT_LOAD || !p->memsz)
			continue;
		uint32_t prot = (p->flags & PF_R ? PX_PROT_READ : 0) |
				(p->flags & PF_W ? PX_PROT_WRITE : 0) |
				(p->flags & PF_X ? PX_PROT_EXEC : 0);
		uint64_t start = PAGE_DOWN(p->vaddr);
		uint64_t file_top = PAGE_UP(p->vaddr + p->filesz);
		uint64_t mem_top = PAGE_UP(p->vaddr + p->memsz);
		if (p->filesz) {
			struct vm_backing b = {
			    .kind = VMA_FILE,
			    .ino = ino,
			    .offset = p->offset - (p->vaddr - start),
			    .file_end = p->vaddr + p->filesz};
			long r = vm_map(mm, start, file_top, prot,
					PX_MAP_PRIVATE, &b);
			if (r)
				return r;
		} else {
			file_top = start;
		}
		if (mem_top > file_top) {
			long r = vma_add(mm, file_top, mem_top, prot,
					 PX_MAP_PRIVATE, VMA_ANON);
			if (r)
				return r;
		}
		if (mem_top > top)
			top = mem_top;
	}
	mm->brk_start = mm->brk = top;
	return 0;
}

/* The strings of argv or envp, copied into mm0 (NULL list: none). */
struct strlist {
	char *buf;
	size_t used;
	uint32_t n;
	uint32_t offsets[256];
};

static long strlist_take(struct mm *mm, uint64_t list, struct strlist *s,
			 size_t room)
{
	s->n = 0;
	if (!list)
		return 0;
	for (;;) {
		uint64_t p;
		if (mm_copy_in(mm, &p, list + s->n * 8, 8))
			return -EFAULT;
		if (!p)
			return 0;
		if (s->n == 256)
			return -E2BIG;
		if (s->used >= room)
			return -E2BIG;
		long len =
		    mm_copy_string(mm, s->buf + s->used, p, room - s->used);
		if (len == -ENAMETOOLONG)
			return -E2BIG;
		if (len < 0)
			return len;
		s->offsets[s->n++] = (uint32_t)s->used;
		s->used += (size_t)len + 1;
	}
}

/* Build the initial stack: argc, argv[], NULL, envp[], NULL, then the
 * strings.  Returns the stack pointer. */
static long stack_build(struct mm *mm, struct strlist *args,
			struct strlist *envs, uint64_t *sp_out)
{
	uint64_t top = TASK_STACK_TOP, strings, sp;
	long r = vma_add(mm, TASK_STACK_TOP - TASK_STACK_SIZE, TASK_STACK_TOP,
			 PX_PROT_READ | PX_PROT_WRITE,
			 PX_MAP_PRIVATE | PX_MAP_GROWSDOWN, VMA_ANON);
	if (r)
		return r;
	strings = (top - args->used - envs->used) & ~15ul;
	sp = (strings - (args->n + envs->n + 3) * 8) & ~15ul;
	if (mm_copy_out(mm, strings, args->buf, args->used) ||
	    mm_copy_out(mm, strings + args->used, envs->buf, envs->used))
		return -EFAULT;
	uint64_t w = args->n;
	uint64_t at = sp;
	if (mm_copy_out(mm, at, &w, 8))
		return -EFAULT;
	at += 8;
	for (uint32_t i = 0; i < args->n; i++, at += 8) {
		w = strings + args->offsets[i];
		if (mm_copy_out(mm, at, &w, 8))
			return -EFAULT;
	}
	w = 0;
	mm_copy_out(mm, at, &w, 8);
	at += 8;
	for (uint32_t i = 0; i < envs->n; i++, at += 8) {
		w = strings + args->used + envs->offsets[i];
		if (mm_copy_out(mm, at, &w, 8))
			return -EFAULT;
	}
	w = 0;
	mm_copy_out(mm, at, &w, 8);
	*sp_out = sp;
	return 0;
}

/* Set `mm` up to run `ino` (its headers checked by elf_read) with these
 * arguments; fills the entry regs. */
static long program_load(struct mm *mm, struct inode *ino,
			 const struct elf64_ehdr *eh,
			 const struct elf64_phdr *ph, struct strlist *args,
			 struct strlist *envs, struct exregs *x)
{
	uint64_t sp;
	long r;
	if ((r = mm_base_areas(mm)) || (r = elf_map(mm, ino, eh, ph)) ||
	    (r = stack_build(mm, args, envs, &sp)))
		return r;
	memset(x, 0, sizeof(*x));
	x->rip = eh->entry;
	x->rsp = sp;
	x->rdi = sp;
	x->rsi = mm0.tid;
	x->rflags = 0x202;
	return 0;
}

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

static void process_free(struct process *p)
{
	struct process **pp = &procs;
	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
	free(p);
}

long task_start_init(const char *path)
{
	struct process *p = process_new(NULL);
	struct strlist args, envs;
	char argbuf[256], envbuf[64];
	struct elf64_ehdr eh;
	struct elf64_phdr ph[MAX_PHDRS];
	struct exregs x;
	struct task *t;
	long r;

	if (!p)
		return -ENOMEM;
	if (fs_ctx_init(&p->fs) < 0)
		return -ENOMEM;
	struct inode *ino = fs_lookup(&p->fs, path);
	if (!ino || !fs_inode_is_reg(ino)) {
		mm0_log("no program %s to start", path);
		return -ENOENT;
	}
	if ((r = elf_read(ino, &eh, ph)) || (r = fs_exec_begin(ino)))
		return r;
	p->exe = ino;
	args.buf = argbuf;
	args.n = 1;
	args.offsets[0] = 0;
	strlcpy(argbuf, path, sizeof(argbuf));
	args.used = strlen(argbuf) + 1;
	envs.buf = envbuf;
	envs.n = 1;
	envs.offsets[0] = 0;
	strlcpy(envbuf, "PATH=/bin", sizeof(envbuf));
	envs.used = strlen(envbuf) + 1;

	if ((r = mm_new(&p->mm)) ||
	    (r = program_load(p->mm, ino, &eh, ph, &args, &envs, &x)))
		return r;
	uint64_t utcb;
	uint32_t ui;
	if ((r = utcb_take(p->mm, &utcb, &ui)))
		return r;
	x.rdx = utcb;
	if ((r = thread_make(p, 0, &x, utcb, ui, &t)))
		return r;
	p->pid = p->sid = t->tid;
	init_pid = p->pid;
	thread_run(t);
	return 0;
}

/* ------------------------------------------------------------ fork, clone */

/* The caller's registers as they are in its call to mm0. */
static long regs_of(uint32_t tid, struct exregs *x)
{
	memset(x, 0, sizeof(*x));
	x->flags = EXREGS_READ;
	return tess_exchange_registers(x, tid);
}

/* The new thread returns from its call to mm0 with 0 (in MR0, r10). */
static void returns_zero(struct exregs *x)
{
	x->rax = 0;
	x->r10 = 0;
	x->rsi = mm0.tid;
	x->rdx = IPC_SHORT;
}

long task_fork(struct task *t, uint32_t *child_pid)
{
	struct process *parent = t->proc, *p;
	struct exregs x;
	struct task *c;
	long r;

	if ((r = regs_of(t->tid, &x)))
		return -EAGAIN;
	p = process_new(parent);
	if (!p)
		return -ENOMEM;
	if ((r = mm_clone(parent->mm, t->utcb, &p->mm))) {
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
	returns_zero(&x);
	r = thread_make(p, 0, &x, t->utcb, t->utcb_index, &c);
	if (r) {
		if (p->exe)
			fs_exec_end(p->exe);
		fs_ctx_release(&p->fs);
		mm_put(p->mm);
		process_free(p);
		return r;
	}
	p->pid = c->tid;
	thread_run(c);
	*child_pid = p->pid;
	return 0;
}

long task_clone(struct task *t, uint64_t flags, uint64_t stack, uint32_t *tid)
{
	struct exregs x;
	struct task *c;
	uint64_t utcb;
	uint32_t ui;
	long r;

	if (!(flags & PX_CLONE_VM) || (stack & 7) || stack >= TASK_USER_END)
		return -EINVAL;
	if ((r = regs_of(t->tid, &x)))
		return -EAGAIN;
	if ((r = utcb_take(t->proc->mm, &utcb, &ui)))
		return r;
	returns_zero(&x);
	x.rsp = stack;
	r = thread_make(t->proc, t->tid, &x, utcb, ui, &c);
	if (r) {
		t->proc->mm->utcb_used &= ~(1ull << ui);
		return r;
	}
	thread_run(c);
	*tid = c->tid;
	return 0;
}

/* ------------------------------------------------------------ execve */

long task_execve(struct task *t, uint64_t path, uint64_t argv, uint64_t envp)
{
	struct process *p = t->proc;
	char name[PX_PATH_MAX];
	struct strlist args, envs;
	struct elf64_ehdr eh;
	struct elf64_phdr ph[MAX_PHDRS];
	struct exregs x;
	long r;

	r = mm_copy_string(p->mm, name, path, sizeof(name));
	if (r < 0)
		return r;
	struct inode *ino = fs_lookup(&p->fs, name);
	if (!ino)
		return -ENOENT;
	if (!fs_inode_is_reg(ino))
		return -EACCES;
	if ((r = elf_read(ino, &eh, ph)))
		return r;
	if ((r = fs_exec_begin(ino)))
		return r; /* ETXTBSY: open for writing */
	args.buf = malloc(PX_ARG_MAX);
	envs.buf = malloc(PX_ARG_MAX);
	args.used = envs.used = 0;
	if (!args.buf || !envs.buf) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = strlist_take(p->mm, argv, &args, PX_ARG_MAX)) ||
	    (r = strlist_take(p->mm, envp, &envs, PX_ARG_MAX)))
		goto out;

	/* Past this point the old program is gone. */
	if (p->exe)
		fs_exec_end(p->exe);
	p->exe = ino;
	for (struct task *o = tasks; o;) {
		struct task *next = o->next;
		if (o->proc == p && o != t)
			thread_drop(o);
		o = next;
	}
	struct task_ids ids = {t->tid, 0, 0, 0};
	tess_thread_control(THREAD_SUSPEND, &ids, NULL);
	cap_drop_grants(p); /* the new program starts without them */
	mm_clear(p->mm);
	r = program_load(p->mm, ino, &eh, ph, &args, &envs, &x);
	if (!r) {
		uint64_t utcb;
		uint32_t ui;
		r = utcb_take(p->mm, &utcb, &ui);
		t->utcb = utcb;
		t->utcb_index = ui;
		x.rdx = utcb;
	}
	if (r) {
		mm0_log(
		    "execve of %s failed after the old program was gone: %ld",
		    name, r);
		free(args.buf);
		free(envs.buf);
		process_exit(p, 127);
		return 1; /* no reply: the caller is gone */
	}
	x.valid =
	    EXREGS_SET_REGS | EXREGS_SET_SP | EXREGS_SET_PC | EXREGS_SET_UTCB;
	x.utcb = t->utcb;
	tess_exchange_registers(&x, t->tid);
	tess_thread_control(THREAD_RUN, &ids, NULL);
	r = 1; /* no reply: it runs the new program */
out:
	if (r != 1)
		fs_exec_end(ino);
	free(args.buf);
	free(envs.buf);
	return r;
}

/* ------------------------------------------------------------ exit, wait */

/* Answer a parent blocked in wait for `child`, if it waits for it. */
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
	int st = child->status & 0xff; /* libposix encodes it */
	if (parent->wait_status_ptr &&
	    mm_copy_out(parent->mm, parent->wait_status_ptr, &st, sizeof(st))) {
		mm0_reply(w->tid, -EFAULT);
		return;
	}
	uint32_t pid = child->pid;
	process_free(child);
	mm0_reply(w->tid, pid);
}

void process_exit(struct process *p, int status)
{
	if (p->zombie)
		return;
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
	p->status = status;
	p->waiter = 0;

	/* Its children are nobody's now: zombies go, the living reap
	 * themselves when they end. */
	for (struct process *c = procs; c;) {
		struct process *next = c->next;
		if (c->ppid == p->pid) {
			c->ppid = 0;
			if (c->zombie)
				process_free(c);
		}
		c = next;
	}
	if (p->pid == init_pid) {
		mm0_log("init (pid %x) exited with status %d", p->pid, status);
		process_free(p);
		fflush_stdout();
		tess_exit(status);
	}
	struct process *parent = p->ppid ? process_find(p->ppid) : NULL;
	if (!parent || parent->zombie) {
		process_free(p);
		return;
	}
	wake_waiter(parent, p);
}

void task_exit(struct task *t, int status)
{
	struct process *p = t->proc;
	if (p->nthreads > 1 && t->tid != p->pid) {
		thread_drop(t);
		return;
	}
	process_exit(p, status);
}

long task_wait(struct task *t, int32_t pid, uint64_t status_ptr, bool *replied)
{
	struct process *me = t->proc;
	bool have = false;

	*replied = true;
	for (struct process *c = procs; c; c = c->next) {
		if (c->ppid != me->pid ||
		    (pid != -1 && (uint32_t)pid != c->pid))
			continue;
		have = true;
		if (c->zombie) {
			int st = c->status & 0xff;
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
	*replied = false;
	return 0;
}

void task_kill(struct task *t, int status, const char *why)
{
	mm0_log("process %x (thread %x) %s: killed", t->proc->pid, t->tid, why);
	process_exit(t->proc, status);
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
 * with status PX_STATUS_KILL, logs it as out of memory, and serves the
 * fault again, until it succeeds or the faulting process is the one
 * ended.  If no process but init holds memory of its own, the faulting
 * process itself ends; when that is init, the container ends with it:
 * nothing else is left to give memory back.
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
	process_exit(v, PX_STATUS_KILL);
	return !self;
}
