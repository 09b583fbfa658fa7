/*
 * Scope capabilities and capability_control.
 *
 * A scope capability (IPC, thread control, exchange registers, capability
 * control, mutex) gives its operations over a scope: one thread, one
 * space, one container, or every container.  A thread's scope capabilities
 * are in three lists, searched in order when an operation names a thread
 * id: its space's list, the list its pager's space shares with the spaces
 * it pages, and its container's list.
 *
 * capability_control works on those lists with Codezero's operations:
 * share (move a capability into a wider list), grant (move it to another
 * thread's space, optionally stripped of its generic rights), replicate,
 * split, deduce (narrow in place), destroy, and revoke (delete what was
 * derived from it).  CHANGEABLE, TRANSFERABLE and REPLICABLE are enforced.
 */
#include "capctrl.h"
#include "ipc.h"
#include "thread.h"
#include "space.h"
#include "container.h"
#include "cspace.h"
#include "arch/hooks.h"
#include "tessera/capctrl.h"

static u32 next_capid = 1;

static u32 cap_scope(const struct cap *c)
{
	return (u32)c->data[0];
}

static u32 cap_resid(const struct cap *c)
{
	return (u32)(c->data[0] >> 32);
}

static u32 cap_capid(const struct cap *c)
{
	return (u32)c->data[1];
}

static u32 cap_owner(const struct cap *c)
{
	return (u32)(c->data[1] >> 32);
}

static void set_owner(struct cap *c, u32 spid)
{
	c->data[1] = cap_capid(c) | ((u64)spid << 32);
}

void scope_cap_init(struct cap *c, u8 type, u32 rights, u32 scope, u32 resid,
		    u32 owner_spid)
{
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->rights = rights;
	c->data[0] = scope | ((u64)resid << 32);
	c->data[1] = next_capid++ | ((u64)owner_spid << 32);
	if (!next_capid)
		next_capid = 1;
	cap_epoch++;
}

/* Does the scope capability `c` cover thread `t`?  Container `cid`? */
static bool scope_covers_thread(const struct cap *c, const struct thread *t)
{
	switch (cap_scope(c)) {
	case SCOPE_SYSTEM:
		return true;
	case SCOPE_CONTAINER:
		return TID_CID(t->tid) == cap_resid(c);
	case SCOPE_SPACE:
		return t->space && t->space->spid == cap_resid(c);
	case SCOPE_THREAD:
		return t->tid == cap_resid(c);
	default:
		return false;
	}
}

static bool scope_covers_container(const struct cap *c, u32 cid)
{
	return cap_scope(c) == SCOPE_SYSTEM ||
	       (cap_scope(c) == SCOPE_CONTAINER && cap_resid(c) == cid);
}

/* The three lists `t` sees, in search order. */
struct list {
	struct cap *slots;
	u32 n;
	u32 kind; /* CAP_LIST_* as seen by t */
};

static unsigned visible_lists(const struct thread *t, struct list out[3])
{
	unsigned n = 0;
	if (t->space)
		out[n++] = (struct list){&t->space->slots[SPACE_SLOT_LIST],
					 SPACE_LIST_SLOTS, CAP_LIST_SPACE};
	struct thread *p = thread_lookup(t->pager);
	if (p && p->space && p->space != t->space)
		out[n++] = (struct list){&p->space->slots[SPACE_SLOT_CHILD],
					 SPACE_LIST_SLOTS, CAP_LIST_PAGER};
	if (t->container)
		out[n++] =
		    (struct list){t->container->slots, CONTAINER_LIST_SLOTS,
				  CAP_LIST_CONTAINER};
	return n;
}

static struct cap *find_scope(struct thread *t, u8 type, u32 need,
			      const struct thread *target, int cid)
{
	struct list l[3];
	unsigned n = visible_lists(t, l);
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
		t->ipc_cache_tid = target->tid;
		t->ipc_cache_rights = c->rights;
		t->ipc_cache_epoch = cap_epoch;
	}
	return c != NULL;
}

bool scope_authorized_container(struct thread *t, u8 type, u32 cid, u32 need)
{
	return find_scope(t, type, need, NULL, (int)cid) != NULL;
}

/* ------------------------------------------------------------ the calls */

/* The lists holding capabilities the caller's space may own: the three it
 * sees, in search order, then the list its space shares with the spaces
 * it pages (it owns those, though it does not use them itself).  The
 * caller has a space. */
static unsigned owner_lists(const struct thread *t, struct list out[4])
{
	unsigned n = visible_lists(t, out);
	out[n++] = (struct list){&t->space->slots[SPACE_SLOT_CHILD],
				 SPACE_LIST_SLOTS, CAP_LIST_CHILD};
	return n;
}

/* A capability the caller's space owns, by capid, in one of those lists. */
static struct cap *find_owned(struct thread *cur, u32 capid)
{
	struct list l[4];
	unsigned n = owner_lists(cur, l);

