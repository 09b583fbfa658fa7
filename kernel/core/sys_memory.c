/*
 * The system calls on CSpace slots, Untyped memory and mappings: retype,
 * remaining, cap_copy, cap_mint, cap_move, cap_delete, cap_revoke,
 * cap_info, map, unmap, page_copy.  Each looks up and checks its
 * capabilities and arguments, then calls the one function that does the
 * work (cspace.c, delete.c, untyped.c, vspace.c).
 */
#include "sys_memory.h"
#include "cspace.h"
#include "untyped.h"
#include "vspace.h"
#include "object.h"
#include "thread.h"
#include "space.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

long sys_retype(const u64 *a)
{
	struct cap *u, *dest;
	u64 offset;
	u32 sb;
	int r = cap_lookup_type(a[0], CAP_UNTYPED, &u);

	if (r)
		return r;
	if (a[1] >> 32)
		return -E_INVAL;
	r = untyped_check_retype(u, (u32)a[1], a[2], a[4], &offset, &sb);
	if (r)
		return r;
	r = cap_lookup_range(a[3], a[4], &dest);
	if (r)
		return r;
	for (u64 i = 0; i < a[4]; i++)
		if (!cap_is_null(&dest[i]))
			return -E_OCCUPIED;
	/* Checked.  Zeroing may be preempted: the call is made again, checks
	 * and all, and goes on where the zeroing stopped. */
	if ((u32)a[1] != CAP_UNTYPED) {
		r = untyped_zero(u, offset, offset + (a[4] << sb));
		if (r)
			return r;
	}
	untyped_retype(u, (u32)a[1], sb, offset, dest, a[4], true);
	return 0;
}

long sys_remaining(const u64 *a)
{
	struct cap *u;
	int r = cap_lookup_type(a[0], CAP_UNTYPED, &u);
	if (r)
		return r;
	return (long)untyped_remaining(u);
}

static int lookup_pair(cptr_t src, cptr_t dst, struct cap **s, struct cap **d)
{
	int r = cap_lookup(src, s);
	if (r)
		return r;
	return cap_lookup(dst, d);
}

long sys_cap_copy(const u64 *a)
{
	struct cap *s, *d;
	int r = lookup_pair(a[0], a[1], &s, &d);
	return r ? r : cspace_copy(s, d);
}

long sys_cap_mint(const u64 *a)
{
	struct cap *s, *d;
	int r = lookup_pair(a[0], a[1], &s, &d);
	if (r)
		return r;
	if (a[2] >> 32)
		return -E_INVAL;
	return cspace_mint(s, d, (u32)a[2], a[3]);
}

long sys_cap_move(const u64 *a)
{
	struct cap *s, *d;
	int r = lookup_pair(a[0], a[1], &s, &d);
	return r ? r : cspace_move(s, d);
}

/*
 * Deletion and revoke may be preempted (-E_RESTART) and made again.  The
 * thread remembers which call it left, so that the repeat, having
 * finished the pending work, knows it is a repeat: the capability's own
 * address may be gone by then (the work deleted a CSpace on it).  Pending
 * work an earlier, abandoned call left (its thread was sent elsewhere) is
 * finished first, but a restart during it is not this call's own.
 */
static long cap_delete_call(const u64 *a, bool again)
{
	struct cap *c;
	int r;

	if (again)
		return 0; /* what was left was the capability's own deletion */
	r = cap_lookup(a[0], &c);
	if (r)
		return r;
	if (cap_is_null(c))
		return -E_EMPTY;
	return cap_delete(c);
}

static long cap_revoke_call(const u64 *a, bool again)
{
	struct cap_path path;
	struct cap *c;
	int r = cap_lookup_path(a[0], &c, &path);

	/* The capabilities on the address are revoked last: if one of them
	 * went in a preempted earlier run, the revoke was complete. */
	if (r)
		return again ? 0 : r;
	if (cap_is_null(c))
		return again ? 0 : -E_EMPTY;
	return cap_revoke(c, &path);
}

