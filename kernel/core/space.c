/*
 * Space ids and the life of Space objects.
 *
 * The space table maps a space id to its struct space.  An id is
 * generation << 12 | index: the index picks the table entry (1..4095,
 * taken round from a cursor: ids.h), the
 * generation (the entry's use count, low 20 bits) makes the id of a new
 * space differ from that of the space the entry held before, as thread ids
 * do.  So a scope capability or an owner naming a space id never covers a
 * later space (until the same entry has been used 2^20 more times), and a
 * Page or table capability's mapping record (id, full generation) goes
 * stale by itself when its space dies: no capability has to be found and
 * updated.
 */
#include "space.h"
#include "thread.h"
#include "vspace.h"
#include "scope.h"
#include "root.h"
#include "arch/hooks.h"

void space_table_init(void)
{
	memset(space_ids.table, 0, sizeof(space_ids.table));
	ids_init(&space_ids.free); /* id 0 is never used */
}

bool space_id_available(unsigned n)
{
	return n <= space_ids.free.count;
}

/* Set up a zeroed Space object; takes a space id (one must be free). */
void space_object_init(struct space *s, void *root_table)
{
	u32 id = ids_take(&space_ids.free);
	space_ids.table[id] = s;
	s->gen = ++space_ids.gen[id];
	s->spid = (s->gen & ((1u << (32 - SPID_INDEX_BITS)) - 1))
		      << SPID_INDEX_BITS |
		  id;
	s->cid = 0;
	arch_space_init(s, root_table);
}

/*
 * The last capability to the space is going.  Its threads stop and lose
 * it; they can never run again (THREAD_RUN needs a space), so whoever
 * waits for one of them stops waiting, as when a thread is destroyed
 * (ipc_cancel: senders queued to it, receives from it alone, faults it
 * was to answer, sides parked in a copy it was doing).  Its id is
 * released (every mapping record naming it is now stale); if its page
 * tables are loaded, the kernel's own are loaded instead so the memory can
 * be reused.  Its slots are emptied by the caller (delete.c).
 */
void space_object_destroy(struct space *s)
{
	while (s->threads) {
		struct thread *t = s->threads;
		if (t->flags & THREAD_F_ROOT) /* the system goes with it */
			root_task_exited(-1);
		thread_cancel(t, true);
		if (t->state != TS_DEAD)
			t->state = TS_INACTIVE;
		thread_set_space(t, NULL);
	}
	arch_space_unload(s);
	/* Its threads saw its lists, and threads it paged its shared one;
	 * its space-scope capabilities cover nobody now. */
	scope_authority_changed();
	space_ids.table[SPID_INDEX(s->spid)] = NULL;
	ids_put(&space_ids.free, SPID_INDEX(s->spid));
}

struct space *space_lookup(u32 spid, u32 gen)
{
	struct space *s = space_ids.table[SPID_INDEX(spid)];
	return s && s->spid == spid && s->gen == gen ? s : NULL;
}

struct space *space_by_id(u32 spid)
{
	struct space *s = space_ids.table[SPID_INDEX(spid)];
	return s && s->spid == spid ? s : NULL;
}
