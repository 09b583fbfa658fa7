/*
 * debug_dump: print the caller's capabilities in a readable form (needs
 * the Debug capability).  DUMP_CSPACE lists the root CSpace slot by slot,
 * DUMP_CDT adds what was derived from each capability, DUMP_CAPLISTS the
 * scope capabilities the caller sees, DUMP_THREADS every thread.
 */
#include "devices.h"
#include "cspace.h"
#include "untyped.h"
#include "vspace.h"
#include "thread.h"
#include "space.h"
#include "container.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

#define DUMP_MAX_LINES 512

static const char *const type_names[] = {
	[CAP_NULL] = "null",       [CAP_UNTYPED] = "Untyped",
	[CAP_CSPACE] = "CSpace",   [CAP_THREAD] = "Thread",
	[CAP_SPACE] = "Space",     [CAP_PDPT] = "PDPT",
	[CAP_PD] = "PD",           [CAP_PT] = "PT",
	[CAP_PAGE] = "Page",       [CAP_LARGE_PAGE] = "LargePage",
	[CAP_CONTAINER] = "Container", [CAP_CONSOLE] = "Console",
	[CAP_WINDOW] = "Window",   [CAP_TIMER] = "Timer",
	[CAP_DEBUG] = "Debug",     [CAP_INPUT] = "Input",
	[CAP_IPC] = "IPC",
	[CAP_TCTRL] = "ThreadControl", [CAP_EXREGS] = "ExRegs",
	[CAP_CAPCTRL] = "CapControl", [CAP_MUTEX] = "Mutex",
};

static const char *type_name(u8 t)
{
	if (t == CAP_ZOMBIE)
		return "zombie";
	return t < ARRAY_SIZE(type_names) && type_names[t] ? type_names[t] : "?";
}

static void print_cap(const struct cap *c, int indent)
{
	kprintf("%*s%s", indent, "", type_name(c->type));
	switch (c->type) {
	case CAP_UNTYPED:
		kprintf(" phys=%lx size=2^%lu used=%lu free=%lu", untyped_phys(c),
			c->data[0], untyped_used(c), untyped_remaining(c));
		break;
	case CAP_CSPACE:
		kprintf(" slots=%lu", 1ul << c->data[0]);
		break;
	case CAP_THREAD:
		kprintf(" tid=%x", ((struct thread *)c->obj)->tid);
		break;
	case CAP_SPACE:
		kprintf(" spid=%u", ((struct space *)c->obj)->spid);
		break;
	case CAP_CONSOLE:
	case CAP_TIMER:
		kprintf(" badge=%lu", c->data[0]);
		break;
	case CAP_WINDOW:
		kprintf(" window=%lu rights=%x maxlen=%lu", c->data[1], c->rights,
			c->data[0]);
		break;
	default:
		if (cap_is_frame(c->type) || cap_is_table(c->type)) {
			struct space *s;
			vaddr_t va;
			kprintf(" phys=%lx rights=%x", vspace_object_phys(c), c->rights);
			if (vspace_mapping(c, &s, &va))
				kprintf(" mapped at %lx in space %u", va, s->spid);
		} else if (cap_is_scope(c->type)) {
			kprintf(" capid=%lu scope=%lu resid=%lx rights=%x owner=%lu",
				c->data[1] & 0xffffffff, c->data[0] & 0xffffffff,
				c->data[0] >> 32, c->rights, c->data[1] >> 32);
		}
		break;
	}
	kprintf("\n");
}

/* The subtree below `c`, indented by depth, bounded in lines. */
static void print_tree(const struct cap *c, int *lines)
{
	const struct cap *n = c->child;
	int depth = 1;
	while (n && *lines < DUMP_MAX_LINES) {
		print_cap(n, 6 + 2 * depth);
		(*lines)++;
		if (n->child) {
			n = n->child;
			depth++;
			continue;
		}
		while (n != c && !n->next) {
			n = n->parent;
			depth--;
		}
		if (n == c)
			break;
		n = n->next;
	}
}

static void dump_list(const char *name, const struct cap *slots, u32 n)
{
	for (u32 i = 0; i < n; i++)
		if (!cap_is_null(&slots[i])) {
			kprintf("  %s[%u]: ", name, i);
			print_cap(&slots[i], 0);
		}
}

long sys_debug_dump(const u64 *a)
{
	struct thread *cur = arch_current();
	struct cap *d;
	int r = cap_lookup_type(a[0], CAP_DEBUG, &d);
	int lines = 0;

	if (r)
		return r;
	if (a[1] & ~(u64)(DUMP_CSPACE | DUMP_CDT | DUMP_CAPLISTS | DUMP_THREADS))
		return -E_INVAL;
	kprintf("--- dump for thread %x (%s)\n", cur->tid, cur->name);
	if (a[1] & (DUMP_CSPACE | DUMP_CDT)) {
		struct cap *root = space_root_cspace(cur->space);
		if (root->type == CAP_CSPACE) {
			struct cap *slots = (struct cap *)root->obj;
			for (u64 i = 0; i < (1ull << root->data[0]) && lines < DUMP_MAX_LINES; i++) {
				if (cap_is_null(&slots[i]))
					continue;
				kprintf("  slot %04lx: ", i);
				print_cap(&slots[i], 0);
				lines++;
				if (a[1] & DUMP_CDT)
					print_tree(&slots[i], &lines);
			}
		}
	}
	if (a[1] & DUMP_CAPLISTS) {
		dump_list("space", &cur->space->slots[SPACE_SLOT_LIST], SPACE_LIST_SLOTS);
		dump_list("child", &cur->space->slots[SPACE_SLOT_CHILD], SPACE_LIST_SLOTS);
		if (cur->container)
			dump_list("container", cur->container->slots, CONTAINER_LIST_SLOTS);
	}
	if (a[1] & DUMP_THREADS) {
		for (u32 i = 0; i < thread_count(); i++) {
			struct thread *t = thread_by_index(i);
			if (t)
				kprintf("  thread %x %-8s state=%u wait=%u prio=%u space=%u pager=%x\n",
					t->tid, t->name, t->state, t->wait, t->prio,
					t->space ? t->space->spid : 0, t->pager);
		}
	}
	kprintf("--- end of dump\n");
	return 0;
}
