/*
 * ktest: capability_control, what scope capabilities allow, and containers.
 *
 * capability_control: NCAPS and READ (counts, buffers, the READ right),
 * REPLICATE, DEDUCE, SPLIT, DESTROY, REVOKE, SHARE and GRANT, with every
 * error each returns.  Authority in practice: "agents", threads in copies
 * of the root task's space (TC_COPY_SPACE) that start with no scope
 * capability at all, are given narrowed ones and show what each allows and
 * no more (thread creation, IPC to one thread, revocation, sharing with
 * children, siblings and thread groups, the order of the lists, the life
 * of a group: joining, spanning spaces and containers, its end with its
 * leader).  Containers:
 * CONTAINER_CONFIGURE, thread ids in container 2, IPC across containers
 * only with a capability, and the end of a container with its last cap.
 * Space ids: a space made in the table entry of a destroyed one has a new
 * id, which the old space scope does not cover.
 *
 * An agent (agent.c) takes orders from the root task by IPC (operation
 * and arguments in the message registers), carries each out with one
 * system call and leaves the result in a mailbox page the root task maps
 * too, at the same address, so pointers into the mailbox are good in both
 * spaces.  Echo threads in the root task's space answer calls with MR0 + 1
 * and record who called.  Every object comes from an arena (one Untyped,
 * one CSpace for the slots) that is empty again at the end; the scope
 * capabilities made here are destroyed or revoked, so the root task's
 * lists end as they began.
 */
#include "ktest.h"
#include <tess_thread.h>

/* The arena's Untyped: 32 MiB (each agent is a copy of the whole ktest
 * image). */
#define ARENA_BITS 25
#define ARENA_SLOT_BITS 10 /* the arena's CSpace: 1024 slots */
#define ROOT_LIST_SLOTS 28 /* a space's own list (kernel/core/space.h) */
#define STACK_SIZE 8192
#define NECHO 3
#define NREC 40

/* The suite's addresses: agent mailboxes, then two test pages. */
#define VA_MB(i) (KT_VA_CAPCTRL + 0x1000ul * (1 + (i)))
#define VA_SCRATCH (KT_VA_CAPCTRL + 0x10000ul) /* next page: unmapped */
#define VA_RO (KT_VA_CAPCTRL + 0x20000ul)      /* mapped read-only */

#define IPC_SS (CAP_IPC_SEND | CAP_IPC_SHORT)
#define GEN CAP_GENERIC_ALL

enum agent_op { OP_IPC = 1, OP_CAPCTRL, OP_TCTRL, OP_GETID, OP_SPIN };

struct echo_rec {
	volatile uint32_t count;
	volatile uint32_t sender;
	volatile uint64_t last;
};

/* An agent's mailbox (see ktest.h). */
struct mbox {
	struct kt_mbox k;
	volatile uint64_t reply; /* OP_IPC: MR0 received */
	volatile uint32_t sender;
	volatile uint32_t spin; /* OP_SPIN: counts forever */
	struct echo_rec echo;	/* for an echo thread in the agent's space */
	struct capability cap;	/* capability_control's buffer */
	struct capability list[NREC];
	struct task_ids ids; /* OP_TCTRL, OP_GETID */
	struct thread_create tc;
};
_Static_assert(sizeof(struct mbox) <= 4096, "a mailbox is one page");

static char aecho_stack[STACK_SIZE] __attribute__((aligned(16)));
static char echo_stack[NECHO][STACK_SIZE] __attribute__((aligned(16)));
static struct echo_rec echo_recs[NECHO];
static struct tess_thread echo[NECHO];

static struct tess_alloc al; /* slots of the arena CSpace */
static cptr_t arena_ut, arena_cs, root_tables[3], scratch_page, ro_page;
static uint32_t root_tid, root_spid;
static uint32_t sys_cap[CAP_MUTEX - CAP_IPC + 1]; /* the root's capids */
static struct capability start_list[NREC], rl[NREC];
static long start_n;

#define SYS(type) sys_cap[(type)-CAP_IPC]

/* ------------------------------------------------------------ in other threads
 */

/* An agent's order (kt_order_fn): one system call. */
static long agent_order(struct mbox *mb, struct tess_msg *m)
{
	uint64_t a1 = m->mr[1], a2 = m->mr[2], a3 = m->mr[3], a4 = m->mr[4];
	long r;
	switch (m->mr[0]) {
	case OP_IPC:
		memset(m, 0, sizeof(*m));
		m->mr[0] = a4;
		r = tess_ipc((uint32_t)a1, (uint32_t)a2, (uint32_t)a3, m, 0);
		mb->reply = m->mr[0];
		mb->sender = m->sender;
		return r;
	case OP_CAPCTRL:
		return tess_capability_control((unsigned)a1, a2, (void *)a3);
	case OP_TCTRL:
		return tess_thread_control((uint32_t)a1, &mb->ids, &mb->tc);
	case OP_GETID:
		return tess_getid(&mb->ids);
	case OP_SPIN:
		for (;;) {
			mb->spin++;
			tess_thread_switch(TID_NIL);
		}
	default:
		return KT_AGENT_UNKNOWN;
	}
}

/* An echo: answers every message with MR0 + 1 (if the caller waits for it
 * and the echo may send to it) and records who sent what in *rec. */
static void echo_main(void *rec_)
{
	struct echo_rec *rec = rec_;
	struct tess_msg m;
	for (;;) {
		memset(&m, 0, sizeof(m));
		if (tess_receive(TID_ANY, &m))
			continue;
		rec->sender = m.sender;
		rec->last = m.mr[0];
		__atomic_add_fetch(&rec->count, 1, __ATOMIC_RELEASE);
		m.mr[0] += 1;
		tess_ipc(m.sender, TID_NIL, IPC_SHORT | IPC_NONBLOCK, &m, 0);
	}
}

/* echo_main started with kt_start (rec in a0). */
static void echo_entry(uint64_t rec, uint64_t a1, uint64_t a2)
{
	echo_main((void *)rec);
}

/* ------------------------------------------------------------ helpers */

/* An echo in the root task's space on `stack`, recording in *rec; 0 once
 * it waits for messages. */
static long echo_make(struct tess_thread *e, struct echo_rec *rec, char *stack)
{
	long r = tess_thread_spawn(&al, echo_main, rec, stack + STACK_SIZE,
				   TID_NIL, e);
	return r ? r : kt_wait_state(e->tid, THREAD_STATE_BLOCKED);
}

/*
 * An agent in container `cid`, paged by `pager` (TID_NIL: the root task),
 * with root CSpace `cspace` (or CPTR_NONE), mailbox number `idx`.  It
 * starts with no scope capability in its own list.
 */
static long agent_make(struct kt_agent *a, int idx, uint32_t cid,
		       uint32_t pager, cptr_t cspace)
{
	return kt_agent_make(a, &al, VA_MB(idx), cid, pager, cspace,
			     agent_order);
}

/* The agent calls `to` (send MR0 = val, then wait for its answer). */
static long agent_call(struct kt_agent *a, uint32_t to, uint64_t val)
{
	return kt_agent_do(a, OP_IPC, to, to, IPC_SHORT, val);
}

/* A capability_control record: {capid, owner, rights, scope, resid}. */
static struct capability cap_rec(uint32_t capid, uint32_t owner,
				 uint32_t rights, uint32_t scope,
				 uint32_t resid)
{
	struct capability c;
	memset(&c, 0, sizeof(c));
	c.capid = capid;
	c.owner = owner;
	c.rights = rights;
	c.scope = scope;
	c.resid = resid;
	return c;
}

/* The agent's capability_control(req, flags, &mb->cap) with mb->cap =
 * {capid, owner, rights, scope, resid}. */
static long agent_cc(struct kt_agent *a, unsigned req, unsigned long flags,
		     uint32_t capid, uint32_t owner, uint32_t rights,
		     uint32_t scope, uint32_t resid)
{
	a->mb->cap = cap_rec(capid, owner, rights, scope, resid);
	return kt_agent_do(a, OP_CAPCTRL, req, flags, (uint64_t)&a->mb->cap, 0);
}

/* The agent reads what it sees into mb->list; the count or -E_*. */
static long agent_read(struct kt_agent *a)
{
	return kt_agent_do(a, OP_CAPCTRL, CAP_CONTROL_READ, NREC,
			   (uint64_t)a->mb->list, 0);
}

/* ---------------------------------------- the root task's capability_control
 */

static long cc_req(unsigned req, unsigned long flags, uint32_t capid,
		   uint32_t owner, uint32_t rights, uint32_t scope,
		   uint32_t resid, uint32_t *out)
{
	struct capability c = cap_rec(capid, owner, rights, scope, resid);
	long r = tess_capability_control(req, flags, &c);
	if (out)
		*out = c.capid;
	return r;
}

static long replicate(uint32_t capid, uint32_t *out)
{
	uint32_t n = 0;
	long r = cc_req(CAP_CONTROL_REPLICATE, 0, capid, 0, 0, 0, 0, &n);
	*out = r ? 0 : n;
	return r;
}

static long deduce(uint32_t capid, uint32_t rights, uint32_t scope,
		   uint32_t resid)
{
	return cc_req(CAP_CONTROL_DEDUCE, 0, capid, 0, rights, scope, resid,
		      NULL);
}

static long split(uint32_t capid, uint32_t diff, uint32_t *out)
{
	uint32_t n = 0;
	long r = cc_req(CAP_CONTROL_SPLIT, 0, capid, 0, diff, 0, 0, &n);
	*out = r ? 0 : n;
	return r;
}

static long cc_destroy(uint32_t capid)
{
	return cc_req(CAP_CONTROL_DESTROY, 0, capid, 0, 0, 0, 0, NULL);
}

static long cc_revoke(uint32_t capid)
{
	return cc_req(CAP_CONTROL_REVOKE, 0, capid, 0, 0, 0, 0, NULL);
}

static long share(uint32_t capid, unsigned long flags)
{
	return cc_req(CAP_CONTROL_SHARE, flags, capid, 0, 0, 0, 0, NULL);
}

static long grant(uint32_t capid, uint32_t to, unsigned long flags)
{
	return cc_req(CAP_CONTROL_GRANT, flags, capid, to, 0, 0, 0, NULL);
}

/* A replica of the root's `type` cap narrowed to rights/scope/resid. */
static long narrowed(unsigned type, uint32_t rights, uint32_t scope,
		     uint32_t resid, uint32_t *out)
{
	long r = replicate(SYS(type), out);
	if (r)
		return r;
	r = deduce(*out, rights, scope, resid);
	if (r) {
		cc_destroy(*out);
		*out = 0;
	}
	return r;
}

/*
 * The same, with TRANSFERABLE, granted to agent `a` (flags: CAP_GRANT_*).
 * The replica is made below a temporary parent so that a failed grant can
 * be undone by a revoke whatever generic bits the replica has left.
 */
static long give(struct kt_agent *a, unsigned type, uint32_t rights,
		 uint32_t scope, uint32_t resid, unsigned long flags,
		 uint32_t *out)
{
	uint32_t p, c = 0;
	long r = replicate(SYS(type), &p);
	if (r)
		return r;
	r = replicate(p, &c);
	if (!r)
		r = deduce(c, rights | CAP_TRANSFERABLE, scope, resid);
	if (!r)
		r = grant(c, a->tid, CAP_GRANT_SINGLE | flags);
	if (r)
		cc_revoke(p);
	cc_destroy(p);
	if (out)
		*out = r ? 0 : c;
	return r;
}

static long root_read(void)
{
	memset(rl, 0xa5, sizeof(rl));
	return tess_capability_control(CAP_CONTROL_READ, NREC, rl);
}

static long root_ncaps(void)
{
	return tess_capability_control(CAP_CONTROL_NCAPS, 0, NULL);
}

static const struct capability *find_rec(const struct capability *l, long n,
					 uint32_t capid)
{
	for (long i = 0; i < n; i++)
		if (l[i].capid == capid)
			return &l[i];
	return NULL;
}

/* Is `capid` in the root task's view, with these fields? */
static int root_has(uint32_t capid, uint32_t rights, uint32_t scope,
		    uint32_t resid, uint32_t list)
{
	long n = root_read();
	const struct capability *c = find_rec(rl, n, capid);
	return c && c->rights == rights && c->scope == scope &&
	       c->resid == resid && c->list == list && c->owner == root_spid;
}

static int root_sees(uint32_t capid)
{
	long n = root_read();
	return find_rec(rl, n, capid) != NULL;
}

/* ------------------------------------------------------------ set-up */

static const uint32_t all_ops[] = {CAP_IPC_ALL, CAP_TCTRL_ALL, CAP_EXREGS_ALL,
				   CAP_CAPCTRL_ALL, CAP_MUTEX_ALL};

