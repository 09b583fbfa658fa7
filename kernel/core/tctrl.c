/*
 * thread_control: create, run, suspend, destroy, recycle, and wait for
 * threads.  Creation binds an unused Thread object (made by retype) to a
 * thread id in a container, and to a space: a new one (a Space object), a
 * copy of another thread's, or another thread's own.
 *
 * Authority: a thread-control scope capability with the action's bit,
 * covering the target thread (for CREATE: the target container).
 */
#include "tctrl.h"
#include "capctrl.h"
#include "cspace.h"
#include "ipc.h"
#include "thread.h"
#include "space.h"
#include "container.h"
#include "untyped.h"
#include "vspace.h"
#include "arch/hooks.h"
#include "arch/x86_64/regs.h"
#include "tessera/thread.h"

/* Everything CREATE needs, checked, before anything changes. */
struct create_plan {
	struct thread *t;
	struct space *space;	/* the space the thread will run in */
	struct cap *space_cap;	/* NEW/COPY: the Space object's capability */
	struct cap *cspace_cap; /* NEW/COPY: root CSpace to install, or NULL */
	struct thread *ref;	/* SHARE/COPY: the reference thread */
	struct cap *untyped;	/* COPY: memory for the copy */
	struct cap *dest;	/* COPY: first destination slot */
	u64 copy_objects;
	u32 cid, tgid, pager, prio;
	vaddr_t utcb;
};

/* A UTCB address for a thread (0: none).  0 or -E_*. */
int utcb_check(vaddr_t utcb)
{
	if (utcb & 7)
		return -E_ALIGN;
	if (utcb >= USER_ADDR_TOP - sizeof(struct utcb))
		return -E_RANGE;
	return 0;
}

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
	else if (tc->prio > 255)
		return -E_RANGE;
	else if (tc->prio > cur->prio)
		return -E_PERM; /* no thread makes one more urgent than itself
				 */
	else
		p->prio = tc->prio;
	if (flags & TC_SHARE_GROUP) {
		struct thread *g = thread_lookup(ids->tgid);
		if (!g)
			return -E_NOTHREAD;
		p->tgid = g->tgid;
	}
	if (flags & TC_SHARE_UTCB) {
		struct thread *r = p->ref ? p->ref : cur;
		p->utcb = r->utcb;
	} else {
		err = utcb_check(tc->utcb);
		if (err)
			return err;
		p->utcb = tc->utcb;
	}
	if (!thread_id_available())
		return -E_LIMIT;
	return 0;
}

static void do_create(struct thread *cur, const struct create_plan *p,
		      struct task_ids *out, struct thread_create *tc)
{
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
	if (p->untyped)
		tc->copied = (u32)vspace_copy(p->ref->space, p->space,
					      p->untyped, p->dest);
	arch_thread_init(t);
	t->restart_nr = 0;
	thread_bind(t, p->cid);
	thread_set_space(t, p->space);
	t->state = TS_INACTIVE;
	t->wait = WAIT_NONE;
	t->flags = 0;
	t->pager = p->pager;
	t->parent = cur->tid;
	t->tgid = p->tgid ? p->tgid : t->tid;
	t->prio = (u8)p->prio;
	t->utcb = p->utcb;
	t->exit_status = 0;
	ksnprintf(t->name, sizeof(t->name), "t%x", t->tid);
	out->tid = t->tid;
	out->spid = p->space->spid;
	out->tgid = t->tgid;
	out->status = 0;
}

