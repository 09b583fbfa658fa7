/*
 * The fuzzer's workers (see fuzz.h): the code that runs in the worker
 * spaces.  A worker waits for the root task's word that program `seq`
 * is in the control page, makes its calls of it in order, notes each
 * result, and says it is done.  A call's arguments are made here, when
 * it runs: thread ids from the program's table (threads made by earlier
 * calls are in it), deadlines from the clock, and structs (thread_create,
 * exregs, task_ids, struct capability) filled field by field from the
 * call's seed, with capids the worker really sees.  Nothing here touches
 * memory a call could have changed but the worker's scratch, its structs
 * area and the shared pages.
 */
#include "ktest.h"
#include "fuzz.h"

static char *structs_of(unsigned w)
{
	return (char *)FZ_STRUCTS_VA + (w % FZ_THREADS) * FZ_STRUCT_SIZE;
}

static cptr_t in_cs(cptr_t cs, unsigned slot)
{
	return (cs << CPTR_DIGIT_BITS) | slot;
}

/* ipc with every register the call reads. */
static long raw_ipc(const uint64_t *a, uint64_t buf, uint64_t deadline)
{
	long ret;
	register uint64_t rbx __asm__("rbx") = deadline;
	register uint64_t r10 __asm__("r10") = a[3];
	register uint64_t r8 __asm__("r8") = a[4];
	register uint64_t r9 __asm__("r9") = a[5];
	register uint64_t r12 __asm__("r12") = a[6];
	register uint64_t r13 __asm__("r13") = a[7];
	register uint64_t r14 __asm__("r14") = a[8];
	register uint64_t r15 __asm__("r15") = buf;
	uint64_t rsi = a[1], rdx = a[2];
	__asm__ volatile("syscall"
			 : "=a"(ret), "+S"(rsi), "+d"(rdx), "+r"(r8), "+r"(r9),
			   "+r"(r10), "+r"(r12), "+r"(r13), "+r"(r14)
			 : "a"((long)SYS_ipc + TESS_SYS_BASE), "D"(a[0]),
			   "r"(r15), "r"(rbx)
			 : "rcx", "r11", "memory");
	return ret;
}

static uint64_t tid_of(struct fz_ctl *ctl, uint64_t i)
{
	uint32_t n = ctl->ntids;
	if (n == 0 || n > FZ_TIDS)
		return TID_NIL;
	return ctl->tids[i % n];
}

static uint64_t spid_field(struct fz_ctl *ctl, struct fz_rng *r)
{
	return fz_below(r, 2) ? ctl->spids[fz_below(r, FZ_SPACES)]
			      : fz_below(r, 64);
}

/* A field of a struct: a value of `type` from the struct's own numbers. */
static uint64_t field(struct fz_ctl *ctl, struct fz_rng *r, unsigned type)
{
	if (type == T_TID)
		return fz_below(r, 4) ? tid_of(ctl, fz_next(r))
				      : fz_next(r) >> 32;
	if (type == T_SLOT && fz_below(r, 3) == 0)
		return FS_STANDARD + fz_below(r, 28);
	return fz_value(r, type);
}

static void fill_ids(struct fz_ctl *ctl, struct fz_rng *r, struct task_ids *ids)
{
	ids->tid = (uint32_t)field(ctl, r, T_TID);
	ids->spid = (uint32_t)spid_field(ctl, r);
	ids->tgid = (uint32_t)field(ctl, r, T_TID);
	ids->status = (int32_t)fz_next(r);
}

