/*
 * The system calls on CSpace slots, Untyped memory and mappings: retype,
 * remaining, cap_copy, cap_mint, cap_move, cap_delete, cap_revoke,
 * cap_info, map, unmap, page_copy.  Each decodes (lookups and checks, in
 * docs/ABI.md's order) and then invokes the one function that does the
 * work (cspace.c, delete.c, untyped.c, vspace.c).  retype, cap_delete and
 * cap_revoke are preemptible (preempt.c).
 */
#include "syscalls.h"
#include "core/cspace.h"
#include "core/object.h"
#include "core/space.h"
#include "core/thread.h"
#include "core/untyped.h"
#include "core/usercopy.h"
#include "core/vspace.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

/* ------------------------------------------------------------ retype */

/* Everything retype needs, checked. */
struct retype_args {
	struct cap *u, *dest;
	u32 type, size_bits;
	u64 offset, num;
};

static int decode_retype(const u64 *a, struct retype_args *x)
{
	int r = cap_lookup_type(a[0], CAP_UNTYPED, &x->u);

	if (r)
		return r;
	if (a[1] >> 32)
		return -E_INVAL;
	x->type = (u32)a[1];
	x->num = a[4];
	r = untyped_check_retype(x->u, x->type, a[2], x->num, &x->offset,
				 &x->size_bits);
	if (r)
		return r;
	r = cap_lookup_range(a[3], x->num, &x->dest);
	if (r)
		return r;
	for (u64 i = 0; i < x->num; i++)
		if (!cap_is_null(&x->dest[i]))
			return -E_OCCUPIED;
	return 0;
}

/* Zeroing may be preempted: the call is made again, decode and all, and
 * goes on where the zeroing stopped (untyped.c). */
static long invoke_retype(const struct retype_args *x)
{
	if (x->type != CAP_UNTYPED) {
		int r = untyped_zero(x->u, x->offset,
				     x->offset + (x->num << x->size_bits));
		if (r)
			return r;
	}
	untyped_retype(x->u, x->type, x->size_bits, x->offset, x->dest, x->num,
		       true);
	return 0;
}

long sys_retype(const u64 *a, bool again)
{
	struct retype_args x;
	int r = decode_retype(a, &x);
	return r ? r : invoke_retype(&x);
}

/* ------------------------------------------------------------ remaining */

static int decode_remaining(const u64 *a, struct cap **u)
{
	return cap_lookup_type(a[0], CAP_UNTYPED, u);
}

static long invoke_remaining(const struct cap *u)
{
	return (long)untyped_remaining(u);
}

long sys_remaining(const u64 *a)
{
	struct cap *u;
	int r = decode_remaining(a, &u);
	return r ? r : invoke_remaining(u);
}

/* ------------------------------------------------------------ copy, mint,
 * move */

struct slot_pair {
	struct cap *src, *dst;
	u32 rights; /* mint */
	u64 badge;  /* mint */
};

static int lookup_pair(const u64 *a, struct slot_pair *x)
{
	int r = cap_lookup(a[0], &x->src);
	return r ? r : cap_lookup(a[1], &x->dst);
}

static int decode_cap_copy(const u64 *a, struct slot_pair *x)
{
	int r = lookup_pair(a, x);
	return r ? r : cspace_check_copy(x->src, x->dst);
}

static long invoke_cap_copy(const struct slot_pair *x)
{
	cspace_copy(x->src, x->dst);
	return 0;
}

long sys_cap_copy(const u64 *a)
{
	struct slot_pair x;
	int r = decode_cap_copy(a, &x);
	return r ? r : invoke_cap_copy(&x);
}

static int decode_cap_mint(const u64 *a, struct slot_pair *x)
{
	int r = lookup_pair(a, x);
	if (r)
		return r;
	if (a[2] >> 32)
		return -E_INVAL;
	x->rights = (u32)a[2];
	x->badge = a[3];
	return cspace_check_mint(x->src, x->dst, x->badge);
}

