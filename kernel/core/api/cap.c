/*
 * capability_control: Codezero's operations on scope capabilities and
 * their lists (scope.c): count and read them, share (move a capability
 * into a wider list), grant (move it to another thread's space,
 * optionally stripped of its generic rights), replicate, split, deduce
 * (narrow in place), destroy, and revoke (delete what was derived from
 * it).  CHANGEABLE, TRANSFERABLE and REPLICABLE are enforced.  Every
 * request but NCAPS and READ names one capability the caller's space owns
 * by capid.
 *
 * Each request is a decode (every check, in docs/ABI.md's order) and an
 * invoke (the change).  DESTROY and REVOKE are preemptible (preempt.c).
 */
#include "syscalls.h"
#include "core/container.h"
#include "core/cspace.h"
#include "core/scope.h"
#include "core/space.h"
#include "core/thread.h"
#include "core/usercopy.h"
#include "arch/hooks.h"
#include "tessera/capctrl.h"

#define READ_MAX 4096 /* records one READ may ask for */

struct capctrl_args {
	u32 req;
	u64 flags;
	vaddr_t buf;
	struct capability in; /* the record at buf (SHARE .. REVOKE) */
	struct cap *c;	      /* the capability it names */
	struct cap *slot;     /* SHARE, GRANT: where it goes; REPLICATE,
				 SPLIT: the new one */
	struct thread *to;    /* GRANT: the grantee */
	bool there;	      /* SHARE: already in the list */
};

/* ------------------------------------------------------------ NCAPS, READ */

static void to_user_record(const struct cap *c, u32 kind, struct capability *r)
{
	r->capid = c->scope.capid;
	r->owner = c->scope.owner;
	r->type = c->type;
	r->scope = c->scope.scope;
	r->resid = c->scope.resid;
	r->rights = c->rights;
	r->list = kind;
	r->spare = 0;
}

/* The scope capabilities in the caller's owner lists: count them, and
 * write the first `max` records to `buf` (if not 0). */
static long read_caps(struct thread *cur, u64 max, vaddr_t buf)
{
	struct cap_list l[OWNER_LISTS];
	unsigned nl = scope_owner_lists(cur, l);
	u64 n = 0;

	for (unsigned i = 0; i < nl; i++)
		for (u32 j = 0; j < l[i].n; j++) {
			struct cap *c = &l[i].slots[j];
			if (!cap_is_scope(c->type))
				continue;
			if (n < max) {
				struct capability r;
				to_user_record(c, l[i].kind, &r);
				user_write(cur->space, buf + n * sizeof(r), &r,
					   sizeof(r));
			}
			n++;
		}
	return (long)n;
}

static int decode_read(struct thread *cur, struct capctrl_args *x)
{
	if (x->flags > READ_MAX)
		return -E_TOOBIG;
	/* The whole buffer first: nothing is written on error. */
	if (user_check(cur->space, x->buf, x->flags * sizeof(struct capability),
		       true))
		return -E_FAULT;
	return 0;
}

static long invoke_ncaps(struct thread *cur, struct capctrl_args *x)
{
	return read_caps(cur, 0, 0);
}

static long invoke_read(struct thread *cur, struct capctrl_args *x)
{
	return MIN(read_caps(cur, x->flags, x->buf), (long)x->flags);
}

/* ------------------------------------------------------------ SHARE */

static int decode_share(struct thread *cur, struct capctrl_args *x)
{
	struct cap *dest;
	u32 n = SPACE_LIST_SLOTS;

	if (x->flags == CAP_SHARE_CONTAINER) {
		if (!cur->container)
			return -E_INVAL;
		dest = cur->container->slots;
		n = CONTAINER_LIST_SLOTS;
	} else if (x->flags == CAP_SHARE_CHILD) {
		dest = &cur->space->slots[SPACE_SLOT_CHILD];
	} else if (x->flags == CAP_SHARE_SIBLINGS) {
		struct thread *p = thread_lookup(cur->pager);
		if (!p || !p->space)
			return -E_NOTHREAD;
		dest = &p->space->slots[SPACE_SLOT_CHILD];
	} else if (x->flags == CAP_SHARE_GROUP) {
		struct thread *g = thread_group_leader(cur);
		if (!g)
			return -E_NOTHREAD;
		dest = &g->slots[THREAD_SLOT_GROUP];
		n = GROUP_LIST_SLOTS;
	} else {
		return -E_INVAL;
	}
	if (!(x->c->rights & CAP_TRANSFERABLE))
		return -E_PERM;
	x->there = x->c >= dest && x->c < dest + n;
	if (x->there)
		return 0;
	x->slot = cap_list_free_slot(dest, n);
	return x->slot ? 0 : -E_LIMIT;
}