static int setup(void)
{
	struct task_ids ids;
	struct cap_info ci;
	cptr_t slot;
	long r;

	tess_getid(&ids);
	root_tid = ids.tid;
	root_spid = ids.spid;

	/* The arena: an Untyped and a CSpace from the shared allocator. */
	if (tess_new(ka, CAP_UNTYPED, ARENA_BITS, &arena_ut) ||
	    tess_new(ka, CAP_CSPACE, ARENA_SLOT_BITS, &arena_cs))
		return tap_ok(0,
			      "capctrl: make the arena (untyped and CSpace)");
	slot = kt_addr2(arena_cs, 0);
	tess_alloc_init(&al, arena_ut, slot, slot + (1u << ARENA_SLOT_BITS));

	/* What the root task sees now, for the check at the end, and its
	 * five system-wide capabilities. */
	start_n = tess_capability_control(CAP_CONTROL_READ, NREC, start_list);
	if (start_n < 0)
		return tap_ok(0,
			      "capctrl: the root task reads its capabilities");
	for (long i = 0; i < start_n; i++) {
		const struct capability *c = &start_list[i];
		if (c->type >= CAP_IPC && c->type <= CAP_MUTEX &&
		    c->scope == SCOPE_SYSTEM && c->list == CAP_LIST_SPACE &&
		    c->rights == (all_ops[c->type - CAP_IPC] | GEN) &&
		    !SYS(c->type))
			SYS(c->type) = c->capid;
	}
	if (start_n != 5)
		tap_diag("capctrl: the root task starts with %ld capabilities",
			 start_n);

	/* Tables for the suite's range, a scratch page, a read-only page. */
	r = kt_tables_make(&al, SPACE_SELF, KT_VA_CAPCTRL, root_tables);
	if (!r)
		r = tess_new_page_at(&al, SPACE_SELF, VA_SCRATCH,
				     &scratch_page);
	if (!r && !(r = tess_new(&al, CAP_PAGE, 0, &ro_page)))
		r = tess_map(ro_page, SPACE_SELF, VA_RO, RIGHT_PAGE_READ);
	if (r)
		return tap_eq(r, 0, "capctrl: map the suite's pages");
	if (tess_cap_info(scratch_page, &ci) || !ci.mapped)
		return tap_ok(0, "capctrl: the scratch page is mapped");

	for (int i = 0; i < NECHO; i++) {
		r = echo_make(&echo[i], &echo_recs[i], echo_stack[i]);
		if (r)
			return tap_eq(r, 0, "capctrl: start echo thread %d", i);
	}
	return 1;
}

static void teardown(void)
{
	long bad = 0, n;
	for (int i = 0; i < NECHO; i++)
		if (echo[i].thread_cap)
			bad |= tess_delete(&al, echo[i].thread_cap);
	bad |= tess_delete(&al, scratch_page);
	bad |= tess_delete(&al, ro_page);
	bad |= kt_tables_free(&al, root_tables);
	tap_eq(bad, 0,
	       "capctrl: the suite's threads, pages and tables are deleted");

	n = root_read();
	int same = n == start_n;
	for (long i = 0; same && i < n; i++)
		same = !memcmp(&rl[i], &start_list[i], sizeof(rl[i]));
	tap_ok(same, "capctrl: the root task's lists end as they began");

	tap_eq(tess_remaining(arena_ut), 1l << ARENA_BITS,
	       "capctrl: every object made from the arena is gone");
	bad = tess_delete(ka, arena_cs);
	bad |= tess_delete(ka, arena_ut);
	tap_eq(bad, 0, "capctrl: the arena is deleted");
}

/* ------------------------------------------------------------ NCAPS, READ */

static void test_read(void)
{
	long n = root_ncaps(), r;
	int ok;

	tap_ok(n >= 5, "NCAPS counts the capabilities the root task sees");
	r = root_read();
	tap_eq(r, n, "READ returns as many records as NCAPS counts");
	ok = 1;
	for (unsigned t = CAP_IPC; t <= CAP_MUTEX; t++) {
		const struct capability *c = find_rec(rl, r, SYS(t));
		ok &= SYS(t) != 0 && c && c->type == t &&
		      c->scope == SCOPE_SYSTEM && c->resid == 0 &&
		      c->owner == root_spid && c->list == CAP_LIST_SPACE &&
		      c->rights == (all_ops[t - CAP_IPC] | GEN);
	}
	tap_ok(
	    ok,
	    "READ shows a system-wide cap of each scope type with every right");
	ok = 1;
	for (long i = 0; i < r; i++)
		for (long j = 0; j < i; j++)
			ok &= rl[i].capid && rl[i].capid != rl[j].capid;
	tap_ok(ok, "READ: capids are non-zero and distinct");
	tap_eq(tess_capability_control(CAP_CONTROL_NCAPS, 0, (void *)0x10), n,
	       "NCAPS does not use the buffer");

	/* Too small and too large buffers. */
	memset(rl, 0xa5, sizeof(rl));
	r = tess_capability_control(CAP_CONTROL_READ, n - 1, rl);
	tap_eq(
	    r, n - 1,
	    "READ into a buffer one record short returns the records that fit");
	tap_ok(rl[n - 1].capid == 0xa5a5a5a5 && rl[n - 2].capid != 0xa5a5a5a5,
	       "READ writes no record past the buffer");
	memset(rl, 0xa5, sizeof(rl));
	r = tess_capability_control(CAP_CONTROL_READ, n + 3, rl);
	tap_eq(r, n, "READ into a larger buffer returns the count");
	tap_ok(rl[n].capid == 0xa5a5a5a5 && rl[n - 1].capid != 0xa5a5a5a5,
	       "READ into a larger buffer leaves the rest alone");
	tap_eq(tess_capability_control(CAP_CONTROL_READ, 0, NULL), 0,
	       "READ of zero records returns 0");
	tap_eq(tess_capability_control(CAP_CONTROL_READ, 4097, rl), -E_TOOBIG,
	       "READ of more than 4096 records is E_TOOBIG");

	/* Bad buffers. */
	tap_eq(tess_capability_control(CAP_CONTROL_READ, 1, NULL), -E_FAULT,
	       "READ into NULL is E_FAULT");
	tap_eq(tess_capability_control(CAP_CONTROL_READ, n,
				       (void *)0xffffffff80000000ul),
	       -E_FAULT, "READ into the kernel half is E_FAULT");
	tap_eq(tess_capability_control(CAP_CONTROL_READ, n, (void *)VA_RO),
	       -E_FAULT, "READ into a read-only page is E_FAULT");
	struct capability *edge = (struct capability *)(VA_SCRATCH + 4096) - 2;
	memset(edge, 0x5a, 2 * sizeof(*edge));
	tap_eq(tess_capability_control(CAP_CONTROL_READ, n, edge), -E_FAULT,
	       "READ into a buffer running off its page is E_FAULT");
	tap_ok(edge[0].capid == 0x5a5a5a5a && edge[1].capid == 0x5a5a5a5a,
	       "a READ that fails writes nothing");
}

/* NCAPS and READ need the READ right on a CAPCTRL cap covering the caller;
 * each other request needs its own bit. */