	for (unsigned i = 0; i < n; i++)
		for (u32 j = 0; j < l[i].n; j++) {
			struct cap *c = &l[i].slots[j];
			if (cap_is_scope(c->type) && cap_capid(c) == capid &&
			    cap_owner(c) == cur->space->spid)
				return c;
		}
	return NULL;
}

static struct cap *free_slot(struct cap *list, u32 n)
{
	for (u32 i = 0; i < n; i++)
		if (cap_is_null(&list[i]))
			return &list[i];
	return NULL;
}

static void to_user_record(const struct cap *c, u32 kind, struct capability *r)
{
	r->capid = cap_capid(c);
	r->owner = cap_owner(c);
	r->type = c->type;
	r->scope = cap_scope(c);
	r->resid = cap_resid(c);
	r->rights = c->rights;
	r->list = kind;
	r->spare = 0;
}

/* READ and NCAPS: the capabilities in owner_lists(). */
static long cap_read(struct thread *cur, u64 flags, vaddr_t buf,
		     bool count_only)
{
	struct list l[4];
	unsigned nl = owner_lists(cur, l);
	u64 n = 0;

	/* Validate the whole buffer first: nothing is written on error. */
	if (!count_only) {
		struct capability probe;
		for (u64 i = 0; i < flags; i++)
			if (arch_copy_from_user(cur->space, &probe,
						buf + i * sizeof(probe),
						sizeof(probe), NULL) ||
			    arch_copy_to_user(cur->space,
					      buf + i * sizeof(probe), &probe,
					      sizeof(probe), NULL))
				return -E_FAULT;
	}
	for (unsigned i = 0; i < nl; i++)
		for (u32 j = 0; j < l[i].n; j++) {
			struct cap *c = &l[i].slots[j];
			if (!cap_is_scope(c->type))
				continue;
			if (!count_only && n < flags) {
				struct capability r;
				to_user_record(c, l[i].kind, &r);
				arch_copy_to_user(cur->space,
						  buf + n * sizeof(r), &r,
						  sizeof(r), NULL);
			}
			n++;
		}
	return (long)(count_only ? n : MIN(n, flags));
}

static u32 scope_rank(u32 scope)
{
	return scope; /* THREAD 1 < SPACE 2 < CONTAINER 3 < SYSTEM 4 */
}

/* Is (scope, resid) within the scope of capability `c`? */
static int check_narrower(const struct cap *c, u32 scope, u32 resid)
{
	u32 old = cap_scope(c);
	if (scope < SCOPE_THREAD || scope > SCOPE_SYSTEM)
		return -E_INVAL;
	if (scope_rank(scope) > scope_rank(old))
		return -E_PERM; /* wider */
	if (scope == old)
		return resid == cap_resid(c) || scope == SCOPE_SYSTEM ? 0
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
		    (!s->nthreads || s->cid != cap_resid(c)))
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

