/*
 * The authorization cache (kernel/core/scope.h): every operation that
 * takes authority away from a thread invalidates what the thread cached,
 * so the IPC fast path never trusts a stale right.
 *
 * Each case builds a world of its own: the caller (`cur`, the running
 * thread), a target thread `T` in a space of its own, a pager `P` in
 * another space, a thread `Q` in a third, a thread-group leader `L`, all
 * in container 0; one IPC scope capability that authorizes cur to send
 * short messages to T, placed where the case needs it (cur's space list,
 * P's shared list, L's group list, the container's list).  It fills cur's
 * cache (scope_authorized, as the slow path does), makes the operation,
 * mostly as a real system call (syscall_call, through the dispatcher,
 * with its arguments in user memory), then checks that the fast path's
 * test (ipc_cache_trusts) no longer trusts the cache, and that the
 * authority is really gone.
 */
#include <string.h>

#include "kworld.h"
#include "core/container.h"
#include "core/scope.h"
#include "core/syscall.h"
#include "tessera/capctrl.h"
#include "tessera/thread.h"

#define BUF_VA 0x200000ull
/* Boot slots. */
#define S_CONTAINER 4
#define S_T 10	    /* T's Thread, then its Space */
#define S_P 12	    /* P's Thread, then its Space */
#define S_Q 14	    /* Q's Thread, then its Space */
#define S_L 16	    /* L's Thread */
#define S_U 17	    /* an Untyped P's Space and Thread come from */
#define S_TABLES 20 /* four per space: PDPT, PD, PT, the buffer page */

#define IPC_SS (CAP_IPC_SEND | CAP_IPC_SHORT)

static struct kworld w;
static struct cap *b;
static struct thread *cur, *T, *P, *Q, *L;
static u8 *buf_of[3]; /* the buffer page of cur's, P's, Q's space */

static struct thread *new_thread(unsigned slot, struct space *s)
{
	struct thread *t = (struct thread *)b[slot].obj;
	if (thread_bind(t, 0))
		panic("no thread id");
	if (s)
		thread_set_space(t, s);
	return t;
}

/* A page mapped read-write at BUF_VA in `s`: its kernel address. */
static u8 *map_buffer(struct space *s, unsigned slot)
{
	struct cap *u = w.ut;
	if (kw_retype(u, CAP_PDPT, 0, &b[slot], 1) ||
	    kw_retype(u, CAP_PD, 0, &b[slot + 1], 1) ||
	    kw_retype(u, CAP_PT, 0, &b[slot + 2], 1) ||
	    kw_retype(u, CAP_PAGE, 0, &b[slot + 3], 1) ||
	    kw_map(&b[slot], s, 0, 0) || kw_map(&b[slot + 1], s, 0, 0) ||
	    kw_map(&b[slot + 2], s, BUF_VA, 0) ||
	    kw_map(&b[slot + 3], s, BUF_VA, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE))
		panic("map_buffer");
	return (u8 *)vspace_object_phys(&b[slot + 3]);
}

/* A scope capability in list slot `c` (a boot capability, under the
 * anchor). */
static struct cap *put(struct cap *c, u8 type, u32 rights, u32 scope, u32 resid,
		       const struct space *owner)
{
	if (!cap_is_null(c))
		panic("put: slot in use");
	scope_cap_init(c, type, rights, scope, resid, owner->spid);
	cdt_insert_child(&cdt_anchor, c);
	return c;
}

static struct cap *free_in(struct cap *list, u32 n)
{
	struct cap *c = cap_list_free_slot(list, n);
	if (!c)
		panic("list full");
	return c;
}

static struct cap *space_list(struct space *s)
{
	return free_in(&s->slots[SPACE_SLOT_LIST], SPACE_LIST_SLOTS);
}

static struct cap *child_list(struct space *s)
{
	return free_in(&s->slots[SPACE_SLOT_CHILD], SPACE_LIST_SLOTS);
}

/* The world: see the top of the file.  P's space and thread come from
 * their own Untyped (S_U). */