static void test_capctrl_rights(void)
{
	struct kt_agent a;
	uint32_t k1, ipc;
	long r;

	r = agent_make(&a, 0, 0, TID_NIL, CPTR_NONE);
	if (!tap_eq(r, 0,
		    "rights: start an agent in a copy of the root's space"))
		goto out;
	tap_eq(kt_agent_do(&a, OP_CAPCTRL, CAP_CONTROL_NCAPS, 0, 0, 0),
	       -E_NOCAP, "a thread with no CAPCTRL cap: NCAPS is E_NOCAP");
	tap_eq(agent_read(&a), -E_NOCAP,
	       "a thread with no CAPCTRL cap: READ is E_NOCAP");

	r = give(&a, CAP_CAPCTRL, (CAP_CAPCTRL_ALL & ~CAP_CAPCTRL_READ) | GEN,
		 SCOPE_THREAD, a.tid, 0, &k1);
	tap_eq(r, 0, "grant a CAPCTRL cap with every bit but READ");
	tap_eq(agent_read(&a), -E_NOCAP, "READ needs the READ bit");
	tap_eq(kt_agent_do(&a, OP_CAPCTRL, CAP_CONTROL_NCAPS, 0, 0, 0),
	       -E_NOCAP, "NCAPS needs the READ bit");
	r = give(&a, CAP_CAPCTRL, CAP_CAPCTRL_READ, SCOPE_THREAD, root_tid, 0,
		 NULL);
	tap_eq(r, 0, "grant a CAPCTRL READ cap over another thread");
	tap_eq(agent_read(&a), -E_NOCAP,
	       "a READ cap over another thread does not allow READ");
	r = give(&a, CAP_CAPCTRL, CAP_CAPCTRL_READ, SCOPE_THREAD, a.tid, 0,
		 NULL);
	tap_eq(r, 0, "grant a CAPCTRL READ cap over the agent itself");
	long n = kt_agent_do(&a, OP_CAPCTRL, CAP_CONTROL_NCAPS, 0, 0, 0);
	r = agent_read(&a);
	tap_ok(n >= 3 && r == n,
	       "with a READ cap over itself, NCAPS and READ agree");
	const struct capability *c = find_rec(a.mb->list, r, k1);
	tap_ok(c && c->owner == a.spid && c->list == CAP_LIST_SPACE &&
		   c->type == CAP_CAPCTRL && c->scope == SCOPE_THREAD &&
		   c->resid == a.tid,
	       "READ shows a granted cap in the grantee's space list, owned by "
	       "it");

	/* Each other request needs its own bit: the agent gives up k1 (with
	 * k1's own DESTROY bit) and keeps only READ over itself. */
	tap_eq(agent_cc(&a, CAP_CONTROL_DESTROY, 0, k1, 0, 0, 0, 0), 0,
	       "the agent destroys its own CAPCTRL cap");
	r = give(&a, CAP_IPC, CAP_IPC_ALL | GEN, SCOPE_THREAD, echo[0].tid, 0,
		 &ipc);
	tap_eq(r, 0, "grant an IPC cap to work on");
	static const struct {
		unsigned req;
		unsigned long flags;
		uint32_t rights;
		const char *name;
	} need[] = {
	    {CAP_CONTROL_REPLICATE, 0, 0, "REPLICATE"},
	    {CAP_CONTROL_SPLIT, 0, CAP_IPC_SEND, "SPLIT"},
	    {CAP_CONTROL_DEDUCE, 0, IPC_SS | GEN, "DEDUCE"},
	    {CAP_CONTROL_SHARE, CAP_SHARE_SIBLINGS, 0, "SHARE"},
	    {CAP_CONTROL_REVOKE, 0, 0, "REVOKE"},
	    {CAP_CONTROL_DESTROY, 0, 0, "DESTROY"},
	};
	for (unsigned i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		tap_eq(agent_cc(&a, need[i].req, need[i].flags, ipc, 0,
				need[i].rights, SCOPE_THREAD, echo[0].tid),
		       -E_NOCAP, "%s needs its bit on a CAPCTRL cap",
		       need[i].name);
	tap_eq(agent_cc(&a, CAP_CONTROL_GRANT, CAP_GRANT_SINGLE, ipc, root_tid,
			0, 0, 0),
	       -E_NOCAP, "GRANT needs a CAPCTRL GRANT cap over the grantee");
	r = give(&a, CAP_CAPCTRL, (CAP_CAPCTRL_ALL & ~CAP_CAPCTRL_READ),
		 SCOPE_THREAD, a.tid, CAP_GRANT_IMMUTABLE, NULL);
	tap_eq(r, 0, "grant the other bits over the agent itself");
	tap_eq(agent_cc(&a, CAP_CONTROL_DEDUCE, 0, ipc, 0, IPC_SS | GEN,
			SCOPE_THREAD, echo[0].tid),
	       0, "with the DEDUCE bit the agent deduces its IPC cap");
	tap_eq(agent_cc(&a, CAP_CONTROL_DESTROY, 0, ipc, 0, 0, 0, 0), 0,
	       "with the DESTROY bit the agent destroys it");
out:
	tap_eq(kt_agent_free(&a), 0,
	       "rights: the agent and its capabilities are deleted");
	tap_eq(root_ncaps(), start_n,
	       "rights: the root task's view is as before");
}

static void test_bad_requests(void)
{
	uint32_t id = SYS(CAP_IPC);
	tap_eq(cc_req(9, 0, id, 0, 0, 0, 0, NULL), -E_INVAL,
	       "capability_control request 9 is E_INVAL");
	tap_eq(cc_req(0x100, 0, id, 0, 0, 0, 0, NULL), -E_INVAL,
	       "capability_control request 0x100 is E_INVAL");
	tap_eq(cc_req(0xffffffffu, 0, id, 0, 0, 0, 0, NULL), -E_INVAL,
	       "capability_control request -1 is E_INVAL");
	tap_eq(cc_req(CAP_CONTROL_REPLICATE, 0, 0, 0, 0, 0, 0, NULL), -E_BADCAP,
	       "capid 0 is E_BADCAP");
	tap_eq(cc_req(CAP_CONTROL_REPLICATE, 0, 0xfffffff0u, 0, 0, 0, 0, NULL),
	       -E_BADCAP, "an unknown capid is E_BADCAP (REPLICATE)");
	tap_eq(cc_destroy(0xfffffff0u), -E_BADCAP,
	       "an unknown capid is E_BADCAP (DESTROY)");
	tap_eq(tess_capability_control(CAP_CONTROL_REPLICATE, 0, NULL),
	       -E_FAULT, "REPLICATE with a NULL buffer is E_FAULT");
	tap_eq(tess_capability_control(CAP_CONTROL_DESTROY, 0,
				       (void *)0xffff800000000000ul),
	       -E_FAULT, "DESTROY with a kernel-half buffer is E_FAULT");
	tap_eq(tess_capability_control(CAP_CONTROL_REPLICATE, 0, (void *)VA_RO),
	       -E_FAULT, "REPLICATE with a read-only buffer is E_FAULT");
	tap_eq(root_ncaps(), start_n, "bad requests change nothing");
}

/* ------------------------------------------------------------ REPLICATE */

static void test_replicate(void)
{
	uint32_t a, b, c;
	long r = replicate(SYS(CAP_IPC), &a);

	tap_eq(r, 0, "REPLICATE the root's IPC cap");
	tap_ok(a && a != SYS(CAP_IPC), "REPLICATE writes the new capid back");
	tap_ok(root_has(a, CAP_IPC_ALL | GEN, SCOPE_SYSTEM, 0, CAP_LIST_SPACE),
	       "the replica has the same rights and scope, in the caller's "
	       "space list");
	tap_eq(root_ncaps(), start_n + 1, "NCAPS counts the replica");
	tap_eq(replicate(a, &b), 0, "a replica can be replicated");
	tap_eq(deduce(b, CAP_IPC_ALL | CAP_CHANGEABLE | CAP_TRANSFERABLE,
		      SCOPE_SYSTEM, 0),
	       0, "deduce a replica without REPLICABLE");
	tap_eq(replicate(b, &c), -E_PERM,
	       "REPLICATE of a cap without REPLICABLE is E_PERM");
	tap_eq(cc_destroy(b), 0, "destroy the second replica");
	tap_eq(cc_destroy(a), 0, "destroy the first replica");
	tap_eq(root_ncaps(), start_n, "REPLICATE: NCAPS is back");
}

/* The root task's space list has ROOT_LIST_SLOTS slots. */
static void test_list_full(void)
{
	uint32_t top, x;
	long n = root_read(), used = 0, made = 0, r;

	for (long i = 0; i < n; i++)
		used += rl[i].list == CAP_LIST_SPACE;
	if (!tap_eq(replicate(SYS(CAP_IPC), &top), 0,
		    "full list: replicate a parent"))
		return;
	while ((r = replicate(top, &x)) == 0 && made < 64)
		made++;
	tap_eq(r, -E_LIMIT, "REPLICATE into a full list is E_LIMIT");
	tap_eq(made, ROOT_LIST_SLOTS - used - 1,
	       "the list holds %d capabilities", ROOT_LIST_SLOTS);
	tap_eq(split(top, CAP_IPC_SEND, &x), -E_LIMIT,
	       "SPLIT into a full list is E_LIMIT");
	tap_eq(cc_revoke(top), 0, "REVOKE the parent of the replicas");
	tap_eq(root_ncaps(), start_n + 1, "REVOKE deleted every replica");
	tap_eq(cc_destroy(top), 0, "destroy the parent");
}

/* ------------------------------------------------------------ DEDUCE */

static void test_deduce(void)
{
	const uint32_t R = IPC_SS | GEN;
	uint32_t p, c, d, e;

	if (!tap_eq(replicate(SYS(CAP_IPC), &p), 0,
		    "deduce: replicate a parent"))
		return;
	replicate(p, &c);
	tap_eq(deduce(c, R, SCOPE_SYSTEM, 0), 0,
	       "DEDUCE to fewer operation bits");
	tap_ok(root_has(c, R, SCOPE_SYSTEM, 0, CAP_LIST_SPACE),
	       "the cap has the fewer bits");
	tap_eq(deduce(c, R | CAP_IPC_RECV, SCOPE_SYSTEM, 0), -E_PERM,
	       "DEDUCE to more operation bits is E_PERM");
	tap_eq(deduce(c, GEN, SCOPE_SYSTEM, 0), -E_INVAL,
	       "DEDUCE to no operation bit is E_INVAL");
	tap_eq(deduce(c, R | (1u << 20), SCOPE_SYSTEM, 0), -E_INVAL,
	       "DEDUCE with undefined rights bits is E_INVAL");
	tap_eq(deduce(c, R, SCOPE_SYSTEM, 0), -E_INVAL,
	       "DEDUCE that changes nothing is E_INVAL");
	tap_eq(deduce(c, R, 0, 0), -E_INVAL, "DEDUCE to scope 0 is E_INVAL");
	tap_eq(deduce(c, R, SCOPE_SYSTEM + 1, 0), -E_INVAL,
	       "DEDUCE to an unknown scope is E_INVAL");
	tap_eq(deduce(c, R, SCOPE_CONTAINER, CID_MAX + 1), -E_RANGE,
	       "DEDUCE to container 255 is E_RANGE");
	tap_eq(deduce(c, R, SCOPE_SPACE, 0), -E_NOTHREAD,
	       "DEDUCE to a space that does not exist is E_NOTHREAD");
	tap_eq(deduce(c, R, SCOPE_THREAD, 0), -E_NOTHREAD,
	       "DEDUCE to a thread that does not exist is E_NOTHREAD");

	/* system -> container -> space -> thread, never back. */
	tap_eq(deduce(c, R, SCOPE_CONTAINER, 0), 0,
	       "DEDUCE system to container 0");
	tap_ok(root_has(c, R, SCOPE_CONTAINER, 0, CAP_LIST_SPACE),
	       "the cap covers container 0");
	tap_eq(deduce(c, R, SCOPE_SYSTEM, 0), -E_PERM,
	       "DEDUCE container to system is E_PERM");
	tap_eq(deduce(c, R, SCOPE_CONTAINER, 2), -E_PERM,
	       "DEDUCE to another container is E_PERM");
	tap_eq(deduce(c, R, SCOPE_SPACE, root_spid), 0,
	       "DEDUCE container 0 to the root's space");
	tap_ok(root_has(c, R, SCOPE_SPACE, root_spid, CAP_LIST_SPACE),
	       "the cap covers one space");
	tap_eq(deduce(c, R, SCOPE_CONTAINER, 0), -E_PERM,
	       "DEDUCE space to container is E_PERM");
	tap_eq(deduce(c, R, SCOPE_SPACE, root_spid + 1), -E_PERM,
	       "DEDUCE to another space is E_PERM");
	tap_eq(deduce(c, R, SCOPE_THREAD, echo[0].tid), 0,
	       "DEDUCE the space to a thread in it");
	tap_ok(root_has(c, R, SCOPE_THREAD, echo[0].tid, CAP_LIST_SPACE),
	       "the cap covers one thread");
	tap_eq(deduce(c, R, SCOPE_THREAD, echo[1].tid), -E_PERM,
	       "DEDUCE to another thread is E_PERM");
	tap_eq(deduce(c, R, SCOPE_SPACE, root_spid), -E_PERM,
	       "DEDUCE thread to space is E_PERM");

	/* The narrower scope must lie inside the old one. */
	replicate(p, &d);
	tap_eq(deduce(d, R, SCOPE_CONTAINER, 2), 0,
	       "DEDUCE a cap to container 2");
	tap_eq(deduce(d, R, SCOPE_SPACE, root_spid), -E_PERM,
	       "DEDUCE container 2 to a space of container 0 is E_PERM");
	tap_eq(deduce(d, R, SCOPE_THREAD, root_tid), -E_PERM,
	       "DEDUCE container 2 to a thread of container 0 is E_PERM");
	tap_eq(deduce(d, IPC_SS | CAP_CHANGEABLE | CAP_REPLICABLE,
		      SCOPE_CONTAINER, 2),
	       0, "DEDUCE away the TRANSFERABLE bit");
	tap_eq(deduce(d, IPC_SS | GEN, SCOPE_CONTAINER, 2), -E_PERM,
	       "DEDUCE that adds a generic bit back is E_PERM");
	replicate(p, &e);
	tap_eq(deduce(e, R, SCOPE_THREAD, echo[2].tid), 0,
	       "DEDUCE system straight to a thread");

	/* A Space object with no thread yet is in no container: a container's
	 * cap must not reach it (its first thread may be in another one). */
	struct cap_info si;
	cptr_t sobj = 0;
	uint32_t f;
	if (tess_new(&al, CAP_SPACE, 0, &sobj) == 0 &&
	    tess_cap_info(sobj, &si) == 0) {
		replicate(p, &f);
		deduce(f, R, SCOPE_CONTAINER, 0);
		tap_eq(deduce(f, R, SCOPE_SPACE, si.spid), -E_PERM,
		       "DEDUCE container 0 to a space that is in no container "
		       "yet is E_PERM");
		replicate(p, &f);
		tap_eq(deduce(f, R, SCOPE_SPACE, si.spid), 0,
		       "DEDUCE system to a space in no container yet");
	} else {
		tap_ok(0, "make a Space object");
	}
	if (sobj)
		tess_delete(&al, sobj);

	/* Without CHANGEABLE nothing changes any more. */
	tap_eq(deduce(c, IPC_SS | CAP_TRANSFERABLE | CAP_REPLICABLE,
		      SCOPE_THREAD, echo[0].tid),
	       0, "DEDUCE away the CHANGEABLE bit");
	tap_eq(deduce(c, CAP_IPC_SEND | CAP_TRANSFERABLE, SCOPE_THREAD,
		      echo[0].tid),
	       -E_PERM, "DEDUCE of a cap without CHANGEABLE is E_PERM");
	tap_eq(split(c, CAP_IPC_SEND, &d), -E_PERM,
	       "SPLIT of a cap without CHANGEABLE is E_PERM");
	tap_eq(cc_destroy(c), -E_PERM,
	       "DESTROY of a cap without CHANGEABLE is E_PERM");

	tap_eq(cc_revoke(p), 0, "deduce: REVOKE the parent");
	tap_eq(root_ncaps(), start_n + 1, "deduce: only the parent is left");
	tap_eq(cc_destroy(p), 0, "deduce: destroy the parent");
}

/* ------------------------------------------------------------ SPLIT */

static void test_split(void)
{
	const uint32_t half = CAP_TCTRL_CREATE | CAP_TCTRL_DESTROY;
	uint32_t t, s, s2, x;

	if (!tap_eq(replicate(SYS(CAP_TCTRL), &t), 0,
		    "split: replicate the TCTRL cap"))
		return;
	tap_eq(split(t, half, &s), 0, "SPLIT off two operation bits");
	tap_ok(s && s != t, "SPLIT writes the new half's capid back");
	tap_ok(root_has(t, (CAP_TCTRL_ALL & ~half) | GEN, SCOPE_SYSTEM, 0,
			CAP_LIST_SPACE),
	       "the old cap lost the split bits");
	tap_ok(root_has(s, half | GEN, SCOPE_SYSTEM, 0, CAP_LIST_SPACE),
	       "the new cap has exactly the split bits and the generic bits");
	tap_eq(split(t, 0, &x), -E_INVAL, "SPLIT of no bits is E_INVAL");
	tap_eq(split(t, CAP_TCTRL_CREATE, &x), -E_INVAL,
	       "SPLIT of a bit the cap lacks is E_INVAL");
	tap_eq(split(t, 1u << 7, &x), -E_INVAL,
	       "SPLIT of an undefined bit is E_INVAL");
	tap_eq(split(t, CAP_TCTRL_ALL & ~half, &x), -E_INVAL,
	       "SPLIT of all the cap's bits is E_INVAL");
	tap_eq(split(s, CAP_TCTRL_CREATE, &s2), 0, "SPLIT a half again");
	tap_ok(root_has(s, CAP_TCTRL_DESTROY | GEN, SCOPE_SYSTEM, 0,
			CAP_LIST_SPACE) &&
		   root_has(s2, CAP_TCTRL_CREATE | GEN, SCOPE_SYSTEM, 0,
			    CAP_LIST_SPACE),
	       "both quarters have one bit each");
	tap_eq(split(s2, CAP_TCTRL_CREATE, &x), -E_INVAL,
	       "SPLIT of a cap with a single bit is E_INVAL");
	tap_eq(root_ncaps(), start_n + 3, "SPLIT made two caps");
	tap_eq(cc_revoke(t), 0, "REVOKE deletes what was split from a cap");
	tap_ok(root_sees(t) && !root_sees(s) && !root_sees(s2),
	       "only the revoked cap is left");
	tap_eq(cc_destroy(t), 0, "split: destroy the cap");
	tap_eq(root_ncaps(), start_n, "split: NCAPS is back");
}

/* ------------------------------------------------------------ DESTROY, REVOKE
 */

static void test_destroy_revoke(void)
{
	uint32_t a, b, c, d;

	if (!tap_eq(replicate(SYS(CAP_IPC), &a), 0, "revoke: replicate a"))
		return;
	replicate(a, &b);
	split(b, CAP_IPC_SEND, &c);
	replicate(b, &d);
	tap_eq(root_ncaps(), start_n + 4, "a tree of four replicas");
	tap_eq(cc_destroy(b), 0, "DESTROY a cap with derived caps");
	tap_ok(root_sees(a) && !root_sees(b) && root_sees(c) && root_sees(d),
	       "DESTROY removes only that cap");
	tap_eq(cc_destroy(b), -E_BADCAP,
	       "DESTROY of a destroyed capid is E_BADCAP");
	tap_eq(cc_revoke(a), 0, "REVOKE the top cap");
	tap_ok(root_sees(a) && !root_sees(c) && !root_sees(d),
	       "REVOKE deleted what was derived from it, also through a "
	       "destroyed cap");
	tap_eq(cc_revoke(a), 0, "REVOKE with nothing derived is 0");
	tap_eq(cc_destroy(a), 0, "DESTROY the top cap");
	tap_eq(cc_revoke(a), -E_BADCAP,
	       "REVOKE of a destroyed capid is E_BADCAP");
	tap_eq(root_ncaps(), start_n, "revoke: NCAPS is back");
}

/* ------------------------------------------------------------ SHARE (root) */

static void test_share(void)
{
	uint32_t s, t;

	if (!tap_eq(replicate(SYS(CAP_IPC), &s), 0, "share: replicate a cap"))
		return;
	tap_eq(share(s, 0), -E_INVAL, "SHARE to destination 0 is E_INVAL");
	tap_eq(share(s, 5), -E_INVAL, "SHARE to destination 5 is E_INVAL");
	tap_eq(share(s, 0), -E_INVAL, "SHARE to destination 0 is E_INVAL");
	tap_eq(share(s, CAP_SHARE_SIBLINGS), -E_NOTHREAD,
	       "SHARE with siblings by a thread without a pager is E_NOTHREAD");
	tap_eq(share(s, CAP_SHARE_CONTAINER), 0, "SHARE with the container");
	tap_ok(
	    root_has(s, CAP_IPC_ALL | GEN, SCOPE_SYSTEM, 0, CAP_LIST_CONTAINER),
	    "the shared cap is in the container's list, still owned by the "
	    "sharer");
	tap_eq(root_ncaps(), start_n + 1,
	       "SHARE moves the cap, it does not copy it");
	tap_eq(share(s, CAP_SHARE_CONTAINER), 0,
	       "SHARE with the list it is in already is 0");
	tap_eq(root_ncaps(), start_n + 1, "... and still one cap");
	tap_eq(share(s, CAP_SHARE_CHILD), 0, "SHARE with the children");
	tap_eq(cc_destroy(s), 0,
	       "the sharer can destroy a cap it shared with its children");
	tap_eq(cc_destroy(s), -E_BADCAP, "... and it is gone");

	replicate(SYS(CAP_IPC), &t);
	deduce(t, CAP_IPC_ALL | CAP_CHANGEABLE | CAP_REPLICABLE, SCOPE_SYSTEM,
	       0);
	tap_eq(share(t, CAP_SHARE_CONTAINER), -E_PERM,
	       "SHARE of a cap without TRANSFERABLE is E_PERM");
	tap_eq(cc_destroy(t), 0, "share: destroy the cap");
	tap_eq(root_ncaps(), start_n, "share: NCAPS is back");
}

/* ------------------------------------------------------------ GRANT */

static void test_grant(void)
{
	struct kt_agent a, b;
	uint32_t g, h, h2, i, nt, s;
	long r, n;
	const struct capability *c;

	memset(&b, 0, sizeof(b));
	r = agent_make(&a, 0, 0, TID_NIL, CPTR_NONE);
	if (!r)
		r = agent_make(&b, 1, 0, TID_NIL, CPTR_NONE);
	if (!tap_eq(r, 0, "grant: start two agents"))
		goto out;

	/* Errors, seen by the granter. */
	narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[0].tid, &g);
	tap_eq(grant(g, a.tid, 0), -E_INVAL,
	       "GRANT without CAP_GRANT_SINGLE is E_INVAL");
	tap_eq(grant(g, a.tid, CAP_GRANT_IMMUTABLE), -E_INVAL,
	       "GRANT with only CAP_GRANT_IMMUTABLE is E_INVAL");
	tap_eq(grant(g, a.tid, CAP_GRANT_SINGLE | 4), -E_INVAL,
	       "GRANT with an unknown flag is E_INVAL");
	tap_eq(grant(g, 0, CAP_GRANT_SINGLE), -E_NOTHREAD,
	       "GRANT to no thread is E_NOTHREAD");
	tap_eq(grant(0xfffffff0u, a.tid, CAP_GRANT_SINGLE), -E_BADCAP,
	       "GRANT of an unknown capid is E_BADCAP");
	narrowed(CAP_IPC, IPC_SS | CAP_CHANGEABLE | CAP_REPLICABLE,
		 SCOPE_THREAD, echo[0].tid, &nt);
	tap_eq(grant(nt, a.tid, CAP_GRANT_SINGLE), -E_PERM,
	       "GRANT of a cap without TRANSFERABLE is E_PERM");
	cc_destroy(nt);
	tap_eq(agent_call(&a, echo[0].tid, 1), -E_NOCAP,
	       "before the grant the agent cannot send");

	/* An immutable grant. */
	r = give(&a, CAP_CAPCTRL, CAP_CAPCTRL_ALL, SCOPE_CONTAINER, 0,
		 CAP_GRANT_IMMUTABLE, NULL);
	tap_eq(r, 0, "grant the agent a CAPCTRL cap over container 0");
	tap_eq(grant(g, a.tid, CAP_GRANT_SINGLE | CAP_GRANT_IMMUTABLE), 0,
	       "GRANT an IPC cap, immutable");
	tap_eq(root_ncaps(), start_n,
	       "the granter no longer sees the granted caps");
	tap_eq(cc_destroy(g), -E_BADCAP,
	       "the granter no longer owns the cap (E_BADCAP)");
	n = agent_read(&a);
	c = find_rec(a.mb->list, n, g);
	tap_ok(c && c->owner == a.spid && c->list == CAP_LIST_SPACE &&
		   c->rights == IPC_SS && c->scope == SCOPE_THREAD &&
		   c->resid == echo[0].tid,
	       "the grantee owns the cap, with the generic bits cleared");
	uint32_t before = echo_recs[0].count;
	r = agent_call(&a, echo[0].tid, 41);
	tap_eq(r, 0, "the granted cap lets the grantee send to its thread");
	tap_ok(a.mb->reply == 42 && echo_recs[0].count == before + 1 &&
		   echo_recs[0].sender == a.tid && echo_recs[0].last == 41,
	       "the message arrived, from the grantee");
	tap_eq(agent_cc(&a, CAP_CONTROL_REPLICATE, 0, g, 0, 0, 0, 0), -E_PERM,
	       "the grantee of an immutable cap cannot REPLICATE it");
	tap_eq(agent_cc(&a, CAP_CONTROL_DEDUCE, 0, g, 0, CAP_IPC_SEND,
			SCOPE_THREAD, echo[0].tid),
	       -E_PERM, "the grantee of an immutable cap cannot DEDUCE it");
	tap_eq(agent_cc(&a, CAP_CONTROL_GRANT, CAP_GRANT_SINGLE, g, b.tid, 0, 0,
			0),
	       -E_PERM, "the grantee of an immutable cap cannot GRANT it");
	tap_eq(agent_cc(&a, CAP_CONTROL_SPLIT, 0, g, 0, CAP_IPC_SEND, 0, 0),
	       -E_PERM, "the grantee of an immutable cap cannot SPLIT it");
	tap_eq(
	    agent_cc(&a, CAP_CONTROL_SHARE, CAP_SHARE_CONTAINER, g, 0, 0, 0, 0),
	    -E_PERM, "the grantee of an immutable cap cannot SHARE it");
	tap_eq(agent_cc(&a, CAP_CONTROL_DESTROY, 0, g, 0, 0, 0, 0), -E_PERM,
	       "the grantee of an immutable cap cannot DESTROY it");

	/* A grant that keeps the generic bits. */
	r = narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[1].tid, &h);
	tap_eq(grant(h, a.tid, CAP_GRANT_SINGLE), 0,
	       "GRANT an IPC cap with its generic bits");
	n = agent_read(&a);
	c = find_rec(a.mb->list, n, h);
	tap_ok(c && c->rights == (IPC_SS | GEN) && c->owner == a.spid,
	       "a plain grant keeps the generic bits");
	r = agent_cc(&a, CAP_CONTROL_REPLICATE, 0, h, 0, 0, 0, 0);
	h2 = a.mb->cap.capid;
	tap_ok(r == 0 && h2 != h, "the grantee replicates it");
	tap_eq(agent_cc(&a, CAP_CONTROL_DEDUCE, 0, h2, 0,
			IPC_SS | CAP_CHANGEABLE, SCOPE_THREAD, echo[1].tid),
	       0, "the grantee deduces its replica");
	n = agent_read(&a);
	c = find_rec(a.mb->list, n, h2);
	tap_ok(c && c->owner == a.spid &&
		   c->rights == (IPC_SS | CAP_CHANGEABLE),
	       "the replica is the grantee's, as deduced");
	tap_eq(agent_cc(&a, CAP_CONTROL_DESTROY, 0, h2, 0, 0, 0, 0), 0,
	       "the grantee destroys its replica");

	/* GRANT needs a CAPCTRL GRANT right covering the grantee. */
	r = give(&b, CAP_CAPCTRL, CAP_CAPCTRL_ALL, SCOPE_THREAD, b.tid,
		 CAP_GRANT_IMMUTABLE, NULL);
	tap_eq(r, 0, "grant the second agent a CAPCTRL cap over itself");
	r = give(&b, CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[2].tid, 0, &i);
	tap_eq(r, 0, "grant the second agent an IPC cap");
	tap_eq(agent_call(&b, echo[2].tid, 5), 0,
	       "the second agent sends with it");
	tap_eq(agent_cc(&b, CAP_CONTROL_GRANT, CAP_GRANT_SINGLE, i, a.tid, 0, 0,
			0),
	       -E_NOCAP,
	       "GRANT without a CAPCTRL cap covering the grantee is E_NOCAP");
	r = give(&b, CAP_CAPCTRL, CAP_CAPCTRL_GRANT, SCOPE_THREAD, a.tid,
		 CAP_GRANT_IMMUTABLE, NULL);
	tap_eq(r, 0,
	       "grant the second agent a CAPCTRL GRANT cap over the first");
	tap_eq(agent_cc(&b, CAP_CONTROL_GRANT, CAP_GRANT_SINGLE, i, a.tid, 0, 0,
			0),
	       0, "with it, the second agent grants its IPC cap to the first");
	tap_eq(agent_call(&b, echo[2].tid, 5), -E_NOCAP,
	       "the granter cannot send with it any more");
	tap_eq(agent_call(&a, echo[2].tid, 5), 0, "the new grantee can");
	n = agent_read(&a);
	c = find_rec(a.mb->list, n, i);
	tap_ok(c && c->owner == a.spid && c->list == CAP_LIST_SPACE,
	       "the new grantee owns it");

	/* A space scope does not reach into another space. */
	narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_SPACE, root_spid, &s);
	tap_eq(
	    deduce(s, IPC_SS | GEN, SCOPE_THREAD, a.tid), -E_PERM,
	    "DEDUCE the root's space to a thread of another space is E_PERM");
	cc_destroy(s);
