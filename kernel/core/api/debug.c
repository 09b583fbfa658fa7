/*
 * debug_dump: print the caller's capabilities in a readable form (needs
 * the Debug capability).  DUMP_CSPACE lists the root CSpace slot by slot,
 * DUMP_CDT adds what was derived from each capability, DUMP_CAPLISTS the
 * scope capabilities the caller sees, DUMP_THREADS every thread.
 * DUMP_CAPTREE prints every capability in the system, one `captree` line
 * each, for tools/captree.py (format in docs/ABI.md).  DUMP_COUNTERS
 * prints nothing: it writes the kernel's counters to the caller (the
 * scheduler's, and the bench kernel's events, arch_counters).
 *
 * debug_coverage: the kernel's edge counters, for the fuzzer (kfuzz
 * builds; the counters are coverage.c's): how many have run, a copy of
 * them, a reset; and the fuzzer's say in the checks after each call (its
 * harness trusted, a check now: invariants.h).  Other kernels answer
 * E_NOSYS.
 */
#include "syscalls.h"
#include "core/container.h"
#include "core/coverage.h"
#include "core/invariants.h"
#include "core/cspace.h"
#include "core/space.h"
#include "core/thread.h"
#include "core/untyped.h"
#include "core/usercopy.h"
#include "core/vspace.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

#define DUMP_MAX_LINES 512

static const char *const type_names[] = {
    [CAP_NULL] = "null",
    [CAP_UNTYPED] = "Untyped",
    [CAP_CSPACE] = "CSpace",
    [CAP_THREAD] = "Thread",
    [CAP_SPACE] = "Space",
    [CAP_PDPT] = "PDPT",
    [CAP_PD] = "PD",
    [CAP_PT] = "PT",
    [CAP_PAGE] = "Page",
    [CAP_LARGE_PAGE] = "LargePage",
    [CAP_CONTAINER] = "Container",
    [CAP_CONSOLE] = "Console",
    [CAP_WINDOW] = "Window",
    [CAP_TIMER] = "Timer",
    [CAP_DEBUG] = "Debug",
    [CAP_INPUT] = "Input",
    [CAP_IPC] = "IPC",
    [CAP_TCTRL] = "ThreadControl",
    [CAP_EXREGS] = "ExRegs",
    [CAP_CAPCTRL] = "CapControl",
    [CAP_MUTEX] = "Mutex",
};

static const char *type_name(u8 t)
{
	if (t == CAP_ZOMBIE)
		return "zombie";
	return t < ARRAY_SIZE(type_names) && type_names[t] ? type_names[t]
							   : "?";
}

