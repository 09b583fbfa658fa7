/*
 * Mapping page-table and Page objects on x86_64 (four levels: PML4 in the
 * Space object, then PDPT, PD, PT, each a 4 KiB object; 4 KiB and 2 MiB
 * pages).  The kernel never allocates a table: mapping a page fails with
 * E_NOTMAPPED if a table on the way is missing.
 *
 * Rules that keep stale state harmless:
 *  - a table object is mapped at one place at most: mapping it is refused
 *    while any capability to it has a live mapping;
 *  - a table is cleared when it is mapped and when it is unmapped, so a
 *    table that is not reachable from a space (its space died, or a table
 *    above it was unmapped) never brings old entries, which may name
 *    frames since freed, back into a space;
 *  - a mapping belongs to one capability: mapping an object wipes any
 *    stale record of the same place in the other capabilities to it;
 *  - every unmap flushes what the TLB may hold of the mapping, in the
 *    space it was in, loaded or not (arch_tlb_flush_*, tlb.c on x86_64).
 */
#include "paging.h"
#include "space_arch.h"
#include "core/vspace.h"
#include "core/space.h"
#include "core/untyped.h"
#include "arch/hooks.h"

#define LEVEL_PML4 0
#define LEVEL_PDPT 1
#define LEVEL_PD 2
#define LEVEL_PT 3

/* The table level whose entry maps an object of `type`, and its span. */
static int entry_level(u8 type)
{
	switch (type) {
	case CAP_PDPT:
		return LEVEL_PML4;
	case CAP_PD:
		return LEVEL_PDPT;
	case CAP_PT:
	case CAP_LARGE_PAGE:
		return LEVEL_PD;
	default:
		return LEVEL_PT;
	}
}

static u64 level_span(int level)
{
	return 1ull << LEVEL_SHIFT(level);
}

static unsigned level_index(int level, vaddr_t va)
{
	return (unsigned)LEVEL_INDEX(level, va);
}

static u64 *table_at(u64 entry)
{
	return (u64 *)arch_phys_to_kernel(entry & PTE_ADDR);
}

/*
 * Walk `s` down to the table at `level` for `va`.  Returns that table, or
 * NULL if an entry on the way is missing (or is a large page).
 */
static u64 *walk_to(struct space *s, int level, vaddr_t va)
{
	u64 *t = space_arch(s)->pml4;
	for (int l = 0; l < level; l++) {
		u64 e = t[level_index(l, va)];
		if (!(e & PTE_P) || (e & PTE_PS))
			return NULL;
		t = table_at(e);
	}
	return t;
}

/* Is `va` inside a large page mapped by an entry above `level` in `s`? */
static bool in_large_page(struct space *s, int level, vaddr_t va)
{
	u64 *t = space_arch(s)->pml4;
	for (int l = 0; l < level; l++) {
		u64 e = t[level_index(l, va)];
		if (!(e & PTE_P))
			return false;
		if (e & PTE_PS)
			return true;
		t = table_at(e);
	}
	return false;
}

paddr_t vspace_object_phys(const struct cap *c)
{
	return arch_kernel_to_phys(c->obj);
}

/* The entry that maps `c`, if the record in `c` is live; else NULL. */
static u64 *live_entry(const struct cap *c, struct space **sp, vaddr_t *vap)
{
	if (!(c->map.vaddr & MAPPING_VALID))
		return NULL;
	struct space *s = space_lookup(c->map.spid, c->map.gen);
	if (!s)
		return NULL;
	vaddr_t va = c->map.vaddr & ~MAPPING_VALID;
	int level = entry_level(c->type);
	u64 *t = walk_to(s, level, va);
	if (!t)
		return NULL;
	u64 *e = &t[level_index(level, va)];
	bool large = (*e & PTE_PS) != 0;
	if (!(*e & PTE_P) || (*e & PTE_ADDR) != vspace_object_phys(c) ||
	    large != (c->type == CAP_LARGE_PAGE))
		return NULL;
	if (sp)
		*sp = s;
	if (vap)
		*vap = va;
	return e;
}

bool vspace_mapping(const struct cap *c, struct space **s, vaddr_t *va)
{
	return live_entry(c, s, va) != NULL;
}

