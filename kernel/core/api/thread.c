/*
 * The thread calls: thread_control (create, run, suspend, destroy,
 * recycle, wait), thread_switch, getid and exit (exchange_registers is
 * exregs.c's).
 * Each decodes (every check, in docs/ABI.md's order, nothing changed) and
 * then invokes.  The threads themselves are thread.c's; creation binds an
 * unused Thread object (made by retype) to a thread id in a container and
 * to a space: a new one (a Space object), a copy of another thread's, or
 * another thread's own.
 *
 * Authority: a thread-control scope capability with the action's bit
 * covering the target thread (for CREATE: the target container).
 * THREAD_WAIT needs none: a thread waits only for its own children.
 */
#include "syscalls.h"
#include "core/scope.h"
#include "core/container.h"
#include "core/cspace.h"
#include "core/ipc.h"
#include "core/space.h"
#include "core/thread.h"
#include "core/untyped.h"
#include "core/usercopy.h"
#include "core/vspace.h"
#include "arch/hooks.h"
#include "tessera/thread.h"

#define PRIO_MAX 255

/* ------------------------------------------------------------ exit */

long sys_exit(const u64 *a)
{
	thread_exit(arch_current(), (int)a[0]); /* nothing to decode */
	return 0;				/* not reached */
}

/* ------------------------------------------------------------ getid */

static int decode_getid(const u64 *a, vaddr_t *ids)
{
	*ids = a[0];
	return user_check(arch_current()->space, *ids, sizeof(struct task_ids),
			  true);
}

static long invoke_getid(vaddr_t ids_ptr)
{
	struct thread *cur = arch_current();
	struct task_ids ids = {cur->tid, cur->space ? cur->space->spid : 0,
			       cur->tgid, 0};
	user_write(cur->space, ids_ptr, &ids, sizeof(ids));
	return 0;
}

long sys_getid(const u64 *a)
{
	vaddr_t ids;
	int r = decode_getid(a, &ids);
	return r ? r : invoke_getid(ids);
}

/* ------------------------------------------------------------ thread_switch
 * thread_switch(tid): yield; or, naming a runnable thread, run it next. */

static int decode_thread_switch(const u64 *a, struct thread **to)
{
	u32 tid = (u32)a[0];

	*to = NULL;
	if (a[0] >> 32)
		return -E_NOTHREAD;
	if (tid != TID_NIL) {
		*to = thread_lookup(tid);
		if (!*to)
			return -E_NOTHREAD;
	}
	return 0;
}

/* Run `to` next if it is runnable, waiting, and at least as urgent.
 * (arch_current() is read where it is used: it costs one load, and a copy
 * kept across the calls would cost the yield a saved register.) */
static bool switch_to(struct thread *to)
{
	if (to == arch_current() || to->state != TS_RUNNABLE ||
	    !sched_queued(to) || to->prio < arch_current()->prio)
		return false;
	arch_current()->timeslice = 0;
	sched_run_next(to);
	return true;
}

static long invoke_thread_switch(struct thread *to)
{
	if (!to || !switch_to(to))
		sched_yield();
	return 0;
}

long sys_thread_switch(const u64 *a)
{
	struct thread *to;
	int r = decode_thread_switch(a, &to);
	return r ? r : invoke_thread_switch(to);
}

/* ------------------------------------------------------------ thread_control
 */

/* Everything CREATE needs, checked, before anything changes. */
struct create_plan {
	struct thread *t;
	struct space *space;	/* the space the thread will run in */
	struct cap *space_cap;	/* NEW/COPY: the Space object's capability */
	struct cap *cspace_cap; /* NEW/COPY: root CSpace to install, or NULL */
	struct thread *ref;	/* SHARE/COPY: the reference thread */
	struct cap *untyped;	/* COPY: memory for the copy */
	struct cap *dest;	/* COPY: first destination slot */
	struct thread *group;	/* SHARE_GROUP: the leader of the group */
	u64 copy_objects;
	u32 cid, pager, prio;
	vaddr_t utcb;
};

struct tctrl_args {
	u32 action, flags;
	vaddr_t ids_ptr, tc_ptr;
	struct task_ids ids;
	struct thread *t;	 /* the target (RUN, SUSPEND, ...) */
	struct thread_create tc; /* CREATE */
	struct create_plan plan; /* CREATE */
};