static void build(void)
{
	kw_init(&w, 23, 7);
	b = w.boot;
	if (kw_retype(w.ut, CAP_CONTAINER, 0, &b[S_CONTAINER], 1))
		panic("container");
	container_configure((struct container *)b[S_CONTAINER].obj, 0);
	kw_task(&w);
	cur = w.thread;
	if (kw_retype(w.ut, CAP_THREAD, 0, &b[S_T], 1) ||
	    kw_retype(w.ut, CAP_SPACE, 0, &b[S_T + 1], 1) ||
	    kw_retype(w.ut, CAP_UNTYPED, 16, &b[S_U], 1) ||
	    kw_retype(&b[S_U], CAP_THREAD, 0, &b[S_P], 1) ||
	    kw_retype(&b[S_U], CAP_SPACE, 0, &b[S_P + 1], 1) ||
	    kw_retype(w.ut, CAP_THREAD, 0, &b[S_Q], 1) ||
	    kw_retype(w.ut, CAP_SPACE, 0, &b[S_Q + 1], 1) ||
	    kw_retype(w.ut, CAP_THREAD, 0, &b[S_L], 1))
		panic("objects");
	T = new_thread(S_T, (struct space *)b[S_T + 1].obj);
	P = new_thread(S_P, (struct space *)b[S_P + 1].obj);
	Q = new_thread(S_Q, (struct space *)b[S_Q + 1].obj);
	L = new_thread(S_L, Q->space);
	thread_set_pager(cur, P->tid);
	buf_of[0] = map_buffer(cur->space, S_TABLES);
	buf_of[1] = map_buffer(P->space, S_TABLES + 4);
	buf_of[2] = map_buffer(Q->space, S_TABLES + 8);
	/* The authority the operations need: cur's and P's. */
	u32 all = CAP_GENERIC_ALL;
	put(space_list(cur->space), CAP_CAPCTRL, CAP_CAPCTRL_ALL | all,
	    SCOPE_SYSTEM, 0, cur->space);
	put(space_list(cur->space), CAP_TCTRL, CAP_TCTRL_ALL | all,
	    SCOPE_SYSTEM, 0, cur->space);
	put(space_list(cur->space), CAP_EXREGS, CAP_EXREGS_ALL | all,
	    SCOPE_SYSTEM, 0, cur->space);
	put(space_list(P->space), CAP_CAPCTRL, CAP_CAPCTRL_ALL | all,
	    SCOPE_SYSTEM, 0, P->space);
}

static u8 *buffer(struct thread *t)
{
	return t->space == cur->space ? buf_of[0]
	       : t->space == P->space ? buf_of[1]
				      : buf_of[2];
}

/* capability_control as `actor`, the record in its buffer page. */
static long cc(struct thread *actor, u64 req, u64 flags, u32 capid,
	       const struct capability *extra)
{
	struct capability r;
	memset(&r, 0, sizeof(r));
	if (extra)
		r = *extra;
	r.capid = capid;
	memcpy(buffer(actor), &r, sizeof(r));
	arch_set_current(actor);
	u64 a[6] = {req, flags, BUF_VA};
	long ret = syscall_call(SYS_capability_control, a);
	arch_set_current(cur);
	return ret;
}

/* thread_control(action) on `tid`, as cur. */
static long tctrl(u32 action, u32 tid)
{
	struct task_ids ids = {tid, 0, 0, 0};
	memcpy(buf_of[0], &ids, sizeof(ids));
	u64 a[6] = {action, BUF_VA, 0};
	return syscall_call(SYS_thread_control, a);
}

static long del(cptr_t c)
{
	u64 a[6] = {c};
	return syscall_call(SYS_cap_delete, a);
}

/* cur's cache, filled by the slow path's search; true if it trusts T. */
static bool fill_cache(void)
{
	return scope_authorized(cur, CAP_IPC, T, IPC_SS) &&
	       ipc_cache_trusts(cur, T->tid);
}

/* After the operation: the fast path must not trust the cache, and the
 * search must find no authority.  (The order matters: a successful search
 * fills the cache again.) */
static void check(const char *what, long r)
{
	T_EQ(r, 0, "%s: the operation succeeds", what);
	t_ok(!ipc_cache_trusts(cur, T->tid),
	     "%s: the fast path no longer trusts the cached right", what);
	t_ok(!scope_authorized(cur, CAP_IPC, T, IPC_SS),
	     "%s: and the authority is gone", what);
	t_ok(kw_invariants_ok(), "%s: invariants hold", what);
	kw_fini(&w);
}

static void start(const char *what, struct cap *ipc)
{
	t_ok(ipc && fill_cache(), "%s: cur's cache trusts its right to T",
	     what);
}

