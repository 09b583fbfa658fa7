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

/*
 * Two type-specific words, named by type in the union below (`data` is
 * the same two words unnamed, for code that copies or compares them
 * whatever the type):
 *   Untyped     untyped.info = size bits (low byte) | zeroed end (a page
 *               boundary, untyped.c); untyped.used = bytes used (the
 *               watermark)
 *   CSpace      cspace.bits = log2 of its slot count
 *   PDPT/PD/PT, Page, Large page
 *               map.vaddr = mapped address | MAPPING_VALID, map.spid and
 *               map.gen = the space and its generation (vspace.c)
 *   Console     device.badge = colour attribute (0: default)
 *   Window      device.badge = maximum message length (0: none),
 *               device.window = which window
 *   Timer       device.badge = low bits hidden
 *   scope caps  scope.scope, scope.resid, scope.capid, scope.owner (the
 *               owner's space id)
 *   zombie      zombie.up = the zombie whose slot this is, on a deletion
 *               walk; zombie.cursor = the first slot not yet emptied;
 *               zombie.count = its slot count (an Untyped's: size bits)
 */
struct cap {
	u8 type;	/* enum cap_type, or CAP_ZOMBIE */
	u8 zombie_type; /* CAP_ZOMBIE: the type of the object being destroyed */
	u16 marks;	/* CAP_MARK_*: marks of the walks over the tree */
	u32 rights;
	u64 obj; /* kernel address of the object (0 for scope caps) */
	union {
		u64 data[2];
		struct {
			u64 info, used;
		} untyped;
		struct {
			u64 bits, unused;
		} cspace;
		struct {
			u64 vaddr;
			u32 spid, gen;
		} map;
		struct {
			u64 badge, window;
		} device;
		struct {
			u32 scope, resid, capid, owner;
		} scope;
		struct {
			struct cap *up;
			u32 cursor, count;
		} zombie;
	};
	struct cap *parent, *child, *next, *prev; /* CDT */
};

_Static_assert(sizeof(struct cap) == 1u << CAP_SLOT_BITS, "cap size");

#define MAPPING_VALID 1ull

/* Marks (cap.marks), each owned by one walk that clears it when done. */
#define CAP_MARK_ON_WALK                                                       \
	(1u << 0) /* a zombie on the current deletion walk                     \
		     (delete.c) */
#define CAP_MARK_SEEN                                                          \
	(1u << 14)		  /* reached by the invariant checker's tree   \
				     walk (invariants.c) */
#define CAP_MARK_HOMED (1u << 15) /* found by it in a live object's slot */

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

/* An Untyped's size: log2 of its bytes (the low byte of untyped.info). */
#define UNTYPED_BITS_MASK 0xffull
static inline u32 untyped_bits(const struct cap *u)
{
	return (u32)(u->untyped.info & UNTYPED_BITS_MASK);
}

/* The type of the object a capability names (a zombie's original type). */
static inline u8 cap_object_type(const struct cap *c)
{
	return c->type == CAP_ZOMBIE ? c->zombie_type : c->type;
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