static int plan_create(struct thread *cur, u32 flags,
		       const struct task_ids *ids,
		       const struct thread_create *tc, struct create_plan *p)
{
	u32 kind = flags & (TC_SHARE_SPACE | TC_COPY_SPACE | TC_NEW_SPACE);
	struct cap *c;
	int err;

	memset(p, 0, sizeof(*p));
	if (flags & ~TC_FLAGS_MASK)
		return -E_INVAL;
	if (kind != TC_SHARE_SPACE && kind != TC_COPY_SPACE &&
	    kind != TC_NEW_SPACE)
		return -E_INVAL; /* exactly one way to get a space */
	if (tc->cid > CID_MAX || !container_lookup(tc->cid))
		return -E_INVAL;
	p->cid = tc->cid;
	if (!scope_authorized_container(cur, CAP_TCTRL, p->cid,
					CAP_TCTRL_CREATE))
		return -E_NOCAP;

	err = cap_lookup_type(tc->thread, CAP_THREAD, &c);
	if (err)
		return err;
	p->t = (struct thread *)c->obj;
	if (p->t->tid)
		return -E_BUSY; /* already a live thread (the caller, say) */

	if (kind == TC_SHARE_SPACE || kind == TC_COPY_SPACE) {
		p->ref = thread_lookup(ids->tid);
		if (!p->ref || !p->ref->space)
			return -E_NOTHREAD;
		if (!scope_authorized(cur, CAP_TCTRL, p->ref, CAP_TCTRL_CREATE))
			return -E_NOCAP;
	}
	if (kind == TC_SHARE_SPACE) {
		p->space = p->ref->space;
		if (p->space->cid != p->cid)
			return -E_INVAL; /* a space stays in its container */
	} else {
		err = cap_lookup_type(tc->space, CAP_SPACE, &p->space_cap);
		if (err)
			return err;
		p->space = (struct space *)p->space_cap->obj;
		if (p->space->nthreads ||
		    !cap_is_null(space_root_cspace(p->space)))
			return -E_BUSY; /* in use */
		if (tc->cspace != CPTR_NONE) {
			err = cap_lookup_type(tc->cspace, CAP_CSPACE,
					      &p->cspace_cap);
			if (err)
				return err;
		}
	}
	if (kind == TC_COPY_SPACE) {
		err = cap_lookup_type(tc->untyped, CAP_UNTYPED, &p->untyped);
		if (err)
			return err;
		err = vspace_copy_check(p->ref->space, p->untyped,
					&p->copy_objects);
		if (err)
			return err;
		if (p->copy_objects) {
			err = cap_lookup_range(tc->dest, p->copy_objects,
					       &p->dest);
			if (err)
				return err;
			for (u64 i = 0; i < p->copy_objects; i++)
				if (!cap_is_null(&p->dest[i]))
					return -E_OCCUPIED;
		}
	}

	p->pager = tc->pager == TID_NIL ? cur->tid : tc->pager;
	if (!thread_lookup(p->pager))
		return -E_NOTHREAD;
	if (tc->prio == PRIO_INHERIT)
		p->prio = cur->prio;
	else if (tc->prio > PRIO_MAX)
		return -E_RANGE;
	else if (tc->prio > cur->prio)
		return -E_PERM; /* none makes one more urgent than itself */
	else
		p->prio = tc->prio;
	if (flags & TC_SHARE_GROUP) {
		struct thread *g = thread_lookup(ids->tgid);
		if (!g)
			return -E_NOTHREAD;
		/* Joining a group gives its capability list: authority over
		 * its leader is needed, as over a space one shares. */
		p->group = thread_group_leader(g);
		if (!p->group)
			return -E_NOTHREAD;
		if (!scope_authorized(cur, CAP_TCTRL, p->group,
				      CAP_TCTRL_CREATE))
			return -E_NOCAP;
	}
	if (flags & TC_SHARE_UTCB) {
		struct thread *r = p->ref ? p->ref : cur;
		p->utcb = r->utcb;
	} else {
		err = thread_utcb_check(tc->utcb);
		if (err)
			return err;
		p->utcb = tc->utcb;
	}
	if (!thread_id_available())
		return -E_LIMIT;
	return 0;
}