out:
	tap_eq(kt_agent_free(&a) | kt_agent_free(&b), 0,
	       "grant: the agents are deleted");
	tap_eq(root_ncaps(), start_n,
	       "grant: the root task's view is as before");
}

/* ------------------------------------------------------------ authority */

/* thread_control CREATE needs a TCTRL cap over the target container. */
static void test_tctrl_authority(void)
{
	struct kt_agent a;
	cptr_t acs = 0, tslot = 0;
	uint32_t t, tc, sp;
	long r;

	memset(&a, 0, sizeof(a));
	/* The agent's root CSpace, with an unused Thread object in slot 1. */
	r = tess_new(&al, CAP_CSPACE, 2, &acs);
	if (!r) {
		tslot = kt_addr2(acs, 1);
		r = tess_retype(arena_ut, CAP_THREAD, 0, tslot, 1);
	}
	if (!r)
		r = agent_make(&a, 0, 0, TID_NIL, acs);
	if (!tap_eq(
		r, 0,
		"tctrl: start an agent with a CSpace holding a Thread object"))
		goto out;
	memset(&a.mb->tc, 0, sizeof(a.mb->tc));
	a.mb->tc.thread = 1;
	a.mb->tc.space = a.mb->tc.cspace = a.mb->tc.untyped = a.mb->tc.dest =
	    CPTR_NONE;
	a.mb->tc.pager = TID_NIL;
	a.mb->tc.cid = 0;
	a.mb->tc.prio = PRIO_INHERIT;
	a.mb->ids.tid = a.tid;
	tap_eq(
	    kt_agent_do(&a, OP_TCTRL, THREAD_CREATE | TC_SHARE_SPACE, 0, 0, 0),
	    -E_NOCAP,
	    "a thread without a thread-control cap fails CREATE with -E_NOCAP");

	narrowed(CAP_TCTRL, CAP_TCTRL_ALL | GEN, SCOPE_CONTAINER, 0, &t);
	tap_eq(split(t, CAP_TCTRL_CREATE, &tc), 0,
	       "split a container-0 TCTRL cap into CREATE and the rest");
	tap_eq(grant(t, a.tid, CAP_GRANT_SINGLE | CAP_GRANT_IMMUTABLE), 0,
	       "grant the agent the half without CREATE");
	a.mb->ids.tid = a.tid;
	tap_eq(
	    kt_agent_do(&a, OP_TCTRL, THREAD_CREATE | TC_SHARE_SPACE, 0, 0, 0),
	    -E_NOCAP,
	    "CREATE with a TCTRL cap without the CREATE bit is E_NOCAP");
	r = give(&a, CAP_TCTRL, CAP_TCTRL_CREATE, SCOPE_SPACE, a.spid,
		 CAP_GRANT_IMMUTABLE, &sp);
	tap_eq(r, 0, "grant the agent a CREATE cap over its own space");
	a.mb->ids.tid = a.tid;
	tap_eq(
	    kt_agent_do(&a, OP_TCTRL, THREAD_CREATE | TC_SHARE_SPACE, 0, 0, 0),
	    -E_NOCAP,
	    "a CREATE cap over a space does not cover the container (E_NOCAP)");
	tap_eq(grant(tc, a.tid, CAP_GRANT_SINGLE | CAP_GRANT_IMMUTABLE), 0,
	       "grant the agent the CREATE half");
	a.mb->ids.tid = a.tid;
	r = kt_agent_do(&a, OP_TCTRL, THREAD_CREATE | TC_SHARE_SPACE, 0, 0, 0);
	tap_eq(r, 0,
	       "with a CREATE cap over container 0 the agent creates a thread");
	uint32_t nt = a.mb->ids.tid;
	tap_ok(r == 0 && nt != a.tid && TID_CID(nt) == 0 &&
		   a.mb->ids.spid == a.spid &&
		   kt_state(nt) == THREAD_STATE_INACTIVE,
	       "the new thread is in container 0, in the agent's space, not "
	       "running");
	a.mb->ids.tid = nt;
	tap_eq(kt_agent_do(&a, OP_TCTRL, THREAD_DESTROY, 0, 0, 0), 0,
	       "the other half of the split allows DESTROY");
	tap_eq(kt_state(nt), -E_NOTHREAD, "the destroyed thread is gone");
out:
	tap_eq(kt_agent_free(&a), 0, "tctrl: the agent is deleted");
	if (tslot)
		tap_eq(tess_cap_delete(tslot), 0,
		       "tctrl: the Thread object is deleted");
	if (acs)
		tess_delete(&al, acs);
	tap_eq(root_ncaps(), start_n,
	       "tctrl: the root task's view is as before");
}