/* THREAD_WAIT: reap a dead child (any, or `which`); block until one dies. */
static long wait_child(struct thread *cur, u32 which, struct task_ids *out)
{
	for (;;) {
		bool have_child = false;
		for (u32 i = 0; i < thread_count(); i++) {
			struct thread *c = thread_by_index(i);
			if (!c || c->parent != cur->tid || c == cur)
				continue;
			if (which != TID_ANY && c->tid != which)
				continue;
			have_child = true;
			if (c->state == TS_DEAD) {
				out->tid = c->tid;
				out->spid = c->space ? c->space->spid : 0;
				out->tgid = c->tgid;
				out->status = c->exit_status;
				thread_set_space(c, NULL);
				thread_unbind(c);
				return 0;
			}
		}
		if (!have_child)
			return -E_NOCHILD;
		cur->ipc_from = which;
		cur->fault_result = 0;
		thread_block(cur, WAIT_CHILD);
		schedule();
		if (cur->fault_result)
			return cur->fault_result; /* suspended meanwhile */
	}
}

long sys_thread_control(const u64 *a)
{
	struct thread *cur = arch_current(), *t;
	u32 action = (u32)a[0] & THREAD_ACTION_MASK,
	    flags = (u32)a[0] & ~THREAD_ACTION_MASK;
	vaddr_t ids_ptr = a[1], tc_ptr = a[2];
	struct task_ids ids;
	long r;

	if (a[0] >> 32)
		return -E_INVAL;
	if (arch_copy_from_user(cur->space, &ids, ids_ptr, sizeof(ids), NULL) ||
	    arch_copy_to_user(cur->space, ids_ptr, &ids, sizeof(ids), NULL))
		return -E_FAULT;

	if (action == THREAD_CREATE) {
		struct thread_create tc;
		struct create_plan plan;
		if (arch_copy_from_user(cur->space, &tc, tc_ptr, sizeof(tc),
					NULL) ||
		    arch_copy_to_user(cur->space, tc_ptr, &tc, sizeof(tc),
				      NULL))
			return -E_FAULT;
		r = plan_create(cur, flags, &ids, &tc, &plan);
		if (r)
			return r;
		tc.copied = 0;
		do_create(cur, &plan, &ids, &tc);
		arch_copy_to_user(cur->space, ids_ptr, &ids, sizeof(ids), NULL);
		arch_copy_to_user(cur->space, tc_ptr, &tc, sizeof(tc), NULL);
		return 0;
	}
	if (flags)
		return -E_INVAL;
	if (action == THREAD_WAIT) {
		/* No capability: a thread waits only for its own children. */
		if (ids.tid != TID_ANY && !thread_lookup(ids.tid))
			return -E_NOTHREAD;
		r = wait_child(cur, ids.tid, &ids);
		if (r == 0)
			arch_copy_to_user(cur->space, ids_ptr, &ids,
					  sizeof(ids), NULL);
		return r;
	}

	t = thread_lookup(ids.tid);
	if (!t)
		return -E_NOTHREAD;
	static const u32 need[] = {0, CAP_TCTRL_RUN, CAP_TCTRL_SUSPEND,
				   CAP_TCTRL_DESTROY, CAP_TCTRL_RECYCLE};
	u32 ai = action >> 28;
	if (ai >= ARRAY_SIZE(need))
		return -E_INVAL;
	if (!scope_authorized(cur, CAP_TCTRL, t, need[ai]))
		return -E_NOCAP;

	switch (action) {
	case THREAD_RUN:
		if (t->state == TS_DEAD)
			return -E_BUSY;
		if (t->state != TS_INACTIVE)
			return -E_ACTIVE;
		if (!t->space)
			return -E_INVAL; /* its space is gone */
		sched_make_runnable(t);
		return 0;
	case THREAD_SUSPEND:
		if (t->state == TS_DEAD)
			return -E_BUSY;
		thread_stop(t);
		return 0;
	case THREAD_DESTROY:
		thread_object_destroy(t);
		return 0;
	case THREAD_RECYCLE:
		if (t == cur)
			return -E_SELF; /* its registers are in use right now */
		thread_cancel(t, true);
		t->state = TS_INACTIVE;
		t->flags &= THREAD_F_ROOT;
		arch_thread_init(t);
		t->restart_nr = 0;
		return 0;
	}
	return -E_INVAL;
}
