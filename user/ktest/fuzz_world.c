/*
 * The fuzzer's world (see fuzz.h): the workers' spaces and threads, their
 * pager, and how one program runs (the workers' own code is in
 * fuzz_worker.c).
 *
 * All of it is made from one Untyped of the root task's (the arena) and
 * lives in root slots from 0x0c00 up, which ktest's own allocator never
 * uses.  FZ_SPACES spaces, each a copy of the root task's space, hold
 * FZ_THREADS workers each, in container FZ_CID.  Each space has
 *  - a CSpace of 2^FZ_CSPACE_BITS slots, refilled before every program
 *    with the objects of enum fz_slot from a pool Untyped the root task
 *    keeps (revoking it takes back all a program made, wherever the
 *    program moved it);
 *  - the control page (struct fz_ctl) and a page for mutex words, both
 *    shared by every space, and a read-only page;
 *  - 2 MiB at FZ_LAZY_VA with page tables but no pages: the pager (a
 *    thread of the root task, every worker's pager) maps a page on the
 *    first fault there, from an Untyped revoked after every program.
 * The workers hold scope capabilities over their own container (IPC,
 * capability control, mutexes) and over container FZ_VICTIM_CID (thread
 * control, exchange registers), where the threads they create go:
 * they can do anything to those threads and to each other's capabilities,
 * but never stop, redirect or destroy a worker.  Each space's scope
 * capabilities are replicas of masters the root task keeps (revoking a
 * master takes back whatever was derived from it).  A worker that blocks
 * for good (an IPC nobody answers, a mutex nobody unlocks) is suspended
 * and run again, which ends its call with E_ABORTED.
 *
 * Only the spaces a program used are reset after it, and their scope
 * capabilities granted again only if a call changed some.  Everything
 * costs an invariant check of the whole kernel, so fewer calls here are
 * more calls fuzzed.
 */
#include "ktest.h"
#include "fuzz.h"

#define FZ_LAZY_BITS 21
#define FZ_LAZY_CSPACE_BITS 6 /* FZ_LAZY_PAGES */
#define FZ_COPY_CSPACE_BITS 9 /* the copied tables and pages of a space */
#define FZ_SLOTS_FIRST 0x0c00
#define FZ_SLOTS_END 0x1000
#define FZ_IDLE_YIELDS 2    /* yields without progress before kicking */
#define FZ_KICKS 100	    /* kicks before a worker counts as stuck */
#define FZ_STUCK_US 5000000 /* or this long */
#define FZ_SCOPE_CAPS 5

_Static_assert(sizeof(struct fz_ctl) <= 4096, "the control page");

#define FZ_PAGER_STACK_VA 0x00000b0000100000ul /* in our space only */

static void *stack_of(unsigned t)
{
	return (void *)(FZ_STACK_VA + t * FZ_STACK);
}

struct fz_space {
	cptr_t space, cspace, copies;
	cptr_t pool;		  /* revoked after every program */
	cptr_t lazy, lazy_cspace; /* the pager's pages, and their slots */
	cptr_t timer, input;	  /* the worker's are children of these */
	cptr_t thread[FZ_THREADS];
	uint32_t tid[FZ_THREADS];
	uint32_t spid;
	uint32_t master[FZ_SCOPE_CAPS]; /* capids: what it is granted comes
					 * from these (root-owned) */
};

static struct {
	struct tess_alloc al;
	cptr_t arena;
	cptr_t container, victims;
	cptr_t ctl_page, run_page, shared_page, ro_page;
	cptr_t pager_cap;
	uint32_t pager, root;
	struct fz_space sp[FZ_SPACES];
	struct fz_ctl *ctl;
	struct fz_run *run;
	uint64_t faults_served;
	uint64_t restarts; /* workers killed (by a fault) and started again */
	uint64_t calls;	   /* made by the workers: counted here, not from
			    * the control page, which calls may write over */
	uint64_t overwritten; /* programs whose calls wrote over its counts */
} W;