/* An IPC cap deduced to one thread allows sends to that thread only, and a
 * revoke takes it away. */
static void test_ipc_authority(void)
{
	struct kt_agent a;
	uint32_t p, i, sp;
	long r;

	r = agent_make(&a, 0, 0, TID_NIL, CPTR_NONE);
	if (!tap_eq(r, 0, "ipc: start an agent"))
		goto out;
	uint32_t n0 = echo_recs[0].count, n1 = echo_recs[1].count;
	tap_eq(agent_call(&a, echo[0].tid, 1), -E_NOCAP,
	       "a thread with no IPC cap cannot send");
	tap_eq(kt_agent_do(&a, OP_IPC, TID_NIL, TID_ANY,
			   IPC_SHORT | IPC_NONBLOCK, 0),
	       -E_WOULDBLOCK, "a thread with no IPC cap may still receive");
	replicate(SYS(CAP_IPC), &p);
	replicate(p, &i);
	tap_eq(deduce(i, IPC_SS | GEN, SCOPE_THREAD, echo[0].tid), 0,
	       "deduce an IPC cap to one thread");
	tap_eq(grant(i, a.tid, CAP_GRANT_SINGLE), 0, "grant it to the agent");
	r = agent_call(&a, echo[0].tid, 10);
	tap_eq(r, 0, "the agent calls that thread");
	tap_ok(a.mb->reply == 11 && a.mb->sender == echo[0].tid &&
		   echo_recs[0].count == n0 + 1 && echo_recs[0].sender == a.tid,
	       "the call arrived and was answered");
	tap_eq(agent_call(&a, echo[0].tid, 20), 0, "the agent calls it again");
	tap_ok(a.mb->reply == 21 && echo_recs[0].count == n0 + 2,
	       "the second call arrived");
	tap_eq(agent_call(&a, echo[1].tid, 1), -E_NOCAP,
	       "the agent cannot call another thread");
	tap_eq(echo_recs[1].count, n1, "... which received nothing");
	tap_eq(kt_agent_do(&a, OP_IPC, root_tid, TID_NIL,
			   IPC_SHORT | IPC_NONBLOCK, 0),
	       -E_NOCAP, "nor send to the root task");
	tap_eq(kt_agent_do(&a, OP_IPC, echo[0].tid, echo[0].tid, IPC_FULL, 0),
	       -E_NOCAP,
	       "a cap without the FULL bit does not allow a full send");

	tap_eq(cc_revoke(p), 0, "REVOKE the parent of the granted IPC cap");
	tap_eq(agent_call(&a, echo[0].tid, 30), -E_NOCAP,
	       "revoke of a granted IPC cap makes the next send fail");
	tap_eq(echo_recs[0].count, n0 + 2, "... and nothing arrives");
	tap_eq(cc_destroy(p), 0, "ipc: destroy the parent");

	r = give(&a, CAP_IPC, IPC_SS, SCOPE_SPACE, root_spid,
		 CAP_GRANT_IMMUTABLE, &sp);
	tap_eq(r, 0, "grant the agent an IPC cap over the root task's space");
	tap_ok(agent_call(&a, echo[0].tid, 1) == 0 &&
		   agent_call(&a, echo[1].tid, 1) == 0,
	       "an IPC cap over a space reaches every thread in it");
	tap_eq(kt_agent_do(&a, OP_IPC, root_tid, TID_NIL,
			   IPC_SHORT | IPC_NONBLOCK, 0),
	       -E_WOULDBLOCK,
	       "a non-blocking send to a covered thread not waiting is "
	       "E_WOULDBLOCK");
out:
	tap_eq(kt_agent_free(&a), 0, "ipc: the agent is deleted");
	tap_eq(root_ncaps(), start_n, "ipc: the root task's view is as before");
}

/*
 * The short IPC fast path caches the last authorization; every change of
 * what a thread may do must reach it.  Each case calls an echo twice (the
 * second call takes the fast path), changes the caller's authority without
 * deleting the cap it used, and calls again.
 */
static void test_ipc_cache(void)
{
	struct kt_agent a, b, pg, ch;
	struct exregs x;
	uint32_t s, y, w;
	long r;

	memset(&b, 0, sizeof(b));
	memset(&pg, 0, sizeof(pg));
	memset(&ch, 0, sizeof(ch));
	r = agent_make(&a, 0, 0, TID_NIL, CPTR_NONE);
	if (!r)
		r = agent_make(&b, 1, 0, TID_NIL, CPTR_NONE);
	if (!r)
		r = agent_make(&pg, 2, 0, TID_NIL, CPTR_NONE);
	if (!r)
		r = agent_make(&ch, 3, 0, pg.tid, CPTR_NONE);
	if (!tap_eq(r, 0, "cache: four agents (the last paged by the third)"))
		goto out;

	/* SPLIT takes operation bits out of a cap in use. */
	narrowed(CAP_IPC, CAP_IPC_ALL | GEN, SCOPE_THREAD, echo[0].tid, &s);
	share(s, CAP_SHARE_CHILD);
	tap_ok(agent_call(&a, echo[0].tid, 1) == 0 &&
		   agent_call(&a, echo[0].tid, 2) == 0,
	       "a child calls twice with a cap its pager shared");
	tap_eq(split(s, IPC_SS, &y), 0,
	       "the pager splits SEND and SHORT off into its own list");
	tap_eq(agent_call(&a, echo[0].tid, 3), -E_NOCAP,
	       "after the SPLIT the child's next call fails (E_NOCAP)");
	cc_destroy(y);
	cc_destroy(s);

	/* A new pager: the old pager's shared list is no longer seen. */
	narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[1].tid, &s);
	share(s, CAP_SHARE_CHILD);
	tap_ok(agent_call(&a, echo[1].tid, 1) == 0 &&
		   agent_call(&a, echo[1].tid, 2) == 0,
	       "a child calls twice with a cap its pager shared");
	memset(&x, 0, sizeof(x));
	x.pager = b.tid;
	x.valid = EXREGS_SET_PAGER;
	tap_eq(tess_exchange_registers(&x, a.tid), 0,
	       "give the child another pager");
	tap_eq(agent_call(&a, echo[1].tid, 3), -E_NOCAP,
	       "after its pager changed the child's next call fails (E_NOCAP)");
	cc_destroy(s);

	/* The pager thread goes away: its space's shared list is not seen. */
	r = give(&pg, CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[2].tid, 0, &w);
	if (!r)
		r = give(&pg, CAP_CAPCTRL, CAP_CAPCTRL_SHARE, SCOPE_THREAD,
			 pg.tid, CAP_GRANT_IMMUTABLE, NULL);
	if (!r)
		r = agent_cc(&pg, CAP_CONTROL_SHARE, CAP_SHARE_CHILD, w, 0, 0,
			     0, 0);
	tap_eq(r, 0, "a pager agent shares an IPC cap with its children");
	tap_ok(agent_call(&ch, echo[2].tid, 1) == 0 &&
		   agent_call(&ch, echo[2].tid, 2) == 0,
	       "its child calls twice with it");
	tap_eq(tess_delete(&al, pg.thread), 0,
	       "delete the pager's thread (its space stays)");
	pg.thread = 0;
	tap_eq(kt_state(ch.tid), THREAD_STATE_BLOCKED,
	       "the child is still there");
	tap_eq(agent_call(&ch, echo[2].tid, 3), -E_NOCAP,
	       "with its pager gone the child's next call fails (E_NOCAP)");
out:
	tap_eq(kt_agent_free(&ch) | kt_agent_free(&pg) | kt_agent_free(&b) |
		   kt_agent_free(&a),
	       0, "cache: the agents are deleted");
	tap_eq(root_ncaps(), start_n,
	       "cache: the root task's view is as before");
}

/* CAP_SHARE_CHILD: the cap serves the threads the sharer's space pages. */
static void test_share_child(void)
{
	struct kt_agent a, b;
	uint32_t s;
	long r, n;

	memset(&b, 0, sizeof(b));
	r = agent_make(&a, 0, 0, TID_NIL, CPTR_NONE);
	if (!r)
		r = agent_make(&b, 1, 0, a.tid, CPTR_NONE);
	if (!tap_eq(r, 0,
		    "share-child: agents paged by the root task and by the "
		    "first agent"))
		goto out;
	give(&a, CAP_CAPCTRL, CAP_CAPCTRL_READ, SCOPE_THREAD, a.tid,
	     CAP_GRANT_IMMUTABLE, NULL);
	narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[0].tid, &s);
	tap_eq(agent_call(&a, echo[0].tid, 1), -E_NOCAP,
	       "before sharing the child cannot send");
	tap_eq(share(s, CAP_SHARE_CHILD), 0,
	       "the root task shares an IPC cap with its children");
	tap_eq(agent_call(&a, echo[0].tid, 1), 0,
	       "a thread the root task pages can send with it");
	tap_eq(agent_call(&b, echo[0].tid, 1), -E_NOCAP,
	       "a thread paged by another space cannot");
	n = agent_read(&a);
	const struct capability *c = find_rec(a.mb->list, n, s);
	tap_ok(c && c->list == CAP_LIST_PAGER && c->owner == root_spid,
	       "the child sees the cap in its pager's shared list, owned by "
	       "the pager");
	tap_eq(cc_destroy(s), 0, "the root task destroys the shared cap");
	tap_eq(agent_call(&a, echo[0].tid, 1), -E_NOCAP,
	       "after that the child cannot send");
out:
	tap_eq(kt_agent_free(&b) | kt_agent_free(&a), 0,
	       "share-child: the agents are deleted");
	tap_eq(root_ncaps(), start_n,
	       "share-child: the root task's view is as before");
}

/* CAP_SHARE_SIBLINGS: the cap serves every thread paged by the sharer's
 * pager, and the sharer still owns it. */
static void test_share_siblings(void)
{
	struct kt_agent a, b, c;
	uint32_t p, s, s2;
	long r, n;

	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	r = agent_make(&a, 0, 0, TID_NIL, CPTR_NONE);
	if (!r)
		r = agent_make(&c, 1, 0, TID_NIL, CPTR_NONE);
	if (!r)
		r = agent_make(&b, 2, 0, a.tid, CPTR_NONE);
	if (!tap_eq(r, 0,
		    "share-siblings: two siblings and a child of the first"))
		goto out;
	replicate(SYS(CAP_IPC), &p);
	replicate(p, &s);
	deduce(s, IPC_SS | GEN, SCOPE_THREAD, echo[1].tid);
	replicate(p, &s2);
	deduce(s2, IPC_SS | GEN, SCOPE_THREAD, echo[2].tid);
	tap_eq(grant(s, a.tid, CAP_GRANT_SINGLE) |
		   grant(s2, a.tid, CAP_GRANT_SINGLE),
	       0, "grant the first sibling two IPC caps");
	give(&a, CAP_CAPCTRL,
	     CAP_CAPCTRL_SHARE | CAP_CAPCTRL_READ | CAP_CAPCTRL_DESTROY,
	     SCOPE_THREAD, a.tid, CAP_GRANT_IMMUTABLE, NULL);
	tap_eq(agent_call(&c, echo[1].tid, 1), -E_NOCAP,
	       "before sharing the sibling cannot send");
	tap_eq(agent_cc(&a, CAP_CONTROL_SHARE, 7, s, 0, 0, 0, 0), -E_INVAL,
	       "SHARE to a bad destination is E_INVAL");
	tap_eq(
	    agent_cc(&a, CAP_CONTROL_SHARE, CAP_SHARE_SIBLINGS, s, 0, 0, 0, 0),
	    0, "the first sibling shares a cap with its siblings");
	tap_eq(
	    agent_cc(&a, CAP_CONTROL_SHARE, CAP_SHARE_SIBLINGS, s2, 0, 0, 0, 0),
	    0, "... and a second one");
	tap_eq(agent_call(&c, echo[1].tid, 1), 0,
	       "the other sibling can send with it");
	tap_eq(agent_call(&a, echo[1].tid, 1), 0,
	       "the sharer can still send with it");
	tap_eq(agent_call(&b, echo[1].tid, 1), -E_NOCAP,
	       "a thread paged by the sharer (not a sibling) cannot");
	n = agent_read(&a);
	const struct capability *rec = find_rec(a.mb->list, n, s);
	tap_ok(rec && rec->list == CAP_LIST_PAGER && rec->owner == a.spid,
	       "the cap is now in the pager's shared list, still owned by the "
	       "sharer");
	tap_eq(
	    agent_cc(&a, CAP_CONTROL_DESTROY, 0, s, 0, 0, 0, 0), 0,
	    "the sharer can still destroy a cap it shared with its siblings");
	tap_eq(agent_call(&c, echo[1].tid, 1), -E_NOCAP,
	       "after that the sibling cannot send");
	tap_eq(agent_call(&c, echo[2].tid, 1), 0,
	       "the sibling sends with the second cap");
	tap_eq(cc_revoke(p), 0,
	       "the root task revokes the cap the second came from");
	tap_eq(agent_call(&c, echo[2].tid, 1), -E_NOCAP,
	       "after the revoke the sibling cannot send");
	tap_eq(cc_destroy(p), 0, "share-siblings: destroy the parent");
out:
	tap_eq(kt_agent_free(&b) | kt_agent_free(&c) | kt_agent_free(&a), 0,
	       "share-siblings: the agents are deleted");
	tap_eq(root_ncaps(), start_n,
	       "share-siblings: the root task's view is as before");
}