static long invoke_cap_mint(const struct slot_pair *x)
{
	cspace_mint(x->src, x->dst, x->rights, x->badge);
	return 0;
}

long sys_cap_mint(const u64 *a)
{
	struct slot_pair x;
	int r = decode_cap_mint(a, &x);
	return r ? r : invoke_cap_mint(&x);
}

static int decode_cap_move(const u64 *a, struct slot_pair *x)
{
	int r = lookup_pair(a, x);
	return r ? r : cspace_check_move(x->src, x->dst);
}

static long invoke_cap_move(const struct slot_pair *x)
{
	cspace_move(x->src, x->dst);
	return 0;
}

long sys_cap_move(const u64 *a)
{
	struct slot_pair x;
	int r = decode_cap_move(a, &x);
	return r ? r : invoke_cap_move(&x);
}

/* ------------------------------------------------------------ delete,
 * revoke
 *
 * A repeat (`again`: the call this thread was preempted in, its pending
 * work now finished, preempt.c) may find its capability's address gone:
 * the work deleted a CSpace on the way.  A repeated delete is then done
 * (what was left was the capability's own deletion); a repeated revoke
 * whose address is gone or empty is done too (the capabilities on the
 * address are revoked last).
 */

struct delete_args {
	struct cap *c; /* NULL: nothing left to do */
	struct cap_path path;
};

static int decode_cap_delete(const u64 *a, bool again, struct delete_args *x)
{
	int r;

	x->c = NULL;
	if (again)
		return 0;
	r = cap_lookup(a[0], &x->c);
	if (r)
		return r;
	return cap_is_null(x->c) ? -E_EMPTY : 0;
}

static long invoke_cap_delete(const struct delete_args *x)
{
	return x->c ? cap_delete(x->c) : 0;
}

long sys_cap_delete(const u64 *a, bool again)
{
	struct delete_args x;
	int r = decode_cap_delete(a, again, &x);
	return r ? r : invoke_cap_delete(&x);
}

static int decode_cap_revoke(const u64 *a, bool again, struct delete_args *x)
{
	int r = cap_lookup_path(a[0], &x->c, &x->path);

	if (!r && cap_is_null(x->c))
		r = -E_EMPTY;
	if (r) {
		x->c = NULL;
		return again ? 0 : r;
	}
	return 0;
}

static long invoke_cap_revoke(const struct delete_args *x)
{
	return x->c ? cap_revoke(x->c, &x->path) : 0;
}

long sys_cap_revoke(const u64 *a, bool again)
{
	struct delete_args x;
	int r = decode_cap_revoke(a, again, &x);
	return r ? r : invoke_cap_revoke(&x);
}

/* ------------------------------------------------------------ cap_info */

static void describe(const struct cap *c, struct cap_info *info)
{
	memset(info, 0, sizeof(*info));
	info->type = c->type;
	info->rights = c->rights;
	info->children = cdt_count_children(c);
	switch (c->type) {
	case CAP_UNTYPED:
		info->paddr = untyped_phys(c);
		info->bits = untyped_bits(c);
		break;
	case CAP_CSPACE:
		info->bits = (u32)c->cspace.bits;
		break;
	case CAP_CONSOLE:
	case CAP_WINDOW:
	case CAP_TIMER:
		info->badge = c->device.badge;
		break;
	case CAP_SPACE:
		info->spid = ((struct space *)c->obj)->spid;
		info->bits = SPACE_BITS;
		break;
	default:
		if (cap_is_frame(c->type) || cap_is_table(c->type)) {
			struct space *s;
			vaddr_t va;
			info->paddr = vspace_object_phys(c);
			info->bits = object_size_bits(c->type, 0);
			if (vspace_mapping(c, &s, &va)) {
				info->mapped = 1;
				info->vaddr = va;
				info->spid = s->spid;
			}
		} else if (c->type != CAP_NULL &&
			   object_type_retypeable(c->type)) {
			info->bits = object_size_bits(c->type, 0);
		}
		break;
	}
}