static u64 object_span(u8 type)
{
	switch (type) {
	case CAP_LARGE_PAGE:
		return 1ull << LARGE_PAGE_BITS;
	case CAP_PAGE:
		return PAGE_SIZE;
	default:
		return level_span(entry_level(type));
	}
}

/* Could an object of `type` be mapped at `va` in `s`?  0 (and the free
 * entry where it would go, in *entry) or -E_*. */
static int place_check(u8 type, struct space *s, vaddr_t va, u64 **entry)
{
	int level = entry_level(type);
	u64 span = object_span(type);
	u64 top = cap_is_frame(type) ? USER_TOP : USER_CANONICAL_END;

	if (!IS_ALIGNED(va, span))
		return -E_ALIGN;
	if (va >= top || span > top - va)
		return -E_RANGE;
	u64 *t = walk_to(s, level, va);
	if (!t) /* a missing table, or a large page already covering va */
		return in_large_page(s, level, va) ? -E_MAPPED : -E_NOTMAPPED;
	if (t[level_index(level, va)] & PTE_P)
		return -E_MAPPED;
	*entry = &t[level_index(level, va)];
	return 0;
}

int vspace_place_check(u8 type, struct space *s, vaddr_t va)
{
	u64 *entry;
	return place_check(type, s, va, &entry);
}

static bool live_mapped(const struct cap *k, const struct cap *c)
{
	(void)c;
	return live_entry(k, NULL, NULL) != NULL;
}

/* A stale record in another capability to the same object that names the
 * place `c` now maps it at would look live again: wipe it, so that only
 * `c` owns the mapping. */
static bool forget_same_record(const struct cap *k, const struct cap *c)
{
	if (k->map.vaddr == c->map.vaddr && k->map.spid == c->map.spid &&
	    k->map.gen == c->map.gen) {
		struct cap *w = (struct cap *)k;
		memset(&w->map, 0, sizeof(w->map));
	}
	return false;
}

int vspace_map_check(const struct cap *c, struct space *s, vaddr_t va,
		     u32 rights, struct vspace_slot *slot)
{
	if (!cap_is_frame(c->type) && !cap_is_table(c->type))
		return -E_CAPTYPE;
	if (!IS_ALIGNED(va, object_span(c->type)))
		return -E_ALIGN;
	if (live_entry(c, NULL, NULL))
		return -E_MAPPED;
	if (cap_is_table(c->type) && cdt_run_any(c, live_mapped))
		return -E_MAPPED; /* the table is mapped through another
				     capability */
	if (cap_is_frame(c->type)) {
		if (rights & ~RIGHT_PAGE_ALL || !(rights & RIGHT_PAGE_READ))
			return -E_INVAL;
		if (rights & ~c->rights)
			return -E_RIGHTS;
	}
	return place_check(c->type, s, va, &slot->entry);
}

void vspace_map(struct cap *c, struct space *s, vaddr_t va, u32 rights)
{
	int level = entry_level(c->type);
	struct vspace_slot slot = {
	    &walk_to(s, level, va)[level_index(level, va)]};
	vspace_map_at(c, s, va, rights, &slot);
}

void vspace_map_at(struct cap *c, struct space *s, vaddr_t va, u32 rights,
		   const struct vspace_slot *slot)
{
	u64 flags;

	if (cap_is_table(c->type)) {
		memset((void *)c->obj, 0,
		       PAGE_SIZE); /* no stale entry survives */
		flags = PTE_P | PTE_W | PTE_U;
	} else {
		flags = PTE_P | PTE_U;
		if (rights & RIGHT_PAGE_WRITE)
			flags |= PTE_W;
		if (!(rights & RIGHT_PAGE_EXEC) && arch_has_nx())
			flags |= PTE_NX;
		if (c->type == CAP_LARGE_PAGE)
			flags |= PTE_PS;
	}
	*slot->entry = vspace_object_phys(c) | flags;
	c->map.vaddr = va | MAPPING_VALID;
	c->map.spid = s->spid;
	c->map.gen = s->gen;
	/* Only another capability to the object can hold such a record. */
	if (!cap_is_final(c))
		cdt_run_any(c, forget_same_record);
}