/* ------------------------------------------------------------ thread groups
 */

#define GROUP_SLOTS 8 /* a group's list (kernel/core/thread.h) */

/* An agent in the thread group of `tgid`, in its own copy of the space. */
static long agent_make_in(struct kt_agent *a, int idx, uint32_t tgid,
			  cptr_t cspace)
{
	return kt_agent_make_in_group(a, &al, VA_MB(idx), 0, TID_NIL, cspace,
				      agent_order, tgid);
}

/* The agent's tgid as getid gives it (0 if the call failed). */
static uint32_t agent_tgid(struct kt_agent *a)
{
	return kt_agent_do(a, OP_GETID, 0, 0, 0, 0) == 0 ? a->mb->ids.tgid : 0;
}

/* CAP_SHARE_GROUP: the cap serves every thread of the sharer's group,
 * whatever its space, in the group's place in the lookup order; the
 * sharer still owns it, and DESTROY, REVOKE and a full list work as for
 * the other lists, the IPC fast path's cache included. */
static void test_share_group(void)
{
	struct kt_agent a, b;
	uint32_t s, x, y, z, p, s2, f[GROUP_SLOTS + 1];
	long r, n;

	memset(&b, 0, sizeof(b));
	r = agent_make_in(&a, 0, root_tid, CPTR_NONE);
	if (!r)
		r = agent_make(&b, 1, 0, TID_NIL, CPTR_NONE);
	if (!tap_eq(r, 0,
		    "group: an agent in the root task's thread group, one "
		    "outside it"))
		goto out;
	tap_ok(agent_tgid(&a) == root_tid && a.spid != root_spid &&
		   agent_tgid(&b) == b.tid,
	       "group: the member's tgid is the root task's though its space "
	       "is another; the other leads its own group");
	give(&a, CAP_CAPCTRL, CAP_CAPCTRL_READ | CAP_CAPCTRL_DESTROY,
	     SCOPE_THREAD, a.tid, CAP_GRANT_IMMUTABLE, NULL);
	narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[0].tid, &s);
	tap_eq(agent_call(&a, echo[0].tid, 1), -E_NOCAP,
	       "group: before sharing the member cannot send");
	tap_eq(share(s, CAP_SHARE_GROUP), 0,
	       "group: the root task shares an IPC cap with its thread group");
	tap_ok(root_has(s, IPC_SS | GEN, SCOPE_THREAD, echo[0].tid,
			CAP_LIST_GROUP),
	       "group: the root task sees it in its group's list, as its own");
	tap_eq(share(s, CAP_SHARE_GROUP), 0,
	       "group: sharing it with the group again is 0 (already there)");
	tap_eq(agent_call(&a, echo[0].tid, 1), 0,
	       "group: the member, in another space, sends with it");
	tap_eq(agent_call(&b, echo[0].tid, 1), -E_NOCAP,
	       "group: a thread outside the group cannot");
	n = agent_read(&a);
	const struct capability *c = find_rec(a.mb->list, n, s);
	tap_ok(c && c->list == CAP_LIST_GROUP && c->owner == root_spid,
	       "group: the member sees it in its group's list, owned by the "
	       "root task's space");
	tap_eq(agent_cc(&a, CAP_CONTROL_DESTROY, 0, s, 0, 0, 0, 0), -E_BADCAP,
	       "group: the member cannot DESTROY it (seen, not owned: "
	       "E_BADCAP)");

	/* One cap in each of the member's four lists: the order READ gives. */
	r = give(&a, CAP_IPC, IPC_SS, SCOPE_THREAD, echo[1].tid,
		 CAP_GRANT_IMMUTABLE, &x);
	r |= narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[2].tid, &y);
	r |= share(y, CAP_SHARE_CHILD);
	r |= narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[2].tid, &z);
	r |= share(z, CAP_SHARE_CONTAINER);
	tap_eq(r, 0, "group: one IPC cap in each of the member's four lists");
	n = agent_read(&a);
	static const uint32_t rank[] = {[CAP_LIST_SPACE] = 1,
					[CAP_LIST_GROUP] = 2,
					[CAP_LIST_PAGER] = 3,
					[CAP_LIST_CONTAINER] = 4,
					[CAP_LIST_CHILD] = 5};
	int ordered = n > 0 && find_rec(a.mb->list, n, x) &&
		      find_rec(a.mb->list, n, y) && find_rec(a.mb->list, n, z);
	for (long i = 0; ordered && i < n; i++) {
		uint32_t l = a.mb->list[i].list;
		ordered &= l >= CAP_LIST_SPACE && l <= CAP_LIST_GROUP;
		if (ordered && i > 0)
			ordered &= rank[a.mb->list[i - 1].list] <= rank[l];
	}
	tap_ok(ordered, "group: READ lists the space list, the group's, the "
			"pager's, then the container's");
	tap_ok(cc_destroy(y) == 0 && cc_destroy(z) == 0,
	       "group: destroy the pager's and the container's caps");

	/* The fast path's cached authorization goes with the capability. */
	tap_ok(agent_call(&a, echo[0].tid, 2) == 0 &&
		   agent_call(&a, echo[0].tid, 3) == 0,
	       "group: the member calls twice (the second by the fast path)");
	tap_eq(cc_destroy(s), 0,
	       "group: the root task destroys the cap it shared");
	tap_eq(agent_call(&a, echo[0].tid, 4), -E_NOCAP,
	       "group: the member's next call fails (E_NOCAP)");

	/* REVOKE reaches into the group's list. */
	r = replicate(SYS(CAP_IPC), &p);
	r |= replicate(p, &s2);
	r |= deduce(s2, IPC_SS | GEN, SCOPE_THREAD, echo[0].tid);
	r |= share(s2, CAP_SHARE_GROUP);
	tap_ok(r == 0 && agent_call(&a, echo[0].tid, 5) == 0 &&
		   agent_call(&a, echo[0].tid, 6) == 0,
	       "group: with a replica's replica shared, the member calls "
	       "twice");
	tap_eq(cc_revoke(p), 0, "group: the root task revokes the parent");
	tap_eq(agent_call(&a, echo[0].tid, 7), -E_NOCAP,
	       "group: after the revoke the member cannot send");
	tap_ok(!root_sees(s2), "group: the revoked cap left the group's list");
	cc_destroy(p);

	/* A full list. */
	r = 0;
	for (int i = 0; i <= GROUP_SLOTS; i++)
		r |= narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[0].tid,
			      &f[i]);
	for (int i = 0; i < GROUP_SLOTS; i++)
		r |= share(f[i], CAP_SHARE_GROUP);
	tap_eq(r, 0, "group: a group's list takes %d caps", GROUP_SLOTS);
	tap_eq(share(f[GROUP_SLOTS], CAP_SHARE_GROUP), -E_LIMIT,
	       "group: sharing one more is E_LIMIT");
	tap_eq(share(f[0], CAP_SHARE_CONTAINER), 0,
	       "group: a cap moves on from the group's list to the "
	       "container's");
	tap_eq(share(f[GROUP_SLOTS], CAP_SHARE_GROUP), 0,
	       "group: which makes room for another");
	r = 0;
	for (int i = 0; i <= GROUP_SLOTS; i++)
		r |= cc_destroy(f[i]);
	tap_eq(r, 0, "group: destroy them");
out:
	tap_eq(kt_agent_free(&b) | kt_agent_free(&a), 0,
	       "group: the agents are deleted");
	tap_eq(root_ncaps(), start_n,
	       "group: the root task's view is as before");
}

/* A thread made by the root task in container `cid` with a new space
 * (from the arena) or the root's, perhaps joining the group of `tgid`. */
static long root_thread(uint32_t cid, uint32_t tgid, cptr_t *thread,
			cptr_t *space, uint32_t *tid, uint32_t *tgid_out)
{
	struct task_ids ids;
	struct thread_create tc;
	uint32_t flags = TC_SHARE_SPACE;
	long r;

	*thread = *space = 0;
	memset(&ids, 0, sizeof(ids));
	memset(&tc, 0, sizeof(tc));
	if ((r = tess_new(&al, CAP_THREAD, 0, thread)))
		return r;
	if (cid != 0) {
		if ((r = tess_new(&al, CAP_SPACE, 0, space)))
			return r;
		flags = TC_NEW_SPACE;
	}
	ids.tid = root_tid;
	ids.tgid = tgid;
	tc.thread = *thread;
	tc.space = *space ? *space : CPTR_NONE;
	tc.cspace = tc.untyped = tc.dest = CPTR_NONE;
	tc.pager = TID_NIL;
	tc.cid = cid;
	tc.prio = PRIO_INHERIT;
	r = tess_thread_control(THREAD_CREATE | flags |
				    (tgid != TID_NIL ? TC_SHARE_GROUP : 0),
				&ids, &tc);
	*tid = r ? 0 : ids.tid;
	*tgid_out = r ? 0 : ids.tgid;
	return r;
}

/* Joining a group needs authority over its leader; a group spans spaces
 * and containers; a member leaves when its id goes; when the leader's id
 * goes the group ends: its list's caps are deleted and each member leads
 * a group of its own. */
static void test_group_life(void)
{
	struct kt_agent l, m, k, g;
	cptr_t cont = 0, t9 = 0, s9 = 0, tu = 0, su = 0, acs = 0, tslot = 0;
	uint32_t w = 0, tid9 = 0, tidu = 0, tg = 0, old_l, tc_cap;
	long r, n;

	memset(&m, 0, sizeof(m));
	memset(&k, 0, sizeof(k));
	memset(&g, 0, sizeof(g));
	r = agent_make(&l, 0, 0, TID_NIL, CPTR_NONE);
	if (!r)
		r = agent_make_in(&m, 1, l.tid, CPTR_NONE);
	if (!r)
		r = agent_make_in(&k, 2, m.tid, CPTR_NONE);
	if (!tap_eq(r, 0,
		    "group life: a leader agent, a member, and one joining "
		    "through the member"))
		goto out;
	tap_ok(agent_tgid(&m) == l.tid && agent_tgid(&k) == l.tid,
	       "group life: joining the group of a member joins its leader's "
	       "group");

	/* The leader, in its own space, shares with its group. */
	r = give(&l, CAP_IPC, IPC_SS, SCOPE_THREAD, echo[0].tid, 0, &w);
	if (!r)
		r = give(&l, CAP_CAPCTRL, CAP_CAPCTRL_SHARE, SCOPE_THREAD,
			 l.tid, CAP_GRANT_IMMUTABLE, NULL);
	if (!r)
		r = agent_cc(&l, CAP_CONTROL_SHARE, CAP_SHARE_GROUP, w, 0, 0, 0,
			     0);
	tap_eq(r, 0, "group life: the leader shares an IPC cap with its group");
	give(&m, CAP_CAPCTRL, CAP_CAPCTRL_READ, SCOPE_THREAD, m.tid,
	     CAP_GRANT_IMMUTABLE, NULL);
	tap_ok(agent_call(&m, echo[0].tid, 1) == 0 &&
		   agent_call(&k, echo[0].tid, 1) == 0,
	       "group life: both members, each in its own space, send with it");

	/* A member's id goes: the group goes on without it. */
	tap_eq(tess_delete(&al, k.thread), 0,
	       "group life: delete a member's thread");
	k.thread = 0;
	tap_ok(agent_call(&m, echo[0].tid, 2) == 0 &&
		   agent_call(&m, echo[0].tid, 3) == 0,
	       "group life: the other member still sends (twice: the fast "
	       "path)");

	/* The leader's id goes: so does the group, and its list. */
	old_l = l.tid;
	tap_eq(tess_delete(&al, l.thread), 0,
	       "group life: delete the leader's thread (its space stays)");
	l.thread = 0;
	tap_eq(agent_call(&m, echo[0].tid, 4), -E_NOCAP,
	       "group life: with its leader gone the member's next call fails "
	       "(E_NOCAP)");
	tap_eq(agent_tgid(&m), m.tid,
	       "group life: the member now leads a group of its own");
	n = agent_read(&m);
	int none = n >= 0;
	for (long i = 0; i < n; i++)
		none &= m.mb->list[i].list != CAP_LIST_GROUP &&
			m.mb->list[i].capid != w;
	tap_ok(none, "group life: the group's list and its cap are gone");
	tap_eq(root_thread(0, old_l, &tu, &su, &tidu, &tg), -E_NOTHREAD,
	       "group life: joining the group of the gone leader's id is "
	       "E_NOTHREAD");
	tess_delete(&al, tu);

	/* Across containers: a leader in container 9. */
	r = tess_new(&al, CAP_CONTAINER, 0, &cont);
	if (!r)
		r = tess_container_control(CONTAINER_CONFIGURE, cont, 9);
	if (!r)
		r = root_thread(9, TID_NIL, &t9, &s9, &tid9, &tg);
	tap_ok(r == 0 && TID_CID(tid9) == 9 && tg == tid9,
	       "group life: a leader in container 9, in a new space");
	r = root_thread(0, tid9, &tu, &su, &tidu, &tg);
	tap_ok(r == 0 && TID_CID(tidu) == 0 && tg == tid9,
	       "group life: a thread of container 0 joins its group (a group "
	       "spans containers)");
	tap_eq(tess_delete(&al, tu), 0,
	       "group life: delete that member (the group counts one less)");
	tu = 0;

	/* Joining needs a CREATE cap covering the leader. */
	r = tess_new(&al, CAP_CSPACE, 2, &acs);
	if (!r) {
		tslot = kt_addr2(acs, 1);
		r = tess_retype(al.untyped, CAP_THREAD, 0, tslot, 1);
	}
	if (!r)
		r = agent_make(&g, 3, 0, TID_NIL, acs);
	if (!r)
		r = give(&g, CAP_TCTRL, CAP_TCTRL_CREATE | CAP_TCTRL_DESTROY,
			 SCOPE_CONTAINER, 0, CAP_GRANT_IMMUTABLE, &tc_cap);
	tap_eq(r, 0,
	       "group life: an agent with CREATE over container 0 and a "
	       "Thread object");
	memset(&g.mb->tc, 0, sizeof(g.mb->tc));
	g.mb->tc.thread = 1;
	g.mb->tc.space = g.mb->tc.cspace = g.mb->tc.untyped = g.mb->tc.dest =
	    CPTR_NONE;
	g.mb->tc.pager = TID_NIL;
	g.mb->tc.prio = PRIO_INHERIT;
	g.mb->ids.tid = g.tid;
	g.mb->ids.tgid = tid9;
	tap_eq(kt_agent_do(&g, OP_TCTRL,
			   THREAD_CREATE | TC_SHARE_SPACE | TC_SHARE_GROUP, 0,
			   0, 0),
	       -E_NOCAP,
	       "group life: joining a group whose leader (container 9) no "
	       "CREATE cap covers is E_NOCAP");
	g.mb->ids.tid = g.tid;
	g.mb->ids.tgid = root_tid;
	r = kt_agent_do(&g, OP_TCTRL,
			THREAD_CREATE | TC_SHARE_SPACE | TC_SHARE_GROUP, 0, 0,
			0);
	tap_ok(r == 0 && g.mb->ids.tgid == root_tid,
	       "group life: joining the root task's group (container 0, "
	       "covered) is allowed");
	if (r == 0) {
		/* ids.tid is the new thread's id now. */
		tap_eq(kt_agent_do(&g, OP_TCTRL, THREAD_DESTROY, 0, 0, 0), 0,
		       "group life: the agent destroys that thread");
	}
out:
	tap_eq(kt_agent_free(&g) | kt_agent_free(&k) | kt_agent_free(&m) |
		   kt_agent_free(&l),
	       0, "group life: the agents are deleted");
	if (tslot)
		tess_cap_delete(tslot);
	tap_eq((acs ? tess_delete(&al, acs) : 0) |
		   (tu ? tess_delete(&al, tu) : 0) |
		   (su ? tess_delete(&al, su) : 0) |
		   (t9 ? tess_delete(&al, t9) : 0) |
		   (s9 ? tess_delete(&al, s9) : 0) |
		   (cont ? tess_delete(&al, cont) : 0),
	       0, "group life: the threads, spaces and container are deleted");
	tap_eq(root_ncaps(), start_n,
	       "group life: the root task's view is as before");
}