static int decode_create(struct thread *cur, struct tctrl_args *x)
{
	if (user_read_rw(cur->space, &x->tc, x->tc_ptr, sizeof(x->tc)))
		return -E_FAULT;
	return plan_create(cur, x->flags, &x->ids, &x->tc, &x->plan);
}

static long invoke_create(struct thread *cur, struct tctrl_args *x)
{
	const struct create_plan *p = &x->plan;
	struct thread *t = p->t;

	if (p->space_cap) {
		p->space->cid = p->cid;
		if (p->cspace_cap) {
			struct cap *root = space_root_cspace(p->space);
			cspace_copy(p->cspace_cap, root);
			/* Slot 0 of every root CSpace names it (if still free),
			 * so one- and two-level addresses agree. */
			struct cap *slot0 = (struct cap *)root->obj;
			if (cap_is_null(slot0))
				cspace_copy(root, slot0);
		}
	}
	/* A buffer page left from the object's earlier life goes. */
	if (!cap_is_null(&t->slots[THREAD_SLOT_BUFFER]))
		cap_delete(&t->slots[THREAD_SLOT_BUFFER]);
	x->tc.copied = 0;
	if (p->untyped)
		x->tc.copied = (u32)vspace_copy(p->ref->space, p->space,
						p->untyped, p->dest);
	arch_thread_init(t);
	preempt_forget(t);
	thread_bind(t, p->cid);
	thread_set_space(t, p->space);
	t->state = TS_INACTIVE;
	t->wait = WAIT_NONE;
	t->flags = 0;
	thread_set_pager(t, p->pager);
	thread_set_parent(t, cur);
	if (p->group)
		thread_join_group(t, p->group);
	t->prio = (u8)p->prio;
	t->utcb = p->utcb;
	t->exit_status = 0;
	ksnprintf(t->name, sizeof(t->name), "t%x", t->tid);
	x->ids.tid = t->tid;
	x->ids.spid = p->space->spid;
	x->ids.tgid = t->tgid;
	x->ids.status = 0;
	user_write(cur->space, x->ids_ptr, &x->ids, sizeof(x->ids));
	user_write(cur->space, x->tc_ptr, &x->tc, sizeof(x->tc));
	return 0;
}

static int decode_run(struct thread *cur, struct tctrl_args *x)
{
	if (x->t->state == TS_DEAD)
		return -E_BUSY;
	if (x->t->state != TS_INACTIVE)
		return -E_ACTIVE;
	if (!x->t->space)
		return -E_INVAL; /* its space is gone */
	return 0;
}

static long invoke_run(struct thread *cur, struct tctrl_args *x)
{
	sched_make_runnable(x->t);
	return 0;
}

static int decode_suspend(struct thread *cur, struct tctrl_args *x)
{
	return x->t->state == TS_DEAD ? -E_BUSY : 0;
}

static long invoke_suspend(struct thread *cur, struct tctrl_args *x)
{
	thread_stop(x->t);
	return 0;
}

static int decode_destroy(struct thread *cur, struct tctrl_args *x)
{
	return 0;
}

static long invoke_destroy(struct thread *cur, struct tctrl_args *x)
{
	thread_object_destroy(x->t);
	return 0;
}

static int decode_recycle(struct thread *cur, struct tctrl_args *x)
{
	return x->t == cur ? -E_SELF : 0; /* its registers are in use now */
}

static long invoke_recycle(struct thread *cur, struct tctrl_args *x)
{
	struct thread *t = x->t;
	thread_cancel(t, true);
	thread_revive(t);
	t->state = TS_INACTIVE;
	t->flags &= THREAD_F_ROOT;
	arch_thread_init(t);
	preempt_forget(t);
	return 0;
}

/* The dead child THREAD_WAIT may reap now (any: the oldest dead one),
 * NULL if none; -E_NOCHILD in *err if there is no child to wait for. */
static struct thread *dead_child(struct thread *cur, u32 which, int *err)
{
	struct thread *c;

	*err = 0;
	if (which == TID_ANY) {
		c = thread_zombie_child(cur);
		if (!c && !cur->nchildren)
			*err = -E_NOCHILD;
		return c;
	}
	c = thread_lookup(which);
	if (!c || c == cur || c->parent != cur->tid) {
		*err = -E_NOCHILD;
		return NULL;
	}
	return c->state == TS_DEAD ? c : NULL;
}