static void fill_create(struct fz_ctl *ctl, struct fz_rng *r,
			struct thread_create *tc)
{
	static const uint32_t prios[] = {PRIO_INHERIT, PRIO_INHERIT, 0,	 1,
					 100,	       255,	     256};
	tc->thread = fz_below(r, 2) ? FS_THREAD : field(ctl, r, T_SLOT);
	tc->space = fz_below(r, 2)   ? FS_SPACE
		    : fz_below(r, 2) ? CPTR_NONE
				     : field(ctl, r, T_SLOT);
	tc->cspace = fz_below(r, 2)   ? CPTR_NONE
		     : fz_below(r, 2) ? FS_NESTED
				      : field(ctl, r, T_SLOT);
	tc->untyped = fz_below(r, 2) ? FS_UNTYPED2 : field(ctl, r, T_SLOT);
	tc->dest = fz_below(r, 2) ? in_cs(FS_NESTED, (unsigned)fz_below(r, 17))
				  : field(ctl, r, T_DEST);
	tc->utcb = fz_below(r, 2) ? 0 : field(ctl, r, T_VADDR);
	tc->pager = fz_below(r, 2) ? TID_NIL : (uint32_t)field(ctl, r, T_TID);
	tc->cid = (uint32_t)field(ctl, r, T_CID);
	tc->prio =
	    fz_below(r, 4) ? prios[fz_below(r, 7)] : (uint32_t)fz_next(r);
	tc->copied = (uint32_t)fz_next(r);
}

static void fill_exregs(struct fz_ctl *ctl, struct fz_rng *r, struct exregs *x)
{
	uint64_t *regs = &x->rax;
	for (int i = 0; i < 16; i++)
		regs[i] = field(ctl, r, T_ANY);
	x->rip = fz_below(r, 2) ? field(ctl, r, T_VADDR) : field(ctl, r, T_ANY);
	x->rsp = field(ctl, r, T_VADDR);
	x->rflags = fz_below(r, 2) ? 0x202 : fz_next(r);
	x->fs_base = fz_below(r, 2) ? 0 : field(ctl, r, T_VADDR);
	x->gs_base = fz_below(r, 2) ? 0 : field(ctl, r, T_VADDR);
	x->utcb = field(ctl, r, T_VADDR);
	x->pager = (uint32_t)field(ctl, r, T_TID);
	x->valid =
	    fz_below(r, 8) ? (uint32_t)fz_below(r, 32) : (uint32_t)fz_next(r);
	x->flags =
	    fz_below(r, 8) ? (uint32_t)fz_below(r, 2) : (uint32_t)fz_next(r);
	x->state = (uint32_t)fz_next(r);
}

/* A capability record naming, mostly, one the worker really sees. */
static void fill_capability(struct fz_ctl *ctl, struct fz_rng *r,
			    struct capability *c, unsigned w)
{
	struct capability *seen = (struct capability *)(structs_of(w) + 512);
	long n = tess_capability_control(CAP_CONTROL_READ, 8, seen);
	if (n > 0 && fz_below(r, 4))
		*c = seen[fz_below(r, (uint64_t)n)];
	else
		c->capid = (uint32_t)fz_next(r);
	if (fz_below(r, 3))
		c->owner = (uint32_t)field(ctl, r, T_TID);
	if (fz_below(r, 4) == 0)
		c->type = CAP_IPC + (uint32_t)fz_below(r, 6);
	if (fz_below(r, 2))
		c->scope = (uint32_t)fz_below(r, 6);
	if (fz_below(r, 2)) {
		switch (c->scope) {
		case SCOPE_THREAD:
			c->resid = (uint32_t)field(ctl, r, T_TID);
			break;
		case SCOPE_SPACE:
			c->resid = (uint32_t)spid_field(ctl, r);
			break;
		default:
			c->resid = (uint32_t)field(ctl, r, T_CID);
			break;
		}
	}
	if (fz_below(r, 2))
		c->rights = fz_below(r, 4) ? c->rights & (uint32_t)fz_next(r)
					   : (uint32_t)fz_next(r);
}

/* The struct argument `a` of call `nr`, filled from `seed`, in the
 * worker's struct area; its address. */