static void print_cap(const struct cap *c, int indent)
{
	kprintf("%*s%s", indent, "", type_name(c->type));
	switch (c->type) {
	case CAP_UNTYPED:
		kprintf(" phys=%lx size=2^%lu used=%lu free=%lu",
			untyped_phys(c), (u64)untyped_bits(c), untyped_used(c),
			untyped_remaining(c));
		break;
	case CAP_CSPACE:
		kprintf(" slots=%lu", 1ul << c->cspace.bits);
		break;
	case CAP_THREAD:
		kprintf(" tid=%x", ((struct thread *)c->obj)->tid);
		break;
	case CAP_SPACE:
		kprintf(" spid=%u", ((struct space *)c->obj)->spid);
		break;
	case CAP_CONSOLE:
	case CAP_TIMER:
		kprintf(" badge=%lu", c->device.badge);
		break;
	case CAP_WINDOW:
		kprintf(" window=%lu rights=%x maxlen=%lu", c->device.window,
			c->rights, c->device.badge);
		break;
	default:
		if (cap_is_frame(c->type) || cap_is_table(c->type)) {
			struct space *s;
			vaddr_t va;
			kprintf(" phys=%lx rights=%x", vspace_object_phys(c),
				c->rights);
			if (vspace_mapping(c, &s, &va))
				kprintf(" mapped at %lx in space %u", va,
					s->spid);
		} else if (cap_is_scope(c->type)) {
			kprintf(" capid=%u scope=%u resid=%x rights=%x "
				"owner=%u",
				c->scope.capid, c->scope.scope, c->scope.resid,
				c->rights, c->scope.owner);
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

/*
 * DUMP_CAPTREE.  Capabilities are found through their holders: a pre-order
 * walk of the whole CDT meets every object with slots (CSpace, Thread,
 * Space, Container) once, at the first capability of its run (the
 * contiguity of cap.h), and lists that object's non-empty slots.  The walk
 * also counts the tree's nodes: the two counts on the `end` line differ
 * if a capability in the tree sits in no holder's slot, or a listed slot
 * is not in the tree (the reader checks).  Ids are physical addresses (of a
 * slot, of an object), stable while the thing lives; 0 is the CDT's
 * anchor, the parent of every boot capability.  Not preemptible: its time
 * is linear in the number of capabilities (a debugging aid).
 */
static u64 captree_id(const struct cap *c)
{
	return !c || c == &cdt_anchor ? 0 : arch_kernel_to_phys((u64)c);
}

static u64 captree_obj(const struct cap *c)
{
	return c->obj ? arch_kernel_to_phys(c->obj) : 0;
}

static const char *scope_name(u64 scope)
{
	switch (scope) {
	case SCOPE_THREAD:
		return "thread";
	case SCOPE_SPACE:
		return "space";
	case SCOPE_CONTAINER:
		return "container";
	case SCOPE_SYSTEM:
		return "system";
	default:
		return "?";
	}
}

/* The container a scope capability's target lives in, or -1 (system
 * scope, or a space id that names no space now). */
static long scope_target_cid(u64 scope, u32 resid)
{
	struct space *s;

	switch (scope) {
	case SCOPE_THREAD:
		return TID_CID(resid);
	case SCOPE_SPACE:
		s = space_by_id(resid);
		return s ? (long)s->cid : -1;
	case SCOPE_CONTAINER:
		return resid;
	default:
		return -1;
	}
}

static void captree_details(const struct cap *c)
{
	struct space *s;
	vaddr_t va;

	switch (c->type) {
	case CAP_ZOMBIE:
		kprintf(" zombie=1"); /* its words mean other things */
		break;
	case CAP_UNTYPED:
		kprintf(" phys=%lx bits=%lu used=%lu free=%lu", untyped_phys(c),
			(u64)untyped_bits(c), untyped_used(c),
			untyped_remaining(c));
		break;
	case CAP_CSPACE:
		kprintf(" bits=%lu", c->cspace.bits);
		break;
	case CAP_THREAD:
		kprintf(" tid=%x", ((struct thread *)c->obj)->tid);
		break;
	case CAP_SPACE:
		kprintf(" spid=%u", ((struct space *)c->obj)->spid);
		break;
	case CAP_CONTAINER:
		kprintf(" cid=%u", ((struct container *)c->obj)->cid);
		break;
	case CAP_CONSOLE:
	case CAP_TIMER:
		kprintf(" badge=%lu", c->device.badge);
		break;
	case CAP_WINDOW:
		kprintf(" window=%lu maxlen=%lu", c->device.window,
			c->device.badge);
		break;
	default:
		if (cap_is_frame(c->type) || cap_is_table(c->type)) {
			kprintf(" phys=%lx", vspace_object_phys(c));
			if (vspace_mapping(c, &s, &va))
				kprintf(" va=%lx spid=%u", va, s->spid);
		} else if (cap_is_scope(c->type)) {
			kprintf(
			    " scope=%s resid=%x target_cid=%ld capid=%u",
			    scope_name(c->scope.scope), c->scope.resid,
			    scope_target_cid(c->scope.scope, c->scope.resid),
			    c->scope.capid);
		}
		break;
	}
}

/* The holder `h` names: one line for it, one for each capability in it. */
static u64 captree_holder(const struct cap *h, const struct cap *slots, u32 n)
{
	u8 t = cap_object_type(h);
	u64 id = captree_obj(h), listed = 0;

	kprintf("captree holder id=%lx type=%s slots=%u", id, type_name(t), n);
	if (t == CAP_THREAD) {
		const struct thread *th = (const struct thread *)h->obj;
		kprintf(" tid=%x", th->tid);
		if (th->container)
			kprintf(" cid=%u", th->container->cid);
	} else if (t == CAP_SPACE) {
		const struct space *s = (const struct space *)h->obj;
		kprintf(" spid=%u cid=%u", s->spid, s->cid);
	} else if (t == CAP_CONTAINER) {
		kprintf(" cid=%u", ((const struct container *)h->obj)->cid);
	}
	kprintf("\n");
	for (u32 i = 0; i < n; i++) {
		const struct cap *c = &slots[i];
		if (cap_is_null(c))
			continue;
		kprintf("captree cap id=%lx parent=%lx holder=%lx slot=%u "
			"type=%s rights=%x obj=%lx",
			captree_id(c), captree_id(c->parent), id, i,
			type_name(cap_object_type(c)), c->rights,
			captree_obj(c));
		captree_details(c);
		kprintf("\n");
		listed++;
	}
	return listed;
}

static void dump_captree(void)
{
	u64 nodes = 0, listed = 0;

	kprintf("captree begin\n");
	for (const struct cap *c = cdt_anchor.child; c;
	     c = cdt_walk_next(c, &cdt_anchor)) {
		const struct cap *slots;
		u32 n = 0;
		nodes++;
		if ((c->parent && cap_same_object(c->parent, c)) ||
		    (c->prev && cap_same_object(c->prev, c)))
			continue; /* not the first of its object's run */
		slots = cap_object_slots(c, &n);
		if (slots)
			listed += captree_holder(c, slots, n);
	}
	kprintf("captree end caps=%lu tree=%lu\n", listed, nodes);
}

struct dump_args {
	u64 what;
	vaddr_t counters;
};

static int decode_debug_dump(const u64 *a, struct dump_args *x)
{
	struct cap *d;
	int r = cap_lookup_type(a[0], CAP_DEBUG, &d);

	if (r)
		return r;
	x->what = a[1];
	x->counters = a[2];
	if (x->what & ~(u64)(DUMP_CSPACE | DUMP_CDT | DUMP_CAPLISTS |
			     DUMP_THREADS | DUMP_CAPTREE | DUMP_COUNTERS))
		return -E_INVAL;
	if (x->what & DUMP_COUNTERS &&
	    user_check(arch_current()->space, x->counters,
		       sizeof(struct tess_counters), true))
		return -E_FAULT;
	return 0;
}

static long invoke_debug_dump(const struct dump_args *x)
{
	struct thread *cur = arch_current();
	u64 what = x->what;
	int lines = 0;

	if (what & DUMP_COUNTERS) {
		struct tess_counters c;
		memset(&c, 0, sizeof(c));
		c.ticks = arch_ticks();
		c.idle_ticks = percpu()->idle_ticks;
		c.idle_entries = percpu()->idle_entries;
		arch_counters(&c);
		user_write(cur->space, x->counters, &c, sizeof(c));
		if (what == DUMP_COUNTERS)
			return 0; /* nothing to print */
	}
	kprintf("--- dump for thread %x (%s)\n", cur->tid, cur->name);
	if (what & (DUMP_CSPACE | DUMP_CDT)) {
		struct cap *root = space_root_cspace(cur->space);
		if (root->type == CAP_CSPACE) {
			struct cap *slots = (struct cap *)root->obj;
			for (u64 i = 0; i < (1ull << root->cspace.bits) &&
					lines < DUMP_MAX_LINES;
			     i++) {
				if (cap_is_null(&slots[i]))
					continue;
				kprintf("  slot %04lx: ", i);
				print_cap(&slots[i], 0);
				lines++;
				if (what & DUMP_CDT)
					print_tree(&slots[i], &lines);
			}
		}
	}
	if (what & DUMP_CAPLISTS) {
		dump_list("space", &cur->space->slots[SPACE_SLOT_LIST],
			  SPACE_LIST_SLOTS);
		dump_list("child", &cur->space->slots[SPACE_SLOT_CHILD],
			  SPACE_LIST_SLOTS);
		struct thread *g = thread_group_leader(cur);
		if (g)
			dump_list("group", &g->slots[THREAD_SLOT_GROUP],
				  GROUP_LIST_SLOTS);
		if (cur->container)
			dump_list("container", cur->container->slots,
				  CONTAINER_LIST_SLOTS);
	}
	if (what & DUMP_THREADS) {
		struct thread *t;
		for (u32 i = 0; (t = thread_next_bound(&i));) {
			kprintf("  thread %x %-8s state=%u wait=%u "
				"prio=%u space=%u pager=%x\n",
				t->tid, t->name, t->state, t->wait, t->prio,
				t->space ? t->space->spid : 0, t->pager);
		}
	}
	if (what & DUMP_CAPTREE)
		dump_captree();
	kprintf("--- end of dump\n");
	return 0;
}

long sys_debug_dump(const u64 *a)
{
	struct dump_args x;
	int r = decode_debug_dump(a, &x);
	return r ? r : invoke_debug_dump(&x);
}

struct coverage_args {
	u64 op;
	vaddr_t buf;
	u64 size; /* READ: what is copied, at most the map */
};

static int decode_debug_coverage(const u64 *a, struct coverage_args *x)
{
	struct cap *d;
	int r = cap_lookup_type(a[0], CAP_DEBUG, &d);

	if (r)
		return r;
	x->op = a[1];
	x->buf = a[2];
	x->size = MIN(a[3], coverage_size());
	if (x->op > COVERAGE_CHECK || (x->op == COVERAGE_TRUST && x->buf > 1))
		return -E_INVAL;
	if (!coverage_counted())
		return -E_NOSYS;
	if (x->op == COVERAGE_READ &&
	    user_check(arch_current()->space, x->buf, x->size, true))
		return -E_FAULT;
	return 0;
}

static long invoke_debug_coverage(const struct coverage_args *x)
{
	struct space *s = arch_current()->space;
	u8 chunk[256];

	switch (x->op) {
	case COVERAGE_EDGES:
		return (long)coverage_edges();
	case COVERAGE_RESET:
		coverage_reset();
		return 0;
	case COVERAGE_TRUST: {
		const struct container *c = arch_current()->container;
		invariants_trust(c ? c->cid : 0, x->buf && c);
		return 0;
	}
	case COVERAGE_CHECK:
		invariants_check();
		return 0;
	default: /* COVERAGE_READ */
		for (u64 off = 0; off < x->size; off += sizeof(chunk)) {
			u64 n = MIN(sizeof(chunk), x->size - off);
			coverage_bytes(chunk, off, n);
			user_write(s, x->buf + off, chunk, n);
		}
		return (long)x->size;
	}
}

long sys_debug_coverage(const u64 *a)
{
	struct coverage_args x;
	int r = decode_debug_coverage(a, &x);
	return r ? r : invoke_debug_coverage(&x);
}
