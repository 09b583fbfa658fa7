/*
 * Deleting and revoking capabilities, and destroying the objects whose last
 * capability goes.
 *
 * Destroying an object with slots (a CSpace, a Space, a Thread, a
 * Container) means deleting every capability in them, which may destroy
 * further objects, nested without limit.  Deleting an Untyped means
 * deleting everything made from it first (its children in the tree): it is
 * walked the same way, its "slots" being its children.  The kernel stack cannot
 * hold that recursion, so the capability being deleted is turned into a zombie
 * in its own slot: the zombie remembers the object, how far its slots have been
 * emptied (a cursor) and the zombie it was reached from (zombie.up). The walk
 * goes down into nested zombies and back up by those links, with no stack at
 * all.  The zombie stays in the derivation tree, so a revoke or an untyped's
 * accounting still sees it; a zombie left behind by a preempted call is picked
 * up by the next delete or revoke that meets it.
 *
 * Long walks are preemptible (preempt.c has the protocol): at a preemption
 * point the walk stops with -E_RESTART, its zombies left as they are, the
 * top one kept in the calling thread's pending slot.
 */
#include "cspace.h"
#include "object.h"
#include "preempt.h"
#include "scope.h"
#include "vspace.h"
#include "thread.h"
#include "arch/hooks.h"

/* What deleting this one capability undoes, final or not. */
static void before_delete(struct cap *c)
{
	if (cap_is_frame(c->type) || cap_is_table(c->type))
		vspace_unmap_cap(c);
	else if (cap_is_scope(c->type))
		scope_authority_changed();
}

static void clear_slot(struct cap *c)
{
	cdt_remove(c);
	memset(c, 0, sizeof(*c));
}

static struct cap *zombie_up(struct cap *z)
{
	return z->zombie.up;
}

static bool active_zombie(const struct cap *c)
{
	return c->type == CAP_ZOMBIE && (c->marks & CAP_MARK_ON_WALK);
}

/* The next capability a zombie must delete, or NULL when it is empty.
 * Zombies on the current walk are skipped: they are its ancestors. */
static struct cap *zombie_next(struct cap *z)
{
	if (z->zombie_type == CAP_UNTYPED) {
		struct cap *k = z->child;
		while (k && active_zombie(k))
			k = k->next;
		return k;
	}
	u32 count, cursor = z->zombie.cursor;
	struct cap *slots = cap_object_slots(z, &count);
	while (cursor < count &&
	       (cap_is_null(&slots[cursor]) || active_zombie(&slots[cursor])))
		cursor++;
	z->zombie.cursor = cursor;
	return cursor < count ? &slots[cursor] : NULL;
}

/* Must deleting `c` first delete what it holds (its slots, or what was
 * made from it)?  Then it becomes a zombie. */
static bool needs_zombie(struct cap *c, bool final)
{
	u32 count = 0;
	if (c->type == CAP_UNTYPED)
		return c->child != NULL;
	return final && cap_object_slots(c, &count) && count;
}

/* Abandon the walk (preempted): zombies stay, marks come off. */
static void unmark_chain(struct cap *z)
{
	for (; z; z = zombie_up(z))
		z->marks &= ~CAP_MARK_ON_WALK;
}

int cap_delete(struct cap *top)
{
	struct cap *cur = top; /* the slot being worked on */
	struct cap *up = NULL; /* the zombie whose slot `cur` is */

	for (;;) {
		if (cur->type == CAP_ZOMBIE) {
			cur->zombie.up = up;
			cur->marks |= CAP_MARK_ON_WALK;
			struct cap *next = zombie_next(cur);
			if (!next) {
				/* Emptied: the zombie itself goes. */
				struct cap *parent = zombie_up(cur);
				clear_slot(cur);
				if (cur == top)
					return 0;
				cur = parent;
				up = zombie_up(cur);
			} else {
				up = cur;
				cur = next;
				continue; /* going down is not progress: no
					     preemption */
			}
		} else if (cap_is_null(cur)) {
			return 0; /* only the top slot can be empty here */
		} else {
			before_delete(cur);
			bool final = cap_is_final(cur);
			if (final)
				object_finalize(cur);
			if (needs_zombie(cur, final)) {
				/* Before it is a zombie: its slot count, or an
				 * Untyped's size. */
				u32 count = 0;
				cap_object_slots(cur, &count);
				if (cur->type == CAP_UNTYPED)
					count = untyped_bits(cur);
				cur->zombie_type = cur->type;
				cur->type = CAP_ZOMBIE;
				cur->zombie.up = up;
				cur->zombie.cursor = 0;
				cur->zombie.count = count;
				cur->rights = 0;
				continue; /* empty it next */
			}
			clear_slot(cur);
			if (cur == top)
				return 0;
			cur = up;
			up = zombie_up(cur);
		}
		/* Here `cur` is the zombie just gone back up to. */
		if (preempt_check()) {
			unmark_chain(cur);
			preempt_keep_pending(top);
			return -E_RESTART;
		}
	}
}

static bool on_path(const struct cap *k, const struct cap_path *path)
{
	for (unsigned i = 0; path && i < path->n; i++)
		if (path->slot[i] == k)
			return true;
	return false;
}

/* Delete every descendant of `c`; `c` stays.  Deleting a child splices its
 * own children in, so taking children until none is left takes them all. */
int cap_revoke(struct cap *c, const struct cap_path *path)
{
	while (c->child) {
		struct cap *k = c->child;
		while (k && on_path(k, path))
			k = k->next;
		int r = cap_delete(k ? k : c->child);
		if (r)
			return r;
		if (preempt_check())
			return -E_RESTART;
	}
	return 0;
}