static long invoke_share(struct thread *cur, struct capctrl_args *x)
{
	if (x->there)
		return 0;
	cdt_move(x->c, x->slot);
	scope_authority_changed();
	return 0;
}

/* ------------------------------------------------------------ GRANT */

static int decode_grant(struct thread *cur, struct capctrl_args *x)
{
	x->to = thread_lookup(x->in.owner);
	if (x->flags & ~(u64)(CAP_GRANT_SINGLE | CAP_GRANT_IMMUTABLE) ||
	    !(x->flags & CAP_GRANT_SINGLE))
		return -E_INVAL;
	if (!x->to || !x->to->space)
		return -E_NOTHREAD;
	if (!scope_authorized(cur, CAP_CAPCTRL, x->to, CAP_CAPCTRL_GRANT))
		return -E_NOCAP;
	if (!(x->c->rights & CAP_TRANSFERABLE))
		return -E_PERM;
	x->slot = cap_list_free_slot(&x->to->space->slots[SPACE_SLOT_LIST],
				     SPACE_LIST_SLOTS);
	return x->slot ? 0 : -E_LIMIT;
}

static long invoke_grant(struct thread *cur, struct capctrl_args *x)
{
	cdt_move(x->c, x->slot);
	x->slot->scope.owner = x->to->space->spid;
	if (x->flags & CAP_GRANT_IMMUTABLE)
		x->slot->rights &= ~CAP_GENERIC_ALL;
	scope_authority_changed();
	return 0;
}

/* ------------------------------------------------------------ REPLICATE,
 * SPLIT: a new capability, a CDT child of the original, in the caller's
 * space list. */

static int new_slot(struct thread *cur, struct capctrl_args *x)
{
	x->slot = cap_list_free_slot(&cur->space->slots[SPACE_SLOT_LIST],
				     SPACE_LIST_SLOTS);
	return x->slot ? 0 : -E_LIMIT;
}

static int decode_replicate(struct thread *cur, struct capctrl_args *x)
{
	if (!(x->c->rights & CAP_REPLICABLE))
		return -E_PERM;
	return new_slot(cur, x);
}

/* The operation bits SPLIT moves. */
static u32 split_ops(const struct capctrl_args *x)
{
	return x->in.rights & CAP_OPS_MASK;
}

static int decode_split(struct thread *cur, struct capctrl_args *x)
{
	u32 diff = split_ops(x);
	if (!(x->c->rights & CAP_CHANGEABLE))
		return -E_PERM;
	if (!diff || (diff & ~x->c->rights) ||
	    diff == (x->c->rights & CAP_OPS_MASK))
		return -E_INVAL;
	return new_slot(cur, x);
}

static long invoke_replicate(struct thread *cur, struct capctrl_args *x)
{
	struct cap *c = x->c, *slot = x->slot;

	scope_cap_init(slot, c->type, c->rights, c->scope.scope, c->scope.resid,
		       cur->space->spid);
	if (x->req == CAP_CONTROL_SPLIT) {
		slot->rights = split_ops(x) | (c->rights & CAP_GENERIC_ALL);
		c->rights &= ~split_ops(x);
	}
	cdt_insert_child(c, slot);
	scope_authority_changed();
	x->in.capid = slot->scope.capid;
	user_write(cur->space, x->buf, &x->in, sizeof(x->in));
	return 0;
}

/* ------------------------------------------------------------ DEDUCE */