/* The three lists, in order: space, pager-shared, container. */
static void test_lookup_order(void)
{
	struct kt_agent a;
	uint32_t x, y, z;
	long r, n;

	r = agent_make(&a, 0, 0, TID_NIL, CPTR_NONE);
	if (!tap_eq(r, 0, "lists: start an agent"))
		goto out;
	give(&a, CAP_CAPCTRL,
	     CAP_CAPCTRL_READ | CAP_CAPCTRL_REPLICATE | CAP_CAPCTRL_DESTROY,
	     SCOPE_THREAD, a.tid, CAP_GRANT_IMMUTABLE, NULL);
	r = give(&a, CAP_IPC, IPC_SS, SCOPE_THREAD, echo[0].tid,
		 CAP_GRANT_IMMUTABLE, &x);
	r |= narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[1].tid, &y);
	r |= share(y, CAP_SHARE_CHILD);
	r |= narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[2].tid, &z);
	r |= share(z, CAP_SHARE_CONTAINER);
	tap_eq(r, 0, "one IPC cap in each of the agent's three lists");
	tap_ok(root_has(z, IPC_SS | GEN, SCOPE_THREAD, echo[2].tid,
			CAP_LIST_CONTAINER),
	       "the root task sees the cap it shared with its container");

	n = agent_read(&a);
	tap_eq(n, kt_agent_do(&a, OP_CAPCTRL, CAP_CONTROL_NCAPS, 0, 0, 0),
	       "lists: READ and NCAPS agree");
	const struct capability *cx = find_rec(a.mb->list, n, x);
	const struct capability *cy = find_rec(a.mb->list, n, y);
	const struct capability *cz = find_rec(a.mb->list, n, z);
	tap_ok(cx && cx->list == CAP_LIST_SPACE && cx->owner == a.spid,
	       "READ: the granted cap is in the space list");
	tap_ok(cy && cy->list == CAP_LIST_PAGER && cy->owner == root_spid,
	       "READ: the child-shared cap is in the pager's list");
	tap_ok(cz && cz->list == CAP_LIST_CONTAINER && cz->owner == root_spid,
	       "READ: the container-shared cap is in the container's list");
	static const uint32_t rank[] = {[CAP_LIST_SPACE] = 1,
					[CAP_LIST_PAGER] = 2,
					[CAP_LIST_CONTAINER] = 3};
	int ordered = n > 0;
	for (long i = 0; i < n; i++) {
		uint32_t l = a.mb->list[i].list;
		ordered &= (l == CAP_LIST_SPACE || l == CAP_LIST_PAGER ||
			    l == CAP_LIST_CONTAINER);
		if (i > 0 && ordered)
			ordered &= rank[a.mb->list[i - 1].list] <= rank[l];
	}
	tap_ok(ordered, "READ lists the space list, then the pager's list, "
			"then the container's");
	tap_eq(agent_call(&a, echo[0].tid, 1), 0,
	       "a send is authorized from the space list");
	tap_eq(agent_call(&a, echo[1].tid, 1), 0,
	       "a send is authorized from the pager's list");
	tap_eq(agent_call(&a, echo[2].tid, 1), 0,
	       "a send is authorized from the container's list");

	/* Seen is not owned. */
	tap_eq(agent_cc(&a, CAP_CONTROL_DESTROY, 0, z, 0, 0, 0, 0), -E_BADCAP,
	       "DESTROY of a cap seen in the container's list but not owned is "
	       "E_BADCAP");
	tap_eq(agent_cc(&a, CAP_CONTROL_REPLICATE, 0, y, 0, 0, 0, 0), -E_BADCAP,
	       "REPLICATE of a cap seen in the pager's list is E_BADCAP");
	tap_ok(cc_destroy(y) == 0 && cc_destroy(z) == 0,
	       "the owner destroys both shared caps");
	tap_ok(agent_call(&a, echo[1].tid, 1) == -E_NOCAP &&
		   agent_call(&a, echo[2].tid, 1) == -E_NOCAP &&
		   agent_call(&a, echo[0].tid, 1) == 0,
	       "only the cap in the agent's own list is left");
out:
	tap_eq(kt_agent_free(&a), 0, "lists: the agent is deleted");
	tap_eq(root_ncaps(), start_n,
	       "lists: the root task's view is as before");
}

/* ------------------------------------------------------------ containers */

static void test_container_config(void)
{
	cptr_t c1 = 0, c2 = 0, c3 = 0, c4 = 0, empty;
	long r;

	r = tess_new(&al, CAP_CONTAINER, 0, &c1);
	if (!r)
		r = tess_new(&al, CAP_CONTAINER, 0, &c2);
	if (!tap_eq(r, 0, "retype two Container objects"))
		return;
	empty = tess_slot(&al);
	tap_eq(tess_container_control(0, c1, 2), -E_INVAL,
	       "container_control request 0 is E_INVAL");
	tap_eq(tess_container_control(2, c1, 2), -E_INVAL,
	       "container_control request 2 is E_INVAL");
	tap_eq(tess_container_control(CONTAINER_CONFIGURE, scratch_page, 2),
	       -E_CAPTYPE, "CONFIGURE through a Page cap is E_CAPTYPE");
	tap_eq(tess_container_control(CONTAINER_CONFIGURE, empty, 2), -E_EMPTY,
	       "CONFIGURE through an empty slot is E_EMPTY");
	tap_eq(tess_container_control(CONTAINER_CONFIGURE, 0x1000, 2),
	       -E_BADCAP, "CONFIGURE through a bad address is E_BADCAP");
	tap_eq(tess_container_control(CONTAINER_CONFIGURE, c1, 0), -E_EXISTS,
	       "CONFIGURE with id 0 (the root's) is E_EXISTS");
	tap_eq(tess_container_control(CONTAINER_CONFIGURE, c1, CID_MAX + 1),
	       -E_RANGE, "CONFIGURE with id 255 is E_RANGE");
	tap_eq(tess_container_control(CONTAINER_CONFIGURE, c1, 1000), -E_RANGE,
	       "CONFIGURE with id 1000 is E_RANGE");
	tap_eq(tess_container_control(CONTAINER_CONFIGURE, c1, 2), 0,
	       "CONFIGURE a container as id 2");
	tap_eq(tess_container_control(CONTAINER_CONFIGURE, c1, 3), -E_BUSY,
	       "CONFIGURE of a configured container is E_BUSY");
	tap_eq(
	    tess_container_control(CONTAINER_CONFIGURE, BOOT_SLOT_CONTAINER, 4),
	    -E_BUSY, "CONFIGURE of container 0 is E_BUSY");
	tap_eq(tess_container_control(CONTAINER_CONFIGURE, c2, 2), -E_EXISTS,
	       "CONFIGURE of another container with id 2 is E_EXISTS");
	c3 = tess_slot(&al);
	tap_eq(tess_cap_copy(c1, c3), 0, "copy the container's cap");
	tap_eq(tess_delete(&al, c1), 0, "delete one of its two caps");
	tap_eq(tess_container_control(CONTAINER_CONFIGURE, c2, 2), -E_EXISTS,
	       "the container lives on while a cap is left (id 2 in use)");
	tap_eq(tess_delete(&al, c3), 0, "delete its last cap");
	tap_eq(
	    tess_container_control(CONTAINER_CONFIGURE, c2, 2), 0,
	    "deleting the last cap frees the id: another container takes it");
	r = tess_new(&al, CAP_CONTAINER, 0, &c4);
	tap_eq(tess_container_control(CONTAINER_CONFIGURE, c4, CID_MAX), 0,
	       "CONFIGURE with id 254 (the largest)");
	tap_eq(tess_delete(&al, c2) | tess_delete(&al, c4), 0,
	       "containers: delete the containers");
	tess_slot_free(&al, empty);
}

/* Threads in container 2: their ids, IPC across containers only with a
 * cap, and the end of the container. */