long sys_capability_control(const u64 *a)
{
	struct thread *cur = arch_current();
	u64 req = a[0], flags = a[1];
	vaddr_t buf = a[2];
	struct capability in;
	struct cap *c, *slot;
	static const u32 op_right[] = {
	    [CAP_CONTROL_NCAPS] = CAP_CAPCTRL_READ,
	    [CAP_CONTROL_READ] = CAP_CAPCTRL_READ,
	    [CAP_CONTROL_SHARE] = CAP_CAPCTRL_SHARE,
	    [CAP_CONTROL_GRANT] = CAP_CAPCTRL_GRANT,
	    [CAP_CONTROL_REPLICATE] = CAP_CAPCTRL_REPLICATE,
	    [CAP_CONTROL_SPLIT] = CAP_CAPCTRL_SPLIT,
	    [CAP_CONTROL_DEDUCE] = CAP_CAPCTRL_DEDUCE,
	    [CAP_CONTROL_DESTROY] = CAP_CAPCTRL_DESTROY,
	    [CAP_CONTROL_REVOKE] = CAP_CAPCTRL_REVOKE,
	};

	if (req > CAP_CONTROL_REVOKE)
		return -E_INVAL;
	if (!cur->space)
		return -E_NOCAP;
	if (req != CAP_CONTROL_GRANT &&
	    !scope_authorized(cur, CAP_CAPCTRL, cur, op_right[req]))
		return -E_NOCAP;
	if (req == CAP_CONTROL_NCAPS)
		return cap_read(cur, 0, 0, true);
	if (req == CAP_CONTROL_READ) {
		if (flags > 4096)
			return -E_TOOBIG;
		return cap_read(cur, flags, buf, false);
	}

	/* The rest name one capability the caller owns, by capid, in `buf`,
	 * and write back into it: check both ways first. */
	if (arch_copy_from_user(cur->space, &in, buf, sizeof(in), NULL) ||
	    arch_copy_to_user(cur->space, buf, &in, sizeof(in), NULL))
		return -E_FAULT;
	c = find_owned(cur, in.capid);
	if (!c)
		return -E_BADCAP;

	switch (req) {
	case CAP_CONTROL_SHARE: {
		struct cap *dest;
		u32 n = SPACE_LIST_SLOTS;
		if (flags == CAP_SHARE_CONTAINER) {
			if (!cur->container)
				return -E_INVAL;
			dest = cur->container->slots;
			n = CONTAINER_LIST_SLOTS;
		} else if (flags == CAP_SHARE_CHILD) {
			dest = &cur->space->slots[SPACE_SLOT_CHILD];
		} else if (flags == CAP_SHARE_SIBLINGS) {
			struct thread *p = thread_lookup(cur->pager);
			if (!p || !p->space)
				return -E_NOTHREAD;
			dest = &p->space->slots[SPACE_SLOT_CHILD];
		} else {
			return -E_INVAL;
		}
		if (!(c->rights & CAP_TRANSFERABLE))
			return -E_PERM;
		if (c >= dest && c < dest + n)
			return 0; /* already there */
		slot = free_slot(dest, n);
		if (!slot)
			return -E_LIMIT;
		cdt_move(c, slot);
		cap_epoch++;
		return 0;
	}
	case CAP_CONTROL_GRANT: {
		struct thread *to = thread_lookup(in.owner);
		if (flags & ~(u64)(CAP_GRANT_SINGLE | CAP_GRANT_IMMUTABLE) ||
		    !(flags & CAP_GRANT_SINGLE))
			return -E_INVAL;
		if (!to || !to->space)
			return -E_NOTHREAD;
		if (!scope_authorized(cur, CAP_CAPCTRL, to, CAP_CAPCTRL_GRANT))
			return -E_NOCAP;
		if (!(c->rights & CAP_TRANSFERABLE))
			return -E_PERM;
		slot = free_slot(&to->space->slots[SPACE_SLOT_LIST],
				 SPACE_LIST_SLOTS);
		if (!slot)
			return -E_LIMIT;
		cdt_move(c, slot);
		set_owner(slot, to->space->spid);
		if (flags & CAP_GRANT_IMMUTABLE)
			slot->rights &= ~CAP_GENERIC_ALL;
		cap_epoch++;
		return 0;
	}
	case CAP_CONTROL_REPLICATE:
	case CAP_CONTROL_SPLIT: {
		u32 diff = in.rights & CAP_OPS_MASK;
		if (req == CAP_CONTROL_REPLICATE &&
		    !(c->rights & CAP_REPLICABLE))
			return -E_PERM;
		if (req == CAP_CONTROL_SPLIT) {
			if (!(c->rights & CAP_CHANGEABLE))
				return -E_PERM;
			if (!diff || (diff & ~c->rights) ||
			    diff == (c->rights & CAP_OPS_MASK))
				return -E_INVAL;
		}
		slot = free_slot(&cur->space->slots[SPACE_SLOT_LIST],
				 SPACE_LIST_SLOTS);
		if (!slot)
			return -E_LIMIT;
		scope_cap_init(slot, c->type, c->rights, cap_scope(c),
			       cap_resid(c), cur->space->spid);
		if (req == CAP_CONTROL_SPLIT) {
			slot->rights = diff | (c->rights & CAP_GENERIC_ALL);
			c->rights &= ~diff;
		}
		cdt_insert_child(c, slot);
		in.capid = cap_capid(slot);
		arch_copy_to_user(cur->space, buf, &in, sizeof(in), NULL);
		return 0;
	}
	case CAP_CONTROL_DEDUCE: {
		u32 ops = in.rights & CAP_OPS_MASK,
		    gen = in.rights & CAP_GENERIC_ALL;
		int err;
		if (!(c->rights & CAP_CHANGEABLE))
			return -E_PERM;
		if (in.rights & ~(CAP_OPS_MASK | CAP_GENERIC_ALL) || !ops)
			return -E_INVAL;
		if ((ops & ~c->rights) || (gen & ~c->rights))
			return -E_PERM;
		err = check_narrower(c, in.scope, in.resid);
		if (err)
			return err;
		if (in.scope == SCOPE_SYSTEM)
			in.resid = 0; /* covers every id: none is named */
		if (in.rights == c->rights && in.scope == cap_scope(c) &&
		    in.resid == cap_resid(c))
			return -E_INVAL; /* nothing to deduce */
		c->rights = in.rights;
		c->data[0] = in.scope | ((u64)in.resid << 32);
		cap_epoch++;
		return 0;
	}
	case CAP_CONTROL_DESTROY:
		if (!(c->rights & CAP_CHANGEABLE))
			return -E_PERM;
		return cap_delete(c);
	case CAP_CONTROL_REVOKE:
		return cap_revoke(c, NULL);
	}
	return -E_INVAL;
}