/* THREAD_WAIT: reap a dead child (any, or ids.tid). */
static int decode_wait(struct thread *cur, struct tctrl_args *x)
{
	int err;
	if (x->ids.tid != TID_ANY && !thread_lookup(x->ids.tid))
		return -E_NOTHREAD;
	dead_child(cur, x->ids.tid, &err);
	return err;
}

/* Reap a dead child (any, or `which`); block until one dies (the child
 * may have gone meanwhile: -E_NOCHILD then). */
static long invoke_wait(struct thread *cur, struct tctrl_args *x)
{
	u32 which = x->ids.tid;
	struct task_ids *out = &x->ids;
	int err;

	for (;;) {
		struct thread *c = dead_child(cur, which, &err);
		if (err)
			return err;
		if (c) {
			out->tid = c->tid;
			out->spid = c->space ? c->space->spid : 0;
			out->tgid = c->tgid;
			out->status = c->exit_status;
			thread_set_space(c, NULL);
			thread_unbind(c);
			user_write(cur->space, x->ids_ptr, out, sizeof(*out));
			return 0;
		}
		cur->ipc_from = which;
		cur->fault_result = 0;
		thread_block(cur, WAIT_CHILD);
		schedule();
		if (cur->fault_result)
			return cur->fault_result; /* suspended meanwhile */
	}
}

/* The action is the top nibble of the first argument (tessera/thread.h:
 * THREAD_CREATE 0 .. THREAD_WAIT 5). */
#define ACTION_INDEX(action) ((action) >> 28)

/*
 * The six actions.  Those with a target (`right`) look it up and check a
 * thread-control capability covering it first (tctrl_decode); CREATE and
 * WAIT find their own authority.
 */
static const struct tctrl_op {
	int (*decode)(struct thread *cur, struct tctrl_args *x);
	long (*invoke)(struct thread *cur, struct tctrl_args *x);
	u32 right;
} tctrl_ops[] = {
    [ACTION_INDEX(THREAD_CREATE)] = {decode_create, invoke_create, 0},
    [ACTION_INDEX(THREAD_RUN)] = {decode_run, invoke_run, CAP_TCTRL_RUN},
    [ACTION_INDEX(THREAD_SUSPEND)] = {decode_suspend, invoke_suspend,
				      CAP_TCTRL_SUSPEND},
    [ACTION_INDEX(THREAD_DESTROY)] = {decode_destroy, invoke_destroy,
				      CAP_TCTRL_DESTROY},
    [ACTION_INDEX(THREAD_RECYCLE)] = {decode_recycle, invoke_recycle,
				      CAP_TCTRL_RECYCLE},
    [ACTION_INDEX(THREAD_WAIT)] = {decode_wait, invoke_wait, 0},
};

static const struct tctrl_op *tctrl_op(u32 action)
{
	u32 i = ACTION_INDEX(action);
	return i < ARRAY_SIZE(tctrl_ops) ? &tctrl_ops[i] : NULL;
}

static int decode_thread_control(const u64 *a, struct tctrl_args *x)
{
	struct thread *cur = arch_current();
	const struct tctrl_op *op;

	if (a[0] >> 32)
		return -E_INVAL;
	x->action = (u32)a[0] & THREAD_ACTION_MASK;
	x->flags = (u32)a[0] & ~THREAD_ACTION_MASK;
	x->ids_ptr = a[1];
	x->tc_ptr = a[2];
	if (user_read_rw(cur->space, &x->ids, x->ids_ptr, sizeof(x->ids)))
		return -E_FAULT;
	op = tctrl_op(x->action);
	if (x->action != THREAD_CREATE && x->flags)
		return -E_INVAL;
	if (op && !op->right)
		return op->decode(cur, x);
	x->t = thread_lookup(x->ids.tid);
	if (!x->t)
		return -E_NOTHREAD;
	if (!op)
		return -E_INVAL;
	if (!scope_authorized(cur, CAP_TCTRL, x->t, op->right))
		return -E_NOCAP;
	return op->decode(cur, x);
}

static long invoke_thread_control(struct tctrl_args *x)
{
	return tctrl_op(x->action)->invoke(arch_current(), x);
}

long sys_thread_control(const u64 *a)
{
	struct tctrl_args x;
	int r = decode_thread_control(a, &x);
	return r ? r : invoke_thread_control(&x);
}
