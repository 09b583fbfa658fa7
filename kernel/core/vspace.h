/*
 * Mapping Page and page-table objects into spaces (implemented per
 * architecture: kernel/arch/x86_64/vspace.c).
 *
 * A Page or table capability maps its object at most once; the mapping is
 * recorded in the capability as (space id, generation, address).  A record
 * is believed only if walking that space's tables at that address still
 * reaches the object, so records go stale harmlessly when a space or a
 * table above them goes away.
 */
#ifndef CORE_VSPACE_H
#define CORE_VSPACE_H

#include "kernel.h"
#include "cap.h"

struct space;

/* Where a checked mapping goes (the entry of the space's tables that
 * vspace_map_check found), so that the map does not look again. */
struct vspace_slot {
	u64 *entry;
};
/* May the object of `c` (a table, Page or Large page) be mapped in `s`
 * at `va`, with `rights` (pages only)?  0 (and where, in *slot) or -E_*,
 * in the ABI's order. */
int vspace_map_check(const struct cap *c, struct space *s, vaddr_t va,
		     u32 rights, struct vspace_slot *slot);
/* Map it there (checked, and nothing changed since). */
void vspace_map_at(struct cap *c, struct space *s, vaddr_t va, u32 rights,
		   const struct vspace_slot *slot);
/* Map it (checked), finding the place again. */
void vspace_map(struct cap *c, struct space *s, vaddr_t va, u32 rights);
/* Could an object of `type` be mapped at `va` in `s` (alignment, range,
 * tables on the way, entry free)? */
int vspace_place_check(u8 type, struct space *s, vaddr_t va);
/* Undo the mapping of `c` if it has one (unmap, deleting the
 * capability). */
void vspace_unmap_cap(struct cap *c);
/* Is `c` mapped now?  If so, where. */
bool vspace_mapping(const struct cap *c, struct space **s, vaddr_t *va);
/* TC_COPY_SPACE: how many objects a copy of `from` needs (tables, pages),
 * checking that `untyped` has room; 0 or -E_NOMEM/-E_RANGE. */
int vspace_copy_check(struct space *from, const struct cap *untyped, u64 *nobj);
/* Make the copy: new tables and pages from `untyped`, their capabilities in
 * dest[0..n), mapped in `to` as in `from`.  Returns n. */
u64 vspace_copy(struct space *from, struct space *to, struct cap *untyped,
		struct cap *dest);

/* Physical address of the object a Page/table capability names. */
paddr_t vspace_object_phys(const struct cap *c);

#endif