int main(void)
{
	struct cap *c;
	struct capability rec;
	const char *what;

	what = "DESTROY";
	build();
	c = put(space_list(cur->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_THREAD, T->tid, cur->space);
	start(what, c);
	check(what, cc(cur, CAP_CONTROL_DESTROY, 0, c->scope.capid, NULL));

	what = "REVOKE of the capability a replica came from";
	build();
	c = put(child_list(cur->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_THREAD, T->tid, cur->space);
	T_EQ(cc(cur, CAP_CONTROL_REPLICATE, 0, c->scope.capid, NULL), 0,
	     "%s: a replica in cur's space list", what);
	start(what, c);
	check(what, cc(cur, CAP_CONTROL_REVOKE, 0, c->scope.capid, NULL));

	what = "SHARE into a list the caller does not see";
	build();
	c = put(space_list(cur->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_THREAD, T->tid, cur->space);
	start(what, c);
	check(what, cc(cur, CAP_CONTROL_SHARE, CAP_SHARE_CHILD, c->scope.capid,
		       NULL));

	what = "GRANT to another thread";
	build();
	c = put(space_list(cur->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_THREAD, T->tid, cur->space);
	start(what, c);
	memset(&rec, 0, sizeof(rec));
	rec.owner = Q->tid;
	check(what, cc(cur, CAP_CONTROL_GRANT, CAP_GRANT_SINGLE, c->scope.capid,
		       &rec));

	what = "DEDUCE to fewer rights";
	build();
	c = put(space_list(cur->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_THREAD, T->tid, cur->space);
	start(what, c);
	memset(&rec, 0, sizeof(rec));
	rec.rights = CAP_IPC_SEND | CAP_IPC_FULL | CAP_GENERIC_ALL;
	rec.scope = SCOPE_THREAD;
	rec.resid = T->tid;
	check(what, cc(cur, CAP_CONTROL_DEDUCE, 0, c->scope.capid, &rec));

	what = "DEDUCE to a narrower scope";
	build();
	c = put(space_list(cur->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_SYSTEM, 0, cur->space);
	start(what, c);
	memset(&rec, 0, sizeof(rec));
	rec.rights = CAP_IPC_ALL | CAP_GENERIC_ALL;
	rec.scope = SCOPE_THREAD;
	rec.resid = Q->tid;
	check(what, cc(cur, CAP_CONTROL_DEDUCE, 0, c->scope.capid, &rec));

	what = "SPLIT by the pager of its shared capability";
	build();
	c = put(child_list(P->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_THREAD, T->tid, P->space);
	start(what, c);
	memset(&rec, 0, sizeof(rec));
	rec.rights = IPC_SS;
	check(what, cc(P, CAP_CONTROL_SPLIT, 0, c->scope.capid, &rec));

	what = "a new pager (exchange_registers)";
	build();
	c = put(child_list(P->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_THREAD, T->tid, P->space);
	start(what, c);
	{
		struct exregs x;
		memset(&x, 0, sizeof(x));
		x.valid = EXREGS_SET_PAGER;
		x.pager = Q->tid;
		memcpy(buf_of[0], &x, sizeof(x));
		u64 a[6] = {BUF_VA, cur->tid};
		check(what, syscall_call(SYS_exchange_registers, a));
	}

	what = "the pager's thread destroyed";
	build();
	c = put(child_list(P->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_THREAD, T->tid, P->space);
	start(what, c);
	check(what, tctrl(THREAD_DESTROY, P->tid));

	what = "the pager's space destroyed";
	build();
	c = put(child_list(P->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_THREAD, T->tid, P->space);
	start(what, c);
	check(what, del(S_P + 1));

	what = "the Untyped under the pager's objects revoked";
	build();
	c = put(child_list(P->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_THREAD, T->tid, P->space);
	start(what, c);
	{
		u64 a[6] = {S_U};
		check(what, syscall_call(SYS_cap_revoke, a));
	}

	what = "the group's leader destroyed";
	build();
	thread_join_group(cur, L);
	c = put(free_in(&L->slots[THREAD_SLOT_GROUP], GROUP_LIST_SLOTS),
		CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL, SCOPE_THREAD, T->tid,
		cur->space);
	start(what, c);
	check(what, tctrl(THREAD_DESTROY, L->tid));

	what = "the container destroyed";
	build();
	c = put(free_in(cur->container->slots, CONTAINER_LIST_SLOTS), CAP_IPC,
		CAP_IPC_ALL | CAP_GENERIC_ALL, SCOPE_THREAD, T->tid,
		cur->space);
	start(what, c);
	check(what, del(S_CONTAINER));

	what = "the target destroyed";
	build();
	c = put(space_list(cur->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_THREAD, T->tid, cur->space);
	start(what, c);
	check(what, tctrl(THREAD_DESTROY, T->tid));

	what = "the target's space destroyed (a space-scope capability)";
	build();
	c = put(space_list(cur->space), CAP_IPC, CAP_IPC_ALL | CAP_GENERIC_ALL,
		SCOPE_SPACE, T->space->spid, cur->space);
	start(what, c);
	check(what, del(S_T + 1));

	return t_finish();
}
