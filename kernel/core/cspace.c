/*
 * CSpaces: resolving capability addresses, and copying, minting and moving
 * capabilities between slots, each a check (every error, nothing changed)
 * and the change (which cannot fail once checked).  (Deleting and revoking
 * are in delete.c.)
 */
#include "cspace.h"
#include "thread.h"
#include "space.h"
#include "arch/hooks.h"

/* Resolve `cptr` from the CSpace capability `root` (see tessera/caps.h);
 * if `path` is given, it gets the CSpace capabilities passed through. */
int cspace_lookup_path(struct cap *root, cptr_t cptr, struct cap **out,
		       struct cap_path *path)
{
	int digit = cptr ? (63 - __builtin_clzll(cptr)) / CPTR_DIGIT_BITS : 0;
	struct cap *cs = root;

	if (path)
		path->n = 0;
	for (;; digit--) {
		if (!cs || cs->type != CAP_CSPACE)
			return -E_BADCAP;
		if (path)
			path->slot[path->n++] = cs;
		u64 idx = (cptr >> (digit * CPTR_DIGIT_BITS)) &
			  ((1ull << CPTR_DIGIT_BITS) - 1);
		if (idx >= (1ull << cs->cspace.bits))
			return -E_BADCAP;
		struct cap *slot = (struct cap *)cs->obj + idx;
		if (digit == 0) {
			*out = slot;
			return 0;
		}
		cs = slot;
	}
}

int cspace_lookup(struct cap *root, cptr_t cptr, struct cap **out)
{
	return cspace_lookup_path(root, cptr, out, NULL);
}

int cap_lookup(cptr_t cptr, struct cap **out)
{
	return cap_lookup_path(cptr, out, NULL);
}

int cap_lookup_path(cptr_t cptr, struct cap **out, struct cap_path *path)
{
	struct thread *cur = arch_current();
	if (!cur->space)
		return -E_BADCAP;
	return cspace_lookup_path(space_root_cspace(cur->space), cptr, out,
				  path);
}

int cap_lookup_type(cptr_t cptr, u8 type, struct cap **out)
{
	int r = cap_lookup(cptr, out);
	if (r)
		return r;
	if (cap_is_null(*out))
		return -E_EMPTY;
	if ((*out)->type != type)
		return -E_CAPTYPE;
	return 0;
}

int cap_lookup_range(cptr_t cptr, u64 count, struct cap **first)
{
	struct cap_path path;
	int r = cap_lookup_path(cptr, first, &path);

	if (r)
		return r;
	/* The last CSpace on the path holds the slot. */
	const struct cap *cs = path.slot[path.n - 1];
	u64 idx = (u64)(*first - (struct cap *)cs->obj);
	if (count > (1ull << cs->cspace.bits) - idx)
		return -E_RANGE;
	return 0;
}

/* Checks shared by copy and mint: a live source, an empty destination. */
int cspace_check_copy(const struct cap *src, const struct cap *dst)
{
	if (cap_is_null(src))
		return -E_EMPTY;
	if (src->type == CAP_ZOMBIE)
		return -E_BUSY;
	if (src->type == CAP_UNTYPED)
		return -E_CAPTYPE; /* two holders could allocate the same memory
				    */
	if (!cap_is_null(dst))
		return -E_OCCUPIED;
	return 0;
}

/* Make `dst` a child of `src` naming the same thing, not mapped anywhere. */
void cspace_copy(struct cap *src, struct cap *dst)
{
	*dst = *src;
	if (cap_is_frame(src->type) || cap_is_table(src->type))
		memset(&dst->map, 0, sizeof(dst->map));
	cdt_insert_child(src, dst);
}

/*
 * Mint: a copy with rights reduced to `rights` and, for the types that have
 * one, a badge.  Badge 0 keeps the source's.  A console colour is set once;
 * a window's maximum message length can only shrink; a timer's hidden low
 * bits can only grow.
 */
int cspace_check_mint(const struct cap *src, const struct cap *dst, u64 badge)
{
	int r = cspace_check_copy(src, dst);
	u64 old = src->device.badge;

	if (r || !badge)
		return r;
	switch (src->type) {
	case CAP_CONSOLE:
		if (badge > CONSOLE_BADGE_MAX)
			return -E_RANGE;
		return old && badge != old ? -E_PERM : 0;
	case CAP_WINDOW:
		if (badge > WINDOW_BADGE_MAX)
			return -E_RANGE;
		return old && badge > old ? -E_PERM : 0;
	case CAP_TIMER:
		if (badge > TIMER_BADGE_MAX)
			return -E_RANGE;
		return badge < old ? -E_PERM : 0;
	default:
		return -E_INVAL; /* no badge on this type */
	}
}

void cspace_mint(struct cap *src, struct cap *dst, u32 rights, u64 badge)
{
	cspace_copy(src, dst);
	dst->rights = src->rights & rights;
	if (badge)
		dst->device.badge = badge;
}

int cspace_check_move(const struct cap *src, const struct cap *dst)
{
	if (cap_is_null(src))
		return -E_EMPTY;
	if (src->type == CAP_ZOMBIE)
		return -E_BUSY;
	if (src != dst && !cap_is_null(dst))
		return -E_OCCUPIED;
	return 0;
}

void cspace_move(struct cap *src, struct cap *dst)
{
	if (src != dst)
		cdt_move(src, dst);
}