static long restartable(unsigned nr, const u64 *a,
			long (*call)(const u64 *a, bool again))
{
	struct thread *cur = arch_current();
	bool again = cur->restart_nr == nr && cur->restart_arg == a[0];
	bool own = again; /* is the work a restart leaves this call's? */
	long r = cap_finish_pending();

	if (r == 0) {
		r = call(a, again);
		own = true;
	}
	cur->restart_nr = r == -E_RESTART && own ? nr : 0;
	cur->restart_arg = a[0];
	return r;
}

long sys_cap_delete(const u64 *a)
{
	return restartable(SYS_cap_delete, a, cap_delete_call);
}

long sys_cap_revoke(const u64 *a)
{
	return restartable(SYS_cap_revoke, a, cap_revoke_call);
}

long sys_cap_info(const u64 *a)
{
	struct thread *cur = arch_current();
	struct cap_info info;
	struct cap *c;
	int r = cap_lookup(a[0], &c);

	if (r)
		return r;
	memset(&info, 0, sizeof(info));
	info.type = c->type;
	info.rights = c->rights;
	info.children = cdt_count_children(c);
	switch (c->type) {
	case CAP_UNTYPED:
		info.paddr = untyped_phys(c);
		info.bits = untyped_bits(c);
		break;
	case CAP_CSPACE:
		info.bits = (u32)c->data[0];
		break;
	case CAP_CONSOLE:
	case CAP_WINDOW:
	case CAP_TIMER:
		info.badge = c->data[0];
		break;
	case CAP_SPACE:
		info.spid = ((struct space *)c->obj)->spid;
		info.bits = SPACE_BITS;
		break;
	default:
		if (cap_is_frame(c->type) || cap_is_table(c->type)) {
			struct space *s;
			vaddr_t va;
			info.paddr = vspace_object_phys(c);
			info.bits = object_size_bits(c->type, 0);
			if (vspace_mapping(c, &s, &va)) {
				info.mapped = 1;
				info.vaddr = va;
				info.spid = s->spid;
			}
		} else if (c->type != CAP_NULL &&
			   object_type_retypeable(c->type)) {
			info.bits = object_size_bits(c->type, 0);
		}
		break;
	}
	if (arch_copy_to_user(cur->space, a[1], &info, sizeof(info), NULL))
		return -E_FAULT;
	return 0;
}

long sys_map(const u64 *a)
{
	struct thread *cur = arch_current();
	struct cap *c, *sc;
	struct space *s = cur->space;
	int r = cap_lookup(a[0], &c);

	if (r)
		return r;
	if (cap_is_null(c))
		return -E_EMPTY;
	if (a[1] != SPACE_SELF) {
		r = cap_lookup_type(a[1], CAP_SPACE, &sc);
		if (r)
			return r;
		s = (struct space *)sc->obj;
	}
	if (a[3] >> 32)
		return -E_INVAL;
	return vspace_map(c, s, a[2], (u32)a[3]);
}

long sys_unmap(const u64 *a)
{
	struct cap *c;
	int r = cap_lookup(a[0], &c);
	if (r)
		return r;
	if (cap_is_null(c))
		return -E_EMPTY;
	if (!cap_is_frame(c->type) && !cap_is_table(c->type))
		return -E_CAPTYPE;
	return vspace_unmap(c);
}

/* page_copy(src, dst): the contents of one Page into another of the same
 * size (read right on src, write right on dst). */
long sys_page_copy(const u64 *a)
{
	struct cap *s, *d;
	int r = lookup_pair(a[0], a[1], &s, &d);
	if (r)
		return r;
	if (cap_is_null(s) || cap_is_null(d))
		return -E_EMPTY;
	if (!cap_is_frame(s->type) || !cap_is_frame(d->type))
		return -E_CAPTYPE;
	if (s->type != d->type)
		return -E_CAPTYPE;
	if (!(s->rights & RIGHT_PAGE_READ) || !(d->rights & RIGHT_PAGE_WRITE))
		return -E_RIGHTS;
	if (s->obj != d->obj)
		memcpy((void *)d->obj, (void *)s->obj,
		       1ull << object_size_bits(s->type, 0));
	return 0;
}