static uint64_t make_struct(struct fz_ctl *ctl, unsigned nr, unsigned a,
			    uint64_t seed, unsigned w)
{
	struct fz_rng r = {seed | 1};
	void *s = structs_of(w);
	memset(s, 0, 512);
	if (nr == SYS_thread_control && a == 1)
		fill_ids(ctl, &r, s);
	else if (nr == SYS_thread_control)
		fill_create(ctl, &r, s);
	else if (nr == SYS_exchange_registers)
		fill_exregs(ctl, &r, s);
	else if (nr == SYS_capability_control)
		fill_capability(ctl, &r, s, w);
	/* Now and then the struct runs past the end of the shared page
	 * (the next page is not mapped), or starts in a page the pager has
	 * not filled. */
	if (fz_below(&r, 16) == 0) {
		uint64_t size =
		    nr == SYS_exchange_registers ? sizeof(struct exregs) : 64;
		char *end =
		    (char *)FZ_SHARED_VA + 4096 - size + fz_below(&r, 8);
		memcpy(end, s, (uint64_t)((char *)FZ_SHARED_VA + 4096 - end));
		return (uint64_t)end;
	}
	if (fz_below(&r, 32) == 0)
		return FZ_LAZY_VA + 0x100000 + fz_below(&r, 64) * 4096 - 8;
	return (uint64_t)s;
}

long fz_exec_call(struct fz_ctl *ctl, const struct fz_call *c, unsigned w)
{
	uint64_t a[FZ_VALS];
	const uint8_t *sig = fz_signature(c->nr);
	long r;

	for (unsigned i = 0; i < FZ_VALS; i++) {
		a[i] = c->val[i];
		if (sig[i] == T_NONE)
			break;
		switch (c->kind[i]) {
		case FA_TID:
			a[i] = tid_of(ctl, c->val[i]);
			break;
		case FA_SPID:
			a[i] = ctl->spids[c->val[i] % FZ_SPACES];
			break;
		case FA_STRUCT:
			a[i] = make_struct(ctl, c->nr, i, c->val[i], w);
			break;
		case FA_DEADLINE: {
			struct tess_timeval tv;
			tess_time(&tv);
			a[i] = (uint64_t)tv.tv_sec * 1000000 +
			       (uint64_t)tv.tv_usec + c->val[i];
			break;
		}
		}
	}
	if (c->nr == SYS_ipc)
		return raw_ipc(a, a[9], a[10]);
	if (c->nr == FZ_TOUCH) {
		volatile char *p =
		    (volatile char *)(FZ_LAZY_VA +
				      c->val[0] % (FZ_LAZY_PAGES * 4096ul));
		if (c->val[1] & 1)
			*p = (char)c->val[1];
		return *p;
	}
	if (c->nr == SYS_exit)
		return -E_INVAL; /* never drawn: it would end the worker */
	r = tess_syscall6(c->nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3],
			  (long)a[4], (long)a[5]);
	/* A thread it made: later calls may name it. */
	if (c->nr == SYS_thread_control && r == 0 &&
	    (a[0] & THREAD_ACTION_MASK) == THREAD_CREATE) {
		uint32_t tid = ((struct task_ids *)a[1])->tid;
		uint32_t i =
		    __atomic_fetch_add(&ctl->ntids, 1, __ATOMIC_RELAXED);
		if (i < FZ_TIDS)
			ctl->tids[i] = tid;
		else
			__atomic_fetch_sub(&ctl->ntids, 1, __ATOMIC_RELAXED);
	}
	return r;
}

/* A worker: runs its calls of each program the root task starts. */
void __attribute__((noreturn))
fz_worker_main(uint64_t w, uint64_t ctl_va, uint64_t root)
{
	struct fz_ctl *ctl = (struct fz_ctl *)ctl_va;
	struct fz_run *run = (struct fz_run *)FZ_RUN_VA;
	for (;;) {
		struct tess_msg m;
		memset(&m, 0, sizeof(m));
		if (tess_receive((uint32_t)root, &m))
			continue;
		uint32_t seq = (uint32_t)m.mr[0];
		for (uint32_t i = 0; i < run->prog.n && i < FZ_MAX_CALLS; i++) {
			const struct fz_call *c = &run->prog.c[i];
			if (c->worker != w)
				continue;
			run->result[i] = fz_exec_call(ctl, c, (unsigned)w);
			ctl->calls[w]++;
		}
		__atomic_store_n(&run->done[w], seq, __ATOMIC_RELEASE);
	}
}