/* Clear the entry `e` that maps `c` at `va` in `s`, and flush: the page,
 * or for a table all of `s` (everything under the table goes with it). */
static void unmap_entry(struct cap *c, u64 *e, struct space *s, vaddr_t va)
{
	*e = 0;
	memset(&c->map, 0, sizeof(c->map));
	if (cap_is_table(c->type)) {
		memset((void *)c->obj, 0, PAGE_SIZE);
		arch_tlb_flush_space(s);
	} else {
		arch_tlb_flush_page(s, va);
	}
}

/* A stale record stays: see vspace_map. */
void vspace_unmap_cap(struct cap *c)
{
	struct space *s;
	vaddr_t va;
	u64 *e = live_entry(c, &s, &va);
	if (e)
		unmap_entry(c, e, s, va);
}

/*
 * TC_COPY_SPACE: a deep copy of a space's mappings into new tables and
 * pages.  The same walk runs twice: once to count the objects and check
 * the untyped has room (with each object's alignment), once to make them.
 */
struct copy_walk {
	struct cap *untyped;
	u64 offset;	  /* simulated watermark (counting pass) */
	u64 n;		  /* objects so far */
	struct space *to; /* NULL in the counting pass */
	struct cap *dest;
	bool nomem;
};

static void copy_object(struct copy_walk *w, u8 type, vaddr_t va, u64 entry)
{
	u32 sb = type == CAP_LARGE_PAGE ? LARGE_PAGE_BITS : PAGE_BITS_4K;
	u64 size = 1ull << sb;

	if (!w->to) {
		u64 at = ALIGN_UP(w->offset, size);
		if (at + size > untyped_size(w->untyped) || at + size < at)
			w->nomem = true;
		w->offset = at + size;
		w->n++;
		return;
	}
	struct cap *c = &w->dest[w->n++];
	u64 off = ALIGN_UP(untyped_used(w->untyped), size);
	untyped_retype(w->untyped, type, sb, off, c, 1, false);
	u32 rights = 0;
	if (cap_is_frame(type)) {
		memcpy((void *)c->obj, table_at(entry), size);
		rights = RIGHT_PAGE_READ |
			 (entry & PTE_W ? RIGHT_PAGE_WRITE : 0) |
			 (entry & PTE_NX ? 0 : RIGHT_PAGE_EXEC);
	}
	vspace_map(c, w->to, va, rights);
}

static void copy_walk(struct copy_walk *w, u64 *table, int level, vaddr_t base)
{
	unsigned n = level == LEVEL_PML4 ? USER_PML4_ENTRIES : PT_ENTRIES;
	for (unsigned i = 0; i < n; i++) {
		u64 e = table[i];
		vaddr_t va = base + (u64)i * level_span(level);
		if (!(e & PTE_P))
			continue;
		if (level == LEVEL_PT) {
			copy_object(w, CAP_PAGE, va, e);
		} else if (e & PTE_PS) {
			if (level == LEVEL_PD)
				copy_object(w, CAP_LARGE_PAGE, va, e);
		} else {
			static const u8 table_type[] = {CAP_PDPT, CAP_PD,
							CAP_PT};
			copy_object(w, table_type[level], va, e);
			copy_walk(w, table_at(e), level + 1, va);
		}
	}
}

int vspace_copy_check(struct space *from, const struct cap *untyped, u64 *nobj)
{
	struct copy_walk w = {
	    (struct cap *)untyped, untyped_used(untyped), 0, NULL, NULL, false};
	copy_walk(&w, space_arch(from)->pml4, LEVEL_PML4, 0);
	if (w.nomem)
		return -E_NOMEM;
	if (w.n > RETYPE_MAX_NUM)
		return -E_RANGE;
	*nobj = w.n;
	return 0;
}

u64 vspace_copy(struct space *from, struct space *to, struct cap *untyped,
		struct cap *dest)
{
	struct copy_walk w = {untyped, 0, 0, to, dest, false};
	copy_walk(&w, space_arch(from)->pml4, LEVEL_PML4, 0);
	return w.n;
}
