/*
 * Scope capabilities and the capability lists (capability_control, the
 * system call, is api/cap.c's).
 *
 * A scope capability (IPC, thread control, exchange registers, capability
 * control, mutex) gives its operations over a scope: one thread, one
 * space, one container, or every container.  A thread's scope capabilities
 * are in four lists, searched in order when an operation names a thread
 * id: its space's list, its thread group's list (in the group leader's
 * Thread object, thread.c), the list its pager's space shares with the
 * spaces it pages, and its container's list.  Whatever changes what a
 * list holds or who sees it calls scope_authority_changed, which
 * invalidates the IPC fast path's cached authorization (scope.h has the
 * rule).
 */
#include "scope.h"
#include "thread.h"
#include "space.h"
#include "container.h"
#include "cspace.h"
#include "arch/hooks.h"
#include "tessera/capctrl.h"

void scope_cap_init(struct cap *c, u8 type, u32 rights, u32 scope, u32 resid,
		    u32 owner_spid)
{
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->rights = rights;
	c->scope.scope = scope;
	c->scope.resid = resid;
	c->scope.capid = next_capid++;
	c->scope.owner = owner_spid;
	if (!next_capid)
		next_capid = 1;
}

void scope_authority_changed(void)
{
	cap_epoch++;
}

/* Does the scope capability `c` cover thread `t`?  Container `cid`? */
bool scope_covers_thread(const struct cap *c, const struct thread *t)
{
	switch (c->scope.scope) {
	case SCOPE_SYSTEM:
		return true;
	case SCOPE_CONTAINER:
		return TID_CID(t->tid) == c->scope.resid;
	case SCOPE_SPACE:
		return t->space && t->space->spid == c->scope.resid;
	case SCOPE_THREAD:
		return t->tid == c->scope.resid;
	default:
		return false;
	}
}

static bool scope_covers_container(const struct cap *c, u32 cid)
{
	return c->scope.scope == SCOPE_SYSTEM ||
	       (c->scope.scope == SCOPE_CONTAINER && c->scope.resid == cid);
}

unsigned scope_visible_lists(const struct thread *t,
			     struct cap_list out[VISIBLE_LISTS])
{
	unsigned n = 0;
	if (t->space)
		out[n++] = (struct cap_list){&t->space->slots[SPACE_SLOT_LIST],
					     SPACE_LIST_SLOTS, CAP_LIST_SPACE};
	struct thread *g = thread_group_leader(t);
	if (g)
		out[n++] = (struct cap_list){&g->slots[THREAD_SLOT_GROUP],
					     GROUP_LIST_SLOTS, CAP_LIST_GROUP};
	struct thread *p = thread_lookup(t->pager);
	if (p && p->space && p->space != t->space)
		out[n++] = (struct cap_list){&p->space->slots[SPACE_SLOT_CHILD],
					     SPACE_LIST_SLOTS, CAP_LIST_PAGER};
	if (t->container)
		out[n++] =
		    (struct cap_list){t->container->slots, CONTAINER_LIST_SLOTS,
				      CAP_LIST_CONTAINER};
	return n;
}

static struct cap *find_scope(struct thread *t, u8 type, u32 need,
			      const struct thread *target, int cid)
{
	struct cap_list l[VISIBLE_LISTS];
	unsigned n = scope_visible_lists(t, l);
	for (unsigned i = 0; i < n; i++)
		for (u32 j = 0; j < l[i].n; j++) {
			struct cap *c = &l[i].slots[j];
			if (c->type != type || (c->rights & need) != need)
				continue;
			if (target ? scope_covers_thread(c, target)
				   : scope_covers_container(c, (u32)cid))
				return c;
		}
	return NULL;
}

bool scope_authorized(struct thread *t, u8 type, const struct thread *target,
		      u32 need)
{
	struct cap *c = find_scope(t, type, need, target, -1);
	if (c && type == CAP_IPC) {
		/* The fast path sends short messages only: it may trust a
		 * capability that allows them (0 is no thread's id). */
		bool short_ok = (c->rights & (CAP_IPC_SEND | CAP_IPC_SHORT)) ==
				(CAP_IPC_SEND | CAP_IPC_SHORT);
		t->ipc_cache_tid = short_ok ? target->tid : 0;
		t->ipc_cache_epoch = cap_epoch;
	}
	return c != NULL;
}

bool scope_authorized_container(struct thread *t, u8 type, u32 cid, u32 need)
{
	return find_scope(t, type, need, NULL, (int)cid) != NULL;
}

unsigned scope_owner_lists(const struct thread *t,
			   struct cap_list out[OWNER_LISTS])
{
	unsigned n = scope_visible_lists(t, out);
	out[n++] = (struct cap_list){&t->space->slots[SPACE_SLOT_CHILD],
				     SPACE_LIST_SLOTS, CAP_LIST_CHILD};
	return n;
}

struct cap *scope_find_owned(struct thread *cur, u32 capid)
{
	struct cap_list l[OWNER_LISTS];
	unsigned n = scope_owner_lists(cur, l);

	for (unsigned i = 0; i < n; i++)
		for (u32 j = 0; j < l[i].n; j++) {
			struct cap *c = &l[i].slots[j];
			if (cap_is_scope(c->type) && c->scope.capid == capid &&
			    c->scope.owner == cur->space->spid)
				return c;
		}
	return NULL;
}

struct cap *cap_list_free_slot(struct cap *list, u32 n)
{
	for (u32 i = 0; i < n; i++)
		if (cap_is_null(&list[i]))
			return &list[i];
	return NULL;
}

int scope_check_narrower(const struct cap *c, u32 scope, u32 resid)
{
	u32 old = c->scope.scope;
	if (scope < SCOPE_THREAD || scope > SCOPE_SYSTEM)
		return -E_INVAL;
	if (scope > old)
		return -E_PERM; /* wider: THREAD < SPACE < CONTAINER < SYSTEM */
	if (scope == old)
		return resid == c->scope.resid || scope == SCOPE_SYSTEM
			   ? 0
			   : -E_PERM;
	switch (scope) {
	case SCOPE_CONTAINER:
		return resid <= CID_MAX ? 0 : -E_RANGE;
	case SCOPE_SPACE: {
		struct space *s = space_by_id(resid);
		if (!s)
			return -E_NOTHREAD;
		/* A space with no thread is in no container yet: its first
		 * thread may be made in any. */
		if (old == SCOPE_CONTAINER &&
		    (!s->nthreads || s->cid != c->scope.resid))
			return -E_PERM;
		return 0;
	}
	case SCOPE_THREAD: {
		struct thread *t = thread_lookup(resid);
		if (!t)
			return -E_NOTHREAD;
		return scope_covers_thread(c, t) ? 0 : -E_PERM;
	}
	default:
		return -E_INVAL;
	}
}
