/*
 * Deleting and revoking capabilities, and destroying the objects whose last
 * capability goes.
 *
 * Destroying an object with slots (a CSpace, a Space, a Thread, a
 * Container) means deleting every capability in them, which may destroy
 * further objects, nested without limit.  The kernel stack cannot hold that
 * recursion, so the capability being deleted is turned into a zombie in
 * its own slot: the zombie remembers the object, how far its slots have
 * been emptied (a cursor) and the zombie it was reached from (data[0]).
 * The walk goes down into nested zombies and back up by those links, with
 * no stack at all.  The zombie stays in the derivation tree, so a revoke or
 * an untyped's accounting still sees it; a zombie left behind by a
 * preempted call is picked up by the next delete or revoke that meets it.
 *
 * Long walks are preemptible: every so often pending interrupts are let in,
 * and if the scheduler wants the CPU the call returns -E_RESTART, which
 * re-runs the system call from the start; the work done stays done.
 */
#include "cspace.h"
#include "object.h"
#include "vspace.h"
#include "thread.h"
#include "arch/hooks.h"

#define PREEMPT_INTERVAL 64
#define ZOMBIE_ACTIVE 1u /* in cap.spare: the zombie is on the current walk */

u64 cap_epoch = 1;
static u32 preempt_counter;

bool preempt_check(void)
{
	if (++preempt_counter % PREEMPT_INTERVAL)
		return false;
	arch_poll_interrupts();
	return need_resched;
}

/* What deleting this one capability undoes, final or not. */
static void before_delete(struct cap *c)
{
	if (cap_is_frame(c->type) || cap_is_table(c->type))
		vspace_unmap_cap(c);
	else if (cap_is_scope(c->type))
		cap_epoch++;
}

static void clear_slot(struct cap *c)
{
	cdt_remove(c);
	memset(c, 0, sizeof(*c));
}

static struct cap *zombie_up(struct cap *z)
{
	return (struct cap *)z->data[0];
}

/* Abandon the walk (preempted): zombies stay, marks come off. */
static void unmark_chain(struct cap *z)
{
	for (; z; z = zombie_up(z))
		z->spare &= ~ZOMBIE_ACTIVE;
}

int cap_delete(struct cap *top)
{
	struct cap *cur = top; /* the slot being worked on */
	struct cap *up = NULL; /* the zombie whose slot `cur` is */

	for (;;) {
		if (cur->type == CAP_ZOMBIE) {
			u32 count, cursor = (u32)cur->data[1];
			struct cap *slots = cap_object_slots(cur, &count);
			cur->data[0] = (u64)up;
			cur->spare |= ZOMBIE_ACTIVE;
			while (cursor < count &&
			       (cap_is_null(&slots[cursor]) ||
				(slots[cursor].type == CAP_ZOMBIE &&
				 (slots[cursor].spare & ZOMBIE_ACTIVE))))
				cursor++;
			cur->data[1] = cursor | ((u64)count << 32);
			if (cursor == count) {
				/* Emptied: the zombie itself goes. */
				struct cap *parent = zombie_up(cur);
				clear_slot(cur);
				if (cur == top)
					return 0;
				cur = parent;
				up = zombie_up(cur);
			} else {
				up = cur;
				cur = &slots[cursor];
			}
		} else if (cap_is_null(cur)) {
			return 0; /* only the top slot can be empty here */
		} else {
			before_delete(cur);
			u32 count = 0;
			bool final = cap_is_final(cur);
			if (final)
				object_finalize(cur);
			if (final && cap_object_slots(cur, &count) && count) {
				cur->flags = cur->type;
				cur->type = CAP_ZOMBIE;
				cur->data[0] = (u64)up;
				cur->data[1] = (u64)count << 32;
				cur->rights = 0;
				continue; /* empty its slots next */
			}
			clear_slot(cur);
			if (cur == top)
				return 0;
			cur = up;
			up = zombie_up(cur);
		}
		if (preempt_check()) {
			unmark_chain(cur->type == CAP_ZOMBIE ? cur : up);
			return -E_RESTART;
		}
	}
}

/* Delete every descendant of `c`; `c` stays. */
int cap_revoke(struct cap *c)
{
	while (c->child) {
		int r = cap_delete(c->child);
		if (r)
			return r;
		if (preempt_check())
			return -E_RESTART;
	}
	return 0;
}