static int decode_deduce(struct thread *cur, struct capctrl_args *x)
{
	struct capability *in = &x->in;
	struct cap *c = x->c;
	u32 ops = in->rights & CAP_OPS_MASK, gen = in->rights & CAP_GENERIC_ALL;
	int err;

	if (!(c->rights & CAP_CHANGEABLE))
		return -E_PERM;
	if (in->rights & ~(CAP_OPS_MASK | CAP_GENERIC_ALL) || !ops)
		return -E_INVAL;
	if ((ops & ~c->rights) || (gen & ~c->rights))
		return -E_PERM;
	err = scope_check_narrower(c, in->scope, in->resid);
	if (err)
		return err;
	if (in->scope == SCOPE_SYSTEM)
		in->resid = 0; /* covers every id: none is named */
	if (in->rights == c->rights && in->scope == c->scope.scope &&
	    in->resid == c->scope.resid)
		return -E_INVAL; /* nothing to deduce */
	return 0;
}

static long invoke_deduce(struct thread *cur, struct capctrl_args *x)
{
	x->c->rights = x->in.rights;
	x->c->scope.scope = x->in.scope;
	x->c->scope.resid = x->in.resid;
	scope_authority_changed();
	return 0;
}

/* ------------------------------------------------------------ DESTROY,
 * REVOKE */

static int decode_destroy(struct thread *cur, struct capctrl_args *x)
{
	return x->c->rights & CAP_CHANGEABLE ? 0 : -E_PERM;
}

static long invoke_destroy(struct thread *cur, struct capctrl_args *x)
{
	return cap_delete(x->c);
}

static int decode_revoke(struct thread *cur, struct capctrl_args *x)
{
	return 0;
}

static long invoke_revoke(struct thread *cur, struct capctrl_args *x)
{
	return cap_revoke(x->c, NULL);
}

/* ------------------------------------------------------------ the call */

/* Each request: the right it needs on a capability-control capability
 * covering the caller (GRANT: the grantee, checked by its decode), whether
 * it names a capability by capid in `buf`, its decode and invoke. */
static const struct capctrl_op {
	u32 right;
	bool names_cap;
	int (*decode)(struct thread *cur, struct capctrl_args *x);
	long (*invoke)(struct thread *cur, struct capctrl_args *x);
} capctrl_ops[] = {
    [CAP_CONTROL_NCAPS] = {CAP_CAPCTRL_READ, false, NULL, invoke_ncaps},
    [CAP_CONTROL_READ] = {CAP_CAPCTRL_READ, false, decode_read, invoke_read},
    [CAP_CONTROL_SHARE] = {CAP_CAPCTRL_SHARE, true, decode_share, invoke_share},
    [CAP_CONTROL_GRANT] = {0, true, decode_grant, invoke_grant},
    [CAP_CONTROL_REPLICATE] = {CAP_CAPCTRL_REPLICATE, true, decode_replicate,
			       invoke_replicate},
    [CAP_CONTROL_SPLIT] = {CAP_CAPCTRL_SPLIT, true, decode_split,
			   invoke_replicate},
    [CAP_CONTROL_DEDUCE] = {CAP_CAPCTRL_DEDUCE, true, decode_deduce,
			    invoke_deduce},
    [CAP_CONTROL_DESTROY] = {CAP_CAPCTRL_DESTROY, true, decode_destroy,
			     invoke_destroy},
    [CAP_CONTROL_REVOKE] = {CAP_CAPCTRL_REVOKE, true, decode_revoke,
			    invoke_revoke},
};

static int decode_capability_control(const u64 *a, struct capctrl_args *x)
{
	struct thread *cur = arch_current();
	const struct capctrl_op *op;

	if (a[0] >= ARRAY_SIZE(capctrl_ops))
		return -E_INVAL;
	x->req = (u32)a[0];
	x->flags = a[1];
	x->buf = a[2];
	op = &capctrl_ops[x->req];
	if (!cur->space)
		return -E_NOCAP;
	if (op->right && !scope_authorized(cur, CAP_CAPCTRL, cur, op->right))
		return -E_NOCAP;
	if (op->names_cap) {
		if (user_read_rw(cur->space, &x->in, x->buf, sizeof(x->in)))
			return -E_FAULT;
		x->c = scope_find_owned(cur, x->in.capid);
		if (!x->c)
			return -E_BADCAP;
	}
	return op->decode ? op->decode(cur, x) : 0;
}

/* A repeat after preemption (REVOKE) decodes again: the capability found
 * anew, or -E_BADCAP if another thread finished the work meanwhile. */
long sys_capability_control(const u64 *a, bool again)
{
	struct capctrl_args x;
	int r = decode_capability_control(a, &x);
	return r ? r : capctrl_ops[x.req].invoke(arch_current(), &x);
}