/* The scope capabilities every worker space gets. */
static const struct {
	unsigned type, cid;
	uint32_t ops;
} scope_caps[FZ_SCOPE_CAPS] = {
    {CAP_IPC, FZ_CID, CAP_IPC_ALL},
    {CAP_CAPCTRL, FZ_CID, CAP_CAPCTRL_ALL},
    {CAP_MUTEX, FZ_CID, CAP_MUTEX_ALL},
    {CAP_TCTRL, FZ_VICTIM_CID, CAP_TCTRL_ALL},
    {CAP_EXREGS, FZ_VICTIM_CID, CAP_EXREGS_ALL},
};

static cptr_t in_cs(cptr_t cs, unsigned slot)
{
	return (cs << CPTR_DIGIT_BITS) | slot;
}

/* ------------------------------------------------------------ the pager */

static int space_of(uint32_t tid)
{
	for (int i = 0; i < FZ_SPACES; i++)
		for (int t = 0; t < FZ_THREADS; t++)
			if (W.sp[i].tid[t] == tid)
				return i;
	return -1;
}

/* A page in the lazy region of the space of thread `tid`, if the fault
 * is there: 0 when mapped. */
static long serve(uint32_t tid, uint64_t addr)
{
	int i = space_of(tid);
	if (i < 0 || addr < FZ_LAZY_VA ||
	    addr >= FZ_LAZY_VA + FZ_LAZY_PAGES * 4096ul)
		return -E_RANGE;
	unsigned idx = (unsigned)((addr - FZ_LAZY_VA) >> PAGE_BITS_4K);
	cptr_t slot = in_cs(W.sp[i].lazy_cspace, idx);
	long r = tess_retype(W.sp[i].lazy, CAP_PAGE, 0, slot, 1);
	if (r && r != -E_OCCUPIED)
		return r;
	r = tess_map(slot, W.sp[i].space, addr & ~0xffful,
		     RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	if (r != -E_MAPPED)
		return r;
	/* Our page is there already: the fault was taken again before we
	 * served it the first time (the root task stopped and ran the
	 * thread meanwhile), and the thread goes on.  Anything else there
	 * is a program's own read-only page: the worker is killed (the
	 * root task starts it again). */
	struct cap_info ci;
	if (tess_cap_info(slot, &ci) == 0 && ci.mapped &&
	    ci.vaddr == (addr & ~0xffful))
		return 0;
	return r;
}

/*
 * Every worker's pager: pages in the lazy region on demand; any other
 * fault is refused (an extended copy then fails, a thread is killed).
 * The reply does not wait: if the root task stopped the thread after its
 * fault reached us, the thread is no longer waiting for this reply (it
 * takes the fault again when it runs), and a reply that waited would
 * wait for good while the thread's new fault waits for us.
 */
static void __attribute__((noreturn))
pager_main(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct tess_msg m;
	for (;;) {
		memset(&m, 0, sizeof(m));
		if (tess_ipc(TID_NIL, TID_ANY, IPC_SHORT, &m, NULL) ||
		    !(m.info & IPC_FROM_KERNEL))
			continue;
		if (m.mr[0] == IPC_TAG_PAGEFAULT &&
		    serve(m.sender, m.mr[1]) == 0)
			m.mr[0] = FAULT_RESUME;
		else
			m.mr[0] = FAULT_KILL;
		W.faults_served++;
		tess_ipc(m.sender, TID_NIL, IPC_SHORT | IPC_NONBLOCK, &m, NULL);
	}
}

/* ------------------------------------------------------------ building */

/* The root task's system-wide scope capability of `type`. */
static long find_system(unsigned type, struct capability *out)
{
	struct capability list[32];
	long n = tess_capability_control(CAP_CONTROL_READ, 32, list);
	for (long i = 0; i < n; i++)
		if (list[i].type == type && list[i].scope == SCOPE_SYSTEM &&
		    list[i].list == CAP_LIST_SPACE) {
			*out = list[i];
			return 0;
		}
	return n < 0 ? n : -E_NOCAP;
}

/* Space i's masters: replicas of ours, narrowed to one container, with
 * every generic right. */
static long make_masters(struct fz_space *s)
{
	for (int k = 0; k < FZ_SCOPE_CAPS; k++) {
		struct capability c;
		long r = find_system(scope_caps[k].type, &c);
		if (r ||
		    (r = tess_capability_control(CAP_CONTROL_REPLICATE, 0, &c)))
			return r;
		c.rights = scope_caps[k].ops | CAP_GENERIC_ALL;
		c.scope = SCOPE_CONTAINER;
		c.resid = scope_caps[k].cid;
		if ((r = tess_capability_control(CAP_CONTROL_DEDUCE, 0, &c)))
			return r;
		s->master[k] = c.capid;
	}
	return 0;
}

/* Take back whatever space i holds of its masters, and grant each again
 * (a replica, to its first worker's space). */
static long regrant(struct fz_space *s)
{
	for (int k = 0; k < FZ_SCOPE_CAPS; k++) {
		struct capability c;
		long r;
		memset(&c, 0, sizeof(c));
		c.capid = s->master[k];
		if ((r = tess_capability_control(CAP_CONTROL_REVOKE, 0, &c)) ||
		    (r = tess_capability_control(CAP_CONTROL_REPLICATE, 0, &c)))
			return r;
		c.owner = s->tid[0];
		if ((r = tess_capability_control(CAP_CONTROL_GRANT,
						 CAP_GRANT_SINGLE, &c)))
			return r;
	}
	return 0;
}

/* One object of the standard set into slot `slot` of the space's CSpace
 * (emptied first if a program left something there). */
static long standard(struct fz_space *s, unsigned slot, unsigned type,
		     unsigned bits)
{
	cptr_t dst = in_cs(s->cspace, slot);
	cptr_t from =
	    slot == FS_UNTYPED ? s->pool : in_cs(s->cspace, FS_UNTYPED);
	long r = 0;
	for (int tries = 0; tries < 2; tries++) {
		if (slot == FS_TIMER)
			r = tess_cap_mint(s->timer, dst, 0, 4);
		else if (slot == FS_INPUT)
			r = tess_cap_copy(s->input, dst);
		else
			r = tess_retype(from, type, bits, dst, 1);
		if (r != -E_OCCUPIED)
			return r;
		tess_cap_delete(dst);
	}
	return r;
}

static long populate(struct fz_space *s)
{
	static const struct {
		unsigned slot, type, bits;
	} set[] = {
	    {FS_UNTYPED, CAP_UNTYPED, FZ_POOL_BITS - 1},
	    {FS_PAGE, CAP_PAGE, 0},
	    {FS_PT, CAP_PT, 0},
	    {FS_NESTED, CAP_CSPACE, 4},
	    {FS_TIMER, CAP_TIMER, 0},
	    {FS_THREAD, CAP_THREAD, 0},
	    {FS_SPACE, CAP_SPACE, 0},
	    {FS_UNTYPED2, CAP_UNTYPED, 16},
	};
	long r = tess_cap_copy(s->cspace, in_cs(s->cspace, FS_SELF));
	if (r && r != -E_OCCUPIED)
		return r; /* slot 0 holds the CSpace unless a program moved it
			   */
	for (unsigned i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		if ((r = standard(s, set[i].slot, set[i].type, set[i].bits)))
			return r;
	return 0;
}

/* Take back everything programs made in space i; refill its CSpace;
 * grant its scope capabilities again if asked. */
static long reset_space(struct fz_space *s, int caps, int *leaked)
{
	long r;
	tess_cap_revoke(s->pool);
	tess_cap_revoke(s->lazy);
	tess_cap_revoke(s->timer);
	tess_cap_revoke(s->input);
	tess_cap_revoke(in_cs(s->cspace, FS_SELF));
	if (tess_remaining(s->pool) != 1l << FZ_POOL_BITS ||
	    tess_remaining(s->lazy) != 1l << FZ_LAZY_BITS)
		(*leaked)++;
	if (caps && (r = regrant(s)))
		return r;
	return populate(s);
}

static long make_space(int i, uint32_t pager)
{
	struct fz_space *s = &W.sp[i];
	struct task_ids ids;
	struct thread_create tc;
	long r;

	if ((r = tess_new(&W.al, CAP_SPACE, 0, &s->space)) ||
	    (r = tess_new(&W.al, CAP_CSPACE, FZ_CSPACE_BITS, &s->cspace)) ||
	    (r = tess_new(&W.al, CAP_CSPACE, FZ_COPY_CSPACE_BITS,
			  &s->copies)) ||
	    (r = tess_new(&W.al, CAP_UNTYPED, FZ_POOL_BITS, &s->pool)) ||
	    (r = tess_new(&W.al, CAP_UNTYPED, FZ_LAZY_BITS, &s->lazy)) ||
	    (r = tess_new(&W.al, CAP_CSPACE, FZ_LAZY_CSPACE_BITS,
			  &s->lazy_cspace)))
		return r;
	if (!(s->timer = tess_slot(&W.al)))
		return -E_LIMIT;
	if ((r = tess_cap_mint(BOOT_SLOT_TIMER, s->timer, 0, 2)))
		return r;
	if (!(s->input = tess_slot(&W.al)))
		return -E_LIMIT;
	if ((r = tess_cap_copy(BOOT_SLOT_INPUT, s->input)))
		return r;
	for (int t = 0; t < FZ_THREADS; t++) {
		if ((r = tess_new(&W.al, CAP_THREAD, 0, &s->thread[t])))
			return r;
		memset(&ids, 0, sizeof(ids));
		memset(&tc, 0, sizeof(tc));
		ids.tid = t ? s->tid[0] : W.root;
		tc.thread = s->thread[t];
		tc.space = t ? CPTR_NONE : s->space;
		tc.cspace = t ? CPTR_NONE : s->cspace;
		tc.untyped = W.arena;
		tc.dest = in_cs(s->copies, 0);
		tc.utcb = FZ_UTCB_VA + t * FZ_UTCB_STRIDE;
		tc.pager = pager;
		tc.cid = FZ_CID;
		tc.prio = PRIO_INHERIT;
		r = tess_thread_control(
		    THREAD_CREATE | (t ? TC_SHARE_SPACE : TC_COPY_SPACE), &ids,
		    &tc);
		if (r)
			return r;
		s->tid[t] = ids.tid;
		s->spid = ids.spid;
	}
	return make_masters(s);
}

/* `page` (a copy of it) mapped at `va` in space `s` with `rights`. */
static long share_page(struct fz_space *s, cptr_t page, uint64_t va,
		       unsigned rights)
{
	cptr_t copy = tess_slot(&W.al);
	long r = copy ? tess_cap_copy(page, copy) : -E_LIMIT;
	if (r)
		return r;
	return tess_map_page(&W.al, copy, s->space, va, rights);
}

long fz_world_build(void)
{
	long r;
	int leaked = 0;

	memset(&W, 0, sizeof(W));
	W.root = kt_self();
	if ((r = tess_new(ka, CAP_UNTYPED, FZ_ARENA_BITS, &W.arena)))
		return r;
	tess_alloc_init(&W.al, W.arena, FZ_SLOTS_FIRST, FZ_SLOTS_END);
	if ((r = tess_new(&W.al, CAP_CONTAINER, 0, &W.container)) ||
	    (r = tess_container_control(CONTAINER_CONFIGURE, W.container,
					FZ_CID)) ||
	    (r = tess_new(&W.al, CAP_CONTAINER, 0, &W.victims)) ||
	    (r = tess_container_control(CONTAINER_CONFIGURE, W.victims,
					FZ_VICTIM_CID)))
		return r;

	/* The pager: a thread of ours, in our space. */
	struct task_ids ids = {W.root, 0, 0, 0};
	struct thread_create tc;
	memset(&tc, 0, sizeof(tc));
	if ((r = tess_new(&W.al, CAP_THREAD, 0, &W.pager_cap)))
		return r;
	tc.thread = W.pager_cap;
	tc.space = tc.cspace = tc.untyped = tc.dest = CPTR_NONE;
	tc.pager = TID_NIL;
	tc.cid = TID_CID(W.root);
	tc.prio = PRIO_INHERIT;
	if ((r = tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids,
				     &tc)))
		return r;
	W.pager = ids.tid;

	/* The spaces are copies of ours: made before anything of the
	 * fuzzer's is mapped here (the shared pages must be the same pages
	 * in every space, not copies). */
	for (int i = 0; i < FZ_SPACES; i++)
		if ((r = make_space(i, W.pager)))
			return r;
	for (unsigned i = 0; i < FZ_STACK / 4096; i++) {
		cptr_t page;
		if ((r = tess_new_page_at(&W.al, SPACE_SELF,
					  FZ_PAGER_STACK_VA + i * 4096ul,
					  &page)))
			return r;
	}
	if ((r = kt_start(W.pager, pager_main, (void *)FZ_PAGER_STACK_VA,
			  FZ_STACK, 0, 0, 0)))
		return r;
	if ((r = tess_new_page_at(&W.al, SPACE_SELF, FZ_CTL_VA, &W.ctl_page)) ||
	    (r = tess_new_page_at(&W.al, SPACE_SELF, FZ_RUN_VA, &W.run_page)) ||
	    (r = tess_new_page_at(&W.al, SPACE_SELF, FZ_SHARED_VA,
				  &W.shared_page)) ||
	    (r = tess_new(&W.al, CAP_PAGE, 0, &W.ro_page)))
		return r;
	W.ctl = (struct fz_ctl *)FZ_CTL_VA;
	W.run = (struct fz_run *)FZ_RUN_VA;
	for (int i = 0; i < FZ_SPACES; i++) {
		struct fz_space *s = &W.sp[i];
		if ((r = share_page(s, W.ctl_page, FZ_CTL_VA,
				    RIGHT_PAGE_READ | RIGHT_PAGE_WRITE)) ||
		    (r = share_page(s, W.run_page, FZ_RUN_VA,
				    RIGHT_PAGE_READ | RIGHT_PAGE_WRITE)) ||
		    (r = share_page(s, W.shared_page, FZ_SHARED_VA,
				    RIGHT_PAGE_READ | RIGHT_PAGE_WRITE)) ||
		    (r = share_page(s, W.ro_page, FZ_RO_VA, RIGHT_PAGE_READ)) ||
		    (r = tess_ensure_tables(&W.al, s->space, FZ_LAZY_VA)) ||
		    (r = regrant(s)))
			return r;
		for (unsigned p = 0; p < FZ_PRIVATE_PAGES; p++) {
			cptr_t page;
			if ((r = tess_new(&W.al, CAP_PAGE, 0, &page)) ||
			    (r = tess_map_page(&W.al, page, s->space,
					       FZ_SCRATCH_VA + p * 4096ul,
					       RIGHT_PAGE_READ |
						   RIGHT_PAGE_WRITE)))
				return r;
		}
		W.ctl->spids[i] = s->spid;
	}
	W.ctl->root = W.root;
	if ((r = fz_world_reset(NULL, &leaked)))
		return r;
	for (int i = 0; i < FZ_SPACES; i++)
		for (int t = 0; t < FZ_THREADS; t++) {
			unsigned w = (unsigned)(i * FZ_THREADS + t);
			if ((r = kt_start(W.sp[i].tid[t], fz_worker_main,
					  stack_of(t), FZ_STACK, w, FZ_CTL_VA,
					  W.root)))
				return r;
		}
	return leaked ? -E_NOMEM : 0;
}

/* ------------------------------------------------------------ running */

static int changes_scope_caps(const struct fz_call *c, long result)
{
	return c->nr == SYS_capability_control && result == 0 &&
	       c->val[0] != CAP_CONTROL_NCAPS && c->val[0] != CAP_CONTROL_READ;
}

/* Take back everything program `last` made (NULL: whatever any program
 * made), in the spaces it used, and refill their CSpaces; *leaked counts
 * the pools that did not come back whole. */
long fz_world_reset(const struct fz_prog *last, int *leaked)
{
	struct fz_ctl *ctl = W.ctl;
	int used[FZ_SPACES] = {0}, caps[FZ_SPACES] = {0};
	long r;

	for (int i = 0; i < FZ_SPACES; i++)
		used[i] = caps[i] = !last;
	for (unsigned k = 0; last && k < last->n; k++) {
		unsigned i = (last->c[k].worker % FZ_WORKERS) / FZ_THREADS;
		used[i] = 1;
		caps[i] |= changes_scope_caps(&last->c[k], W.run->result[k]);
	}
	for (int i = 0; i < FZ_SPACES; i++)
		if (used[i] && (r = reset_space(&W.sp[i], caps[i], leaked)))
			return r;
	memset((void *)FZ_SHARED_VA, 0, 4 * FZ_MUTEX_WORDS);
	for (int i = 0; i < FZ_SPACES; i++)
		for (int t = 0; t < FZ_THREADS; t++)
			ctl->tids[i * FZ_THREADS + t] = W.sp[i].tid[t];
	ctl->tids[FZ_WORKERS] = W.pager;
	ctl->tids[FZ_WORKERS + 1] = W.root;
	ctl->ntids = FZ_FIXED_TIDS;
	return 0;
}

/* A worker that will not finish: stop it and run it again, which ends
 * the call it waits in with E_ABORTED.  A worker that died (it should
 * not) is recycled and started again: 1 then (its calls of the program
 * were not all made). */
static int kick(unsigned w, uint32_t seq)
{
	uint32_t tid = W.sp[w / FZ_THREADS].tid[w % FZ_THREADS];
	kt_tctrl(THREAD_SUSPEND, tid);
	if (kt_tctrl(THREAD_RUN, tid) == -E_BUSY) {
		kt_tctrl(THREAD_RECYCLE, tid);
		W.run->done[w] = seq;
		W.restarts++;
		kt_start(tid, fz_worker_main, stack_of(w % FZ_THREADS),
			 FZ_STACK, w, FZ_CTL_VA, W.root);
		return 1;
	}
	return 0;
}

static uint32_t worker_tid(unsigned w)
{
	return W.sp[w / FZ_THREADS].tid[w % FZ_THREADS];
}

static int finished(unsigned w, uint32_t seq)
{
	return __atomic_load_n(&W.run->done[w], __ATOMIC_ACQUIRE) == seq;
}

/* The workers' own counts of the calls they made, in the control page:
 * how far they are, while a program runs.  Only a hint: a call may write
 * over them (a UTCB, a buffer or a struct the kernel fills there). */
static uint64_t ctl_calls(void)
{
	uint64_t n = 0;
	for (unsigned w = 0; w < FZ_WORKERS; w++)
		n += W.ctl->calls[w];
	return n;
}

/* Program p is over: the calls of the workers that finished it (and
 * were not started again) were made.  If a worker's count in the control page
 * says otherwise, a call wrote over it: said once per program (with the
 * program), so that the campaign's count, which once depended on it, is known
 * to be right. */
static void count_calls(const struct fz_prog *p, uint32_t seq, const int *busy,
			const uint64_t *before)
{
	uint64_t made[FZ_WORKERS] = {0};
	int overwritten = 0;
	for (unsigned i = 0; i < p->n; i++) {
		unsigned w = p->c[i].worker;
		if (w < FZ_WORKERS && busy[w] == 1 && finished(w, seq))
			made[w]++;
	}
	for (unsigned w = 0; w < FZ_WORKERS; w++) {
		W.calls += made[w];
		if (busy[w] == 1 && finished(w, seq) &&
		    W.ctl->calls[w] - before[w] != made[w])
			overwritten = 1;
	}
	if (overwritten) {
		W.overwritten++;
		tap_diag("program %u wrote over the workers' call counts in "
			 "the control page:",
			 seq);
		fz_print(p);
	}
}

/* Run program p as number `seq`: every worker its calls, all at once.
 * When the workers stop making progress while we yield, those blocked
 * are kicked; *stuck counts the workers that could not be made to
 * finish. */
long fz_world_run(const struct fz_prog *p, uint32_t seq, int *stuck)
{
	int busy[FZ_WORKERS] = {0}; /* 1: has calls, 2: was started again */
	struct fz_ctl *ctl = W.ctl;
	uint64_t last_calls = ~0ull, give_up = 0, before[FZ_WORKERS];
	int idle = 0, kicks = 0, left;

	W.run->prog = *p;
	for (unsigned i = 0; i < p->n; i++) {
		busy[p->c[i].worker % FZ_WORKERS] = 1;
		W.run->result[i] = -E_ERROR_MAX;
	}
	for (unsigned w = 0; w < FZ_WORKERS; w++)
		before[w] = ctl->calls[w];
	for (unsigned w = 0; w < FZ_WORKERS; w++) {
		struct tess_msg m;
		if (!busy[w])
			continue;
		memset(&m, 0, sizeof(m));
		m.mr[0] = seq;
		/* It waits for us (it finished the last program). */
		for (int tries = 0;
		     tess_ipc(worker_tid(w), TID_NIL, IPC_SHORT | IPC_NONBLOCK,
			      &m, NULL) == -E_WOULDBLOCK;
		     tries++) {
			if (tries > 100) {
				(*stuck)++;
				busy[w] = 0;
				break;
			}
			tess_thread_switch(TID_NIL);
		}
	}
	for (;;) {
		left = 0;
		for (unsigned w = 0; w < FZ_WORKERS; w++)
			left += busy[w] && !finished(w, seq);
		if (!left) {
			count_calls(p, seq, busy, before);
			return 0;
		}
		uint64_t calls = ctl_calls();
		idle = calls == last_calls ? idle + 1 : 0;
		last_calls = calls;
		if (idle >= FZ_IDLE_YIELDS) {
			/* Nobody moved while we yielded: kick the blocked. */
			if (!give_up)
				give_up = kt_now_us() + FZ_STUCK_US;
			if (++kicks > FZ_KICKS || kt_now_us() > give_up)
				break;
			for (unsigned w = 0; w < FZ_WORKERS; w++)
				if (busy[w] && !finished(w, seq) &&
				    kt_state(worker_tid(w)) !=
					THREAD_STATE_RUNNABLE &&
				    kick(w, seq))
					busy[w] = 2; /* started again */
			idle = 0;
		}
		tess_thread_switch(TID_NIL);
	}
	for (unsigned w = 0; w < FZ_WORKERS; w++)
		if (busy[w] && !finished(w, seq)) {
			(*stuck)++;
			tap_diag(
			    "fuzz: worker %u (thread %x, state %ld) stuck in "
			    "program %u",
			    w, worker_tid(w), kt_state(worker_tid(w)), seq);
		}
	fflush_stdout();
	tess_debug_dump(BOOT_SLOT_DEBUG, DUMP_THREADS);
	count_calls(p, seq, busy, before);
	return -E_WOULDBLOCK;
}

uint64_t fz_world_calls(void)
{
	return W.calls;
}

uint64_t fz_world_overwritten(void)
{
	return W.overwritten;
}

uint64_t fz_world_faults(void)
{
	return W.faults_served;
}

uint64_t fz_world_restarts(void)
{
	return W.restarts;
}

cptr_t fz_world_arena(void)
{
	return W.arena;
}

/* Everything the campaign made goes with the arena, and the masters
 * (with all derived from them) with the system capabilities' children. */
long fz_world_free(void)
{
	static const unsigned types[] = {CAP_IPC, CAP_CAPCTRL, CAP_MUTEX,
					 CAP_TCTRL, CAP_EXREGS};
	long r;
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct capability c;
		if (find_system(types[i], &c) == 0)
			tess_capability_control(CAP_CONTROL_REVOKE, 0, &c);
	}
	for (int i = 0; i < FZ_SPACES; i++)
		for (int k = 0; k < 2; k++) {
			cptr_t c = k ? W.sp[i].input : W.sp[i].timer;
			if (c) {
				tess_cap_revoke(c);
				tess_cap_delete(c);
			}
		}
	r = tess_cap_revoke(W.arena);
	for (cptr_t s = FZ_SLOTS_FIRST; s < FZ_SLOTS_END; s++)
		tess_cap_delete(s);
	return r;
}
