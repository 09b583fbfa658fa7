/*
 * Capabilities inside the kernel.
 *
 * A capability is a 64-byte slot: type, rights, the object it names, two
 * type-specific words, and its links in the capability derivation tree
 * (CDT).  Slots live in CSpace objects and in the small slot arrays inside
 * Thread, Space and Container objects (their capability lists).
 *
 * The CDT records where every capability came from: an object's first
 * capability is a child of the Untyped it was retyped from; copies, mints
 * and Codezero replicas are children of their source.  Every capability has
 * a parent: boot capabilities hang below the static anchor `cdt_anchor`, so
 * the whole tree can be walked from one place.
 *
 * Invariant (contiguity): the capabilities naming one object form a run of
 * adjacent siblings and their subtrees, and nothing else lives in those
 * subtrees.  Copies are inserted as children of their source and deletion
 * splices a node's children into its place, which keeps this true; it lets
 * cap_is_final() decide "is this the last capability to its object" by
 * looking at the neighbours only.
 */
#ifndef CORE_CAP_H
#define CORE_CAP_H

#include "kernel.h"
#include "tessera/caps.h"

#define CAP_ZOMBIE 0xFE /* internal: an object being destroyed (delete.c) */

struct cap {
	u8 type;  /* enum cap_type, or CAP_ZOMBIE */
	u8 flags; /* CAP_ZOMBIE: the type of the object being destroyed */
	u16 spare;
	u32 rights;
	u64 obj;     /* kernel address of the object (0 for scope caps) */
	u64 data[2]; /* type-specific, see below */
	struct cap *parent, *child, *next, *prev; /* CDT */
};

_Static_assert(sizeof(struct cap) == 1u << CAP_SLOT_BITS, "cap size");

/*
 * Type-specific words:
 *   Untyped     data[0] = size bits | zeroed end (untyped.c), data[1] =
 *               bytes used (watermark)
 *   CSpace      data[0] = slot bits
 *   PDPT/PD/PT, Page, Large page
 *               data[0] = mapped vaddr | MAPPING_VALID, data[1] = space id
 *               | generation << 32 (see vspace.c)
 *   Console     data[0] = colour attribute (0: default)
 *   Window      data[0] = maximum message length (0: none)
 *   Timer       data[0] = low bits hidden
 *   scope caps  data[0] = scope | resid << 32, data[1] = capid | owner
 *               space id << 32
 *   zombie      data[0] = parent zombie slot, data[1] = cursor | count << 32
 *               (an Untyped's zombie: size bits << 32)
 */
#define MAPPING_VALID 1ull

extern struct cap cdt_anchor;

static inline bool cap_is_null(const struct cap *c)
{
	return c->type == CAP_NULL;
}

static inline bool cap_is_scope(u8 type)
{
	return type >= CAP_IPC && type <= CAP_MUTEX;
}

static inline bool cap_is_frame(u8 type)
{
	return type == CAP_PAGE || type == CAP_LARGE_PAGE;
}

static inline bool cap_is_table(u8 type)
{
	return type == CAP_PDPT || type == CAP_PD || type == CAP_PT;
}

/* An Untyped's size: log2 of its bytes (the low byte of data[0]). */
static inline u32 untyped_bits(const struct cap *u)
{
	return (u32)(u->data[0] & 0xff);
}

/* The type of the object a capability names (a zombie's original type). */
static inline u8 cap_object_type(const struct cap *c)
{
	return c->type == CAP_ZOMBIE ? c->flags : c->type;
}

/* cdt.c */
void cdt_init(void);
void cdt_insert_child(struct cap *parent, struct cap *c);
void cdt_remove(struct cap *c);
void cdt_move(struct cap *from, struct cap *to);
bool cap_same_object(const struct cap *a, const struct cap *b);
bool cap_is_final(const struct cap *c);
/* Does `pred(k, c)` hold for some capability k != c naming c's object?
 * (The run of such capabilities is found by contiguity.) */
bool cdt_run_any(const struct cap *c,
		 bool (*pred)(const struct cap *k, const struct cap *c));
u32 cdt_count_children(const struct cap *c);
/* The capability after `n` in a pre-order walk of the subtree below `root`
 * (which the walk starts at); NULL when the subtree is done. */
struct cap *cdt_walk_next(const struct cap *n, const struct cap *root);

/* The slot array inside the object `c` names (CSpace, Thread, Space,
 * Container), and how many slots it has; NULL for other objects. */
struct cap *cap_object_slots(const struct cap *c, u32 *count);

#endif