static void test_container_threads(void)
{
	struct kt_agent a, b;
	struct kt_thread e2; /* made by hand: in container 2, from the arena */
	struct task_ids ids;
	struct thread_create tc;
	cptr_t cc = 0, cc2 = 0, th = 0, bcs = 0;
	uint32_t n0, n1, z;
	long r;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&e2, 0, sizeof(e2));
	r = tess_new(&al, CAP_CONTAINER, 0, &cc);
	if (!r)
		r = tess_container_control(CONTAINER_CONFIGURE, cc, 2);
	if (!tap_eq(r, 0, "make container 2"))
		goto out;
	r = agent_make(&a, 0, 2, TID_NIL, CPTR_NONE);
	tap_eq(
	    r, 0,
	    "create a thread in container 2 (in a copy of the root's space)");
	if (r)
		goto out;
	tap_ok(TID_CID(a.tid) == 2 && TID_CID(root_tid) == 0 &&
		   TID_RAW(a.tid) != TID_RAW(root_tid),
	       "its tid's top byte is 2 (the root's is 0)");
	tap_eq(kt_agent_do(&a, OP_GETID, 0, 0, 0, 0), 0,
	       "the thread in container 2 calls getid");
	tap_ok(a.mb->ids.tid == a.tid && a.mb->ids.spid == a.spid,
	       "getid gives it the same tid and space id");

	/* A second thread in its space: an echo in container 2. */
	r = tess_new(&al, CAP_THREAD, 0, &e2.cap);
	memset(&ids, 0, sizeof(ids));
	memset(&tc, 0, sizeof(tc));
	ids.tid = a.tid;
	tc.thread = e2.cap;
	tc.space = tc.cspace = tc.untyped = tc.dest = CPTR_NONE;
	tc.pager = TID_NIL;
	tc.cid = 2;
	tc.prio = PRIO_INHERIT;
	if (!r)
		r = tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids,
					&tc);
	e2.tid = ids.tid;
	if (!r)
		r = kt_start(e2.tid, echo_entry, aecho_stack, STACK_SIZE,
			     (uint64_t)&a.mb->echo, 0, 0);
	if (!r)
		r = kt_wait_state(e2.tid, THREAD_STATE_BLOCKED);
	tap_eq(r, 0, "start an echo thread in the same space, in container 2");
	tap_ok(TID_CID(e2.tid) == 2 && e2.tid != a.tid,
	       "its tid is in container 2 too");

	/* Creation errors around containers. */
	r = tess_new(&al, CAP_THREAD, 0, &th);
	ids.tid = root_tid;
	tc.thread = th;
	tc.cid = 2;
	tap_eq(
	    tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc),
	    -E_INVAL,
	    "CREATE in container 2 sharing a space of container 0 is E_INVAL");
	ids.tid = root_tid;
	tc.cid = 3;
	tap_eq(tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc),
	       -E_INVAL,
	       "CREATE in a container that is not configured is E_INVAL");
	tess_delete(&al, th);

	/* The root's system-wide cap reaches container 2. */
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = 77;
	tap_eq(tess_ipc(e2.tid, TID_NIL, IPC_SHORT | IPC_NONBLOCK, &m, 0), 0,
	       "the root task sends to a thread in container 2");
	kt_wait_count(&a.mb->echo.count, 1);
	tap_ok(a.mb->echo.count == 1 && a.mb->echo.sender == root_tid &&
		   a.mb->echo.last == 77,
	       "the message arrived there from the root task's tid");

	/* Container 2's thread, with a cap over its own container only. */
	n0 = echo_recs[0].count;
	n1 = echo_recs[1].count;
	tap_eq(agent_call(&a, e2.tid, 1), -E_NOCAP,
	       "with no IPC cap it cannot send in its container");
	r = give(&a, CAP_IPC, IPC_SS, SCOPE_CONTAINER, 2, CAP_GRANT_IMMUTABLE,
		 NULL);
	tap_eq(r, 0, "grant it an IPC cap deduced to container 2");
	r = agent_call(&a, e2.tid, 5);
	tap_ok(r == 0 && a.mb->reply == 6 && a.mb->sender == e2.tid,
	       "it calls a thread of its own container");
	tap_eq(agent_call(&a, echo[0].tid, 1), -E_NOCAP,
	       "it cannot send to container 0 with a container-2 cap");
	tap_eq(echo_recs[0].count, n0,
	       "... and nothing arrived in container 0");
	r = give(&a, CAP_IPC, IPC_SS, SCOPE_THREAD, echo[0].tid,
		 CAP_GRANT_IMMUTABLE, NULL);
	tap_eq(r, 0, "grant it a cap covering one thread of container 0");
	r = agent_call(&a, echo[0].tid, 8);
	tap_ok(r == 0 && a.mb->reply == 9 && echo_recs[0].count == n0 + 1 &&
		   echo_recs[0].sender == a.tid,
	       "now it calls that thread across containers");
	tap_eq(agent_call(&a, echo[1].tid, 1), -E_NOCAP,
	       "but no other thread of container 0");
	tap_eq(echo_recs[1].count, n1, "... which received nothing");
	narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_THREAD, echo[1].tid, &z);
	tap_eq(share(z, CAP_SHARE_CONTAINER), 0,
	       "the root task shares a cap with container 0");
	tap_eq(agent_call(&a, echo[1].tid, 1), -E_NOCAP,
	       "a thread of container 2 does not see container 0's list");
	cc_destroy(z);

	/* Creating a thread in container 2 needs a TCTRL cap covering it:
	 * an agent of container 0 with a Thread and a Space object. */
	r = tess_new(&al, CAP_CSPACE, 2, &bcs);
	if (!r)
		r = tess_retype(arena_ut, CAP_THREAD, 0, kt_addr2(bcs, 1), 1);
	if (!r)
		r = tess_retype(arena_ut, CAP_SPACE, 0, kt_addr2(bcs, 2), 1);
	if (!r)
		r = agent_make(&b, 1, 0, TID_NIL, bcs);
	if (!r)
		r = give(&b, CAP_TCTRL, CAP_TCTRL_CREATE, SCOPE_CONTAINER, 0,
			 CAP_GRANT_IMMUTABLE, NULL);
	tap_eq(r, 0,
	       "an agent of container 0 with a CREATE cap over container 0");
	memset(&b.mb->tc, 0, sizeof(b.mb->tc));
	b.mb->tc.thread = 1;
	b.mb->tc.space = 2;
	b.mb->tc.cspace = b.mb->tc.untyped = b.mb->tc.dest = CPTR_NONE;
	b.mb->tc.pager = TID_NIL;
	b.mb->tc.cid = 2;
	b.mb->tc.prio = PRIO_INHERIT;
	tap_eq(kt_agent_do(&b, OP_TCTRL, THREAD_CREATE | TC_NEW_SPACE, 0, 0, 0),
	       -E_NOCAP,
	       "a CREATE cap over container 0 does not create in container 2 "
	       "(E_NOCAP)");
	r = give(&b, CAP_TCTRL, CAP_TCTRL_CREATE, SCOPE_CONTAINER, 2,
		 CAP_GRANT_IMMUTABLE, NULL);
	tap_eq(r, 0, "grant it a CREATE cap over container 2");
	r = kt_agent_do(&b, OP_TCTRL, THREAD_CREATE | TC_NEW_SPACE, 0, 0, 0);
	tap_eq(r, 0, "with it the agent creates a thread in container 2");
	uint32_t nt = b.mb->ids.tid;
	tap_ok(r == 0 && TID_CID(nt) == 2 &&
		   kt_state(nt) == THREAD_STATE_INACTIVE,
	       "the new thread's tid is in container 2");

	/* The end of the container: its threads stop and lose their ids; a
	 * thread waiting to send to one of them is told. */
	uint32_t seq = a.mb->k.seq;
	tap_eq(kt_agent_post(&a, OP_SPIN, 0, 0, 0, 0), 0,
	       "the thread in container 2 starts spinning");
	kt_wait_count(&a.mb->spin, 10);
	tap_ok(a.mb->spin >= 10, "it runs");
	r = b.mb ? give(&b, CAP_IPC, IPC_SS, SCOPE_CONTAINER, 2,
			CAP_GRANT_IMMUTABLE, NULL)
		 : KT_AGENT_TIMEOUT;
	uint32_t bseq = b.mb ? b.mb->k.seq + 1 : 0;
	if (!r)
		r = kt_agent_post(&b, OP_IPC, a.tid, a.tid, IPC_SHORT, 1);
	if (!r)
		r = kt_wait_state(b.tid, THREAD_STATE_BLOCKED);
	tap_eq(r, 0,
	       "a thread of container 0 waits to send to the spinning thread");
	tap_eq(tess_delete(&al, cc), 0, "delete the container's last cap");
	cc = 0;
	uint64_t spun = a.mb->spin;
	for (int i = 0; i < 50; i++)
		tess_thread_switch(TID_NIL);
	tap_ok(a.mb->spin == spun && a.mb->k.seq == seq, "its threads stopped");
	tap_eq(kt_state(nt), -E_NOTHREAD,
	       "the thread the agent made there lost its id too");
	tap_eq(b.mb ? kt_agent_wait(&b, bseq) : -1, -E_ABORTED,
	       "the send waiting for a thread of the ended container fails "
	       "with E_ABORTED");
	memset(&ids, 0, sizeof(ids));
	ids.tid = a.tid;
	tap_eq(tess_thread_control(THREAD_RUN, &ids, 0), -E_NOTHREAD,
	       "their tids are gone (RUN)");
	memset(&m, 0, sizeof(m));
	tap_eq(tess_ipc(e2.tid, TID_NIL, IPC_SHORT | IPC_NONBLOCK, &m, 0),
	       -E_NOTHREAD, "their tids are gone (IPC)");
	r = tess_new(&al, CAP_CONTAINER, 0, &cc2);
	if (!r)
		r = tess_container_control(CONTAINER_CONFIGURE, cc2, 2);
	tap_eq(r, 0, "the id is free: a new container is configured as 2");
out:
	if (e2.cap)
		tess_delete(&al, e2.cap);
	tap_eq(kt_agent_free(&b) | kt_agent_free(&a), 0,
	       "containers: the agents are deleted");
	if (bcs) {
		tess_cap_delete(kt_addr2(bcs, 1));
		tess_cap_delete(kt_addr2(bcs, 2));
		tess_delete(&al, bcs);
	}
	if (cc)
		tess_delete(&al, cc);
	if (cc2)
		tap_eq(tess_delete(&al, cc2), 0,
		       "containers: delete the new container");
	tap_eq(root_ncaps(), start_n,
	       "containers: the root task's view is as before");
}

/* ------------------------------------------------------------ space ids */

/* A thread, not started, in Space object `space` (new, empty); its tid
 * and space id. */
static long thread_in_space(struct tess_alloc *sa, cptr_t space, cptr_t *thread,
			    uint32_t *tid, uint32_t *spid)
{
	struct task_ids ids;
	struct thread_create tc;
	long r = tess_new(sa, CAP_THREAD, 0, thread);
	if (r)
		return r;
	memset(&ids, 0, sizeof(ids));
	memset(&tc, 0, sizeof(tc));
	ids.tid = root_tid;
	tc.thread = *thread;
	tc.space = space;
	tc.cspace = tc.untyped = tc.dest = CPTR_NONE;
	tc.pager = TID_NIL;
	tc.prio = PRIO_INHERIT;
	r = tess_thread_control(THREAD_CREATE | TC_NEW_SPACE, &ids, &tc);
	*tid = ids.tid;
	*spid = ids.spid;
	return r;
}

#define SPID_INDEX_MASK KT_SPID_INDEX_MASK
#define BATCH_BITS KT_SPACE_BATCH_BITS

/* The test's own arena: the suite's is nearly used up by now. */
#define SPACES_ARENA_BITS 23
#define SPACES_SLOT_BITS 6

static void test_space_id_reuse(void)
{
	static struct tess_alloc sal;
	struct kt_agent a;
	cptr_t s1 = 0, t1 = 0, s2 = 0, t2 = 0, ut = 0, cs = 0, aut = 0, acs = 0;
	uint32_t tid1 = 0, sp1 = 0, tid2 = 0, sp2 = 0, c = 0;
	long r;

	memset(&a, 0, sizeof(a));
	r = tess_new(ka, CAP_UNTYPED, SPACES_ARENA_BITS, &aut);
	if (!r)
		r = tess_new(ka, CAP_CSPACE, SPACES_SLOT_BITS, &acs);
	if (!r) {
		tess_alloc_init(&sal, aut, kt_addr2(acs, 0),
				kt_addr2(acs, 0) + (1u << SPACES_SLOT_BITS));
		r = kt_agent_make(&a, &sal, VA_MB(0), 0, TID_NIL, CPTR_NONE,
				  agent_order);
	}
	if (!r)
		r = tess_new(&sal, CAP_SPACE, 0, &s1);
	if (!r)
		r = thread_in_space(&sal, s1, &t1, &tid1, &sp1);
	if (!tap_eq(r, 0, "space ids: an agent, and a thread in a new space"))
		goto out;
	tap_eq(give(&a, CAP_IPC, IPC_SS, SCOPE_SPACE, sp1, 0, NULL), 0,
	       "space ids: give the agent an IPC cap over that space");
	tap_eq(kt_agent_do(&a, OP_IPC, tid1, TID_NIL, IPC_NONBLOCK, 0),
	       -E_WOULDBLOCK,
	       "space ids: it covers the thread (a send that would wait)");
	kt_tctrl(THREAD_DESTROY, tid1);
	tess_delete(&sal, t1);
	t1 = 0;
	tess_delete(&sal, s1);
	s1 = 0;

	/* Every other space id, until the table entry comes back. */
	r = tess_new(&sal, CAP_UNTYPED, BATCH_BITS + SPACE_BITS, &ut);
	if (!r)
		r = tess_new(&sal, CAP_CSPACE, BATCH_BITS, &cs);
	if (!r)
		r = kt_space_at_index(ut, cs, sp1 & SPID_INDEX_MASK, &s2);
	if (!r)
		r = thread_in_space(&sal, s2, &t2, &tid2, &sp2);
	if (!tap_eq(
		r, 0,
		"space ids: after 4094 more spaces, a thread in a new space "
		"in the same table entry"))
		goto out;
	tap_ok(sp2 != sp1 && (sp2 & SPID_INDEX_MASK) == (sp1 & SPID_INDEX_MASK),
	       "space ids: the new space has a new id (%x, the old was %x)",
	       sp2, sp1);
	tap_eq(kt_agent_do(&a, OP_IPC, tid2, TID_NIL, IPC_NONBLOCK, 0),
	       -E_NOCAP,
	       "space ids: the old space scope does not cover the new space");
	r = narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_SPACE, sp1, &c);
	tap_eq(r, -E_NOTHREAD,
	       "space ids: DEDUCE to the old space id is E_NOTHREAD");
	if (r == 0)
		cc_destroy(c);
	r = narrowed(CAP_IPC, IPC_SS | GEN, SCOPE_SPACE, sp2, &c);
	tap_eq(r, 0, "space ids: DEDUCE to the new one works");
	if (r == 0)
		cc_destroy(c);
out:
	if (tid2)
		kt_tctrl(THREAD_DESTROY, tid2);
	if (t2)
		tess_delete(&sal, t2);
	if (s2)
		tess_cap_delete(s2);
	if (ut)
		tess_cap_revoke(ut);
	if (cs)
		tess_delete(&sal, cs);
	if (ut)
		tess_delete(&sal, ut);
	if (t1)
		tess_delete(&sal, t1);
	if (s1)
		tess_delete(&sal, s1);
	if (a.tid)
		tap_eq(kt_agent_free(&a), 0, "space ids: the agent is deleted");
	if (aut)
		tap_eq(tess_remaining(aut), 1l << SPACES_ARENA_BITS,
		       "space ids: every object made from the test's arena is "
		       "gone");
	if (acs)
		tess_delete(ka, acs);
	if (aut)
		tess_delete(ka, aut);
	tap_eq(root_ncaps(), start_n,
	       "space ids: the root task's view is as before");
}

void test_capctrl(void)
{
	printf(
	    "# capctrl: capability_control, scope capabilities, containers\n");
	if (!setup())
		return;
	test_read();
	test_capctrl_rights();
	test_bad_requests();
	test_replicate();
	test_list_full();
	test_deduce();
	test_split();
	test_destroy_revoke();
	test_share();
	test_grant();
	test_tctrl_authority();
	test_ipc_authority();
	test_share_child();
	test_ipc_cache();
	test_share_siblings();
	test_share_group();
	test_group_life();
	test_lookup_order();
	test_container_config();
	test_container_threads();
	test_space_id_reuse();
	teardown();
}