struct info_args {
	struct cap *c;
	vaddr_t info;
};

static int decode_cap_info(const u64 *a, struct info_args *x)
{
	int r = cap_lookup(a[0], &x->c);
	if (r)
		return r;
	x->info = a[1];
	if (user_check(arch_current()->space, x->info, sizeof(struct cap_info),
		       true))
		return -E_FAULT;
	return 0;
}

static long invoke_cap_info(const struct info_args *x)
{
	struct cap_info info;
	describe(x->c, &info);
	user_write(arch_current()->space, x->info, &info, sizeof(info));
	return 0;
}

long sys_cap_info(const u64 *a)
{
	struct info_args x;
	int r = decode_cap_info(a, &x);
	return r ? r : invoke_cap_info(&x);
}

/* ------------------------------------------------------------ map, unmap */

struct map_args {
	struct cap *c;
	struct space *s;
	vaddr_t va;
	u32 rights;
	struct vspace_slot slot;
};

static int decode_map(const u64 *a, struct map_args *x)
{
	struct cap *sc;
	int r = cap_lookup(a[0], &x->c);

	if (r)
		return r;
	if (cap_is_null(x->c))
		return -E_EMPTY;
	x->s = arch_current()->space;
	if (a[1] != SPACE_SELF) {
		r = cap_lookup_type(a[1], CAP_SPACE, &sc);
		if (r)
			return r;
		x->s = (struct space *)sc->obj;
	}
	if (a[3] >> 32)
		return -E_INVAL;
	x->va = a[2];
	x->rights = (u32)a[3];
	return vspace_map_check(x->c, x->s, x->va, x->rights, &x->slot);
}

static long invoke_map(const struct map_args *x)
{
	vspace_map_at(x->c, x->s, x->va, x->rights, &x->slot);
	return 0;
}

long sys_map(const u64 *a)
{
	struct map_args x;
	int r = decode_map(a, &x);
	return r ? r : invoke_map(&x);
}

static int decode_unmap(const u64 *a, struct cap **c)
{
	int r = cap_lookup(a[0], c);
	if (r)
		return r;
	if (cap_is_null(*c))
		return -E_EMPTY;
	if (!cap_is_frame((*c)->type) && !cap_is_table((*c)->type))
		return -E_CAPTYPE;
	if (!vspace_mapping(*c, NULL, NULL))
		return -E_NOTMAPPED; /* a stale record stays: see vspace.c */
	return 0;
}

static long invoke_unmap(struct cap *c)
{
	vspace_unmap_cap(c);
	return 0;
}

long sys_unmap(const u64 *a)
{
	struct cap *c;
	int r = decode_unmap(a, &c);
	return r ? r : invoke_unmap(c);
}

/* ------------------------------------------------------------ page_copy */

/* page_copy(src, dst): the contents of one Page into another of the same
 * size (read right on src, write right on dst). */
static int decode_page_copy(const u64 *a, struct slot_pair *x)
{
	int r = lookup_pair(a, x);
	if (r)
		return r;
	if (cap_is_null(x->src) || cap_is_null(x->dst))
		return -E_EMPTY;
	if (!cap_is_frame(x->src->type) || !cap_is_frame(x->dst->type))
		return -E_CAPTYPE;
	if (x->src->type != x->dst->type)
		return -E_CAPTYPE;
	if (!(x->src->rights & RIGHT_PAGE_READ) ||
	    !(x->dst->rights & RIGHT_PAGE_WRITE))
		return -E_RIGHTS;
	return 0;
}

static long invoke_page_copy(const struct slot_pair *x)
{
	if (x->src->obj != x->dst->obj)
		memcpy((void *)x->dst->obj, (void *)x->src->obj,
		       1ull << object_size_bits(x->src->type, 0));
	return 0;
}

long sys_page_copy(const u64 *a)
{
	struct slot_pair x;
	int r = decode_page_copy(a, &x);
	return r ? r : invoke_page_copy(&x);
}
