/*
 * Scope capabilities and the capability lists (scope.c): which lists a
 * thread sees and owns, and the search that authorizes an operation on a
 * thread or a container.
 */
#ifndef CORE_SCOPE_H
#define CORE_SCOPE_H

#include "kernel.h"
#include "cap.h"
#include "thread.h"

struct thread;

/* The capid the next scope capability gets (state.c). */
extern u32 next_capid;

/*
 * The authorization cache.  A thread remembers the last IPC target it was
 * authorized to send to, if the capability found allows short sends
 * (scope_authorized), good while cap_epoch is unchanged; the IPC fast path
 * trusts it without a search (ipc_cache_trusts).  The one rule: whatever
 * changes what a list holds, who sees a list, or what a scope capability covers
 * calls scope_authority_changed, the only writer of cap_epoch (state.c).  Its
 * callers: deleting a scope capability (delete.c), SHARE, GRANT,
 * REPLICATE, SPLIT and DEDUCE (api/cap.c), a new pager
 * (exchange_registers, api/thread.c), a thread losing its id and with it
 * its group and the lists it paged (thread.c), a space going
 * (space.c).
 */
extern u64 cap_epoch;
void scope_authority_changed(void);

/* Does `t`'s cached authorization let it send a short message to thread
 * `to` without a search (the fast path's test; `to` as the caller gave it:
 * a value above 32 bits is no id, and never trusted)? */
static inline bool ipc_cache_trusts(const struct thread *t, u64 to)
{
	return t->ipc_cache_tid == to && t->ipc_cache_epoch == cap_epoch;
}

/* Fill in a new scope capability. */
void scope_cap_init(struct cap *c, u8 type, u32 rights, u32 scope, u32 resid,
		    u32 owner_spid);

/* Has `t` a scope capability of `type` with all of `need` covering thread
 * `target` (caching IPC authority for the fast path)?  Covering container
 * `cid`? */
bool scope_authorized(struct thread *t, u8 type, const struct thread *target,
		      u32 need);
bool scope_authorized_container(struct thread *t, u8 type, u32 cid, u32 need);
bool scope_covers_thread(const struct cap *c, const struct thread *t);

/* A list of capabilities, as a thread sees it (kind: CAP_LIST_*). */
struct cap_list {
	struct cap *slots;
	u32 n;
	u32 kind;
};

/* The four lists `t` sees, in search order: its space's list, its group's,
 * its pager's space's child list, its container's. */
#define VISIBLE_LISTS 4
unsigned scope_visible_lists(const struct thread *t,
			     struct cap_list out[VISIBLE_LISTS]);
/* The lists holding capabilities the caller's space may own: the four it
 * sees, then the list its space shares with the spaces it pages (it owns
 * those, though it does not use them itself).  `t` has a space. */
#define OWNER_LISTS (VISIBLE_LISTS + 1)
unsigned scope_owner_lists(const struct thread *t,
			   struct cap_list out[OWNER_LISTS]);
/* A capability the caller's space owns, by capid, in one of those lists. */
struct cap *scope_find_owned(struct thread *cur, u32 capid);
/* An empty slot in list[0..n), or NULL. */
struct cap *cap_list_free_slot(struct cap *list, u32 n);
/* Is (scope, resid) within the scope of capability `c`?  0 or the -E_*
 * capability_control's DEDUCE gives (docs/ABI.md). */
int scope_check_narrower(const struct cap *c, u32 scope, u32 resid);

#endif
