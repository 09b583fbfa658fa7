/*
 * Spaces (address spaces).  A Space object is 2^SPACE_BITS bytes: the root
 * page table (the PML4 on x86_64) in the first page, struct space in the
 * second (whose end the architecture may use for its own part of the
 * space: kernel/arch/x86_64/space_arch.h).  The space holds its root CSpace (in
 * slot 0 of its slot array) and two capability lists: its own, and the one it
 * shares with the spaces it pages (CAP_SHARE_CHILD).  Every space has an id
 * (spid) from a kernel table, which carries a generation, as a thread id does;
 * the id with the space's full generation number names the space in the mapping
 * records of Page and table capabilities.
 */
#ifndef CORE_SPACE_H
#define CORE_SPACE_H

#include "kernel.h"
#include "cap.h"
#include "ids.h"

#define SPACE_OBJ_SIZE (1ull << SPACE_BITS)
#define SPACE_LIST_SLOTS 28
#define SPACE_SLOT_CSPACE 0
#define SPACE_SLOT_LIST 1
#define SPACE_SLOT_CHILD (1 + SPACE_LIST_SLOTS)
#define SPACE_SLOTS (1 + 2 * SPACE_LIST_SLOTS)
#define MAX_SPACES 4096

/* A space id is generation << SPID_INDEX_BITS | index (space.c). */
#define SPID_INDEX_BITS 12
#define SPID_INDEX(spid) ((spid) & ((1u << SPID_INDEX_BITS) - 1))
_Static_assert(MAX_SPACES == 1u << SPID_INDEX_BITS, "space id index bits");
_Static_assert(MAX_SPACES == IDS_MAX, "space ids");

struct thread;

struct space {
	u32 spid; /* generation << SPID_INDEX_BITS | index in the table */
	u32 gen;  /* how many spaces the table entry has held */
	u32 cid;  /* container, set when the first thread is bound */
	u32 nthreads;
	struct thread *threads; /* list through thread->space_next */
	struct cap slots[SPACE_SLOTS];
};

static inline struct cap *space_root_cspace(struct space *s)
{
	return &s->slots[SPACE_SLOT_CSPACE];
}

/* The space table (its instance is in state.c). */
struct space_ids {
	struct space *table[MAX_SPACES]; /* by index; NULL: free */
	u32 gen[MAX_SPACES];		 /* each index's use count */
	struct ids free;		 /* free indices */
};
extern struct space_ids space_ids;

/* space.c */
void space_table_init(void);
bool space_id_available(unsigned n);
void space_object_init(struct space *s, void *root_table);
void space_object_destroy(struct space *s);
struct space *space_lookup(u32 spid, u32 gen);
struct space *space_by_id(u32 spid);

#endif
