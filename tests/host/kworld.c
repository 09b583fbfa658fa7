/* The host kernel world for the capability tests (see kworld.h). */
#include <stdlib.h>

#include "kworld.h"

void kw_init(struct kworld *w, u32 mem_bits, u32 boot_bits)
{
	memset(w, 0, sizeof(*w));
	host_arch_reset();
	percpu()->need_resched = false;
	cdt_init();
	space_table_init();
	thread_table_init();
	container_table_init();
	sched_init(host_idle_thread());

	w->mem_bits = mem_bits;
	w->mem = aligned_alloc(1ull << mem_bits, 1ull << mem_bits);
	w->boot_bits = boot_bits;
	w->boot = aligned_alloc(1ull << (boot_bits + CAP_SLOT_BITS),
				1ull << (boot_bits + CAP_SLOT_BITS));
	if (!w->mem || !w->boot)
		panic("kw_init: out of host memory");
	/* Junk, so that a test sees whether retype zeroes what it hands out. */
	memset(w->mem, 0xa5, 1ull << mem_bits);
	memset(w->boot, 0, 1ull << (boot_bits + CAP_SLOT_BITS));

	struct cap *self = &w->boot[KW_SELF];
	self->type = CAP_CSPACE;
	self->obj = (u64)w->boot;
	self->data[0] = boot_bits;
	cdt_insert_child(&cdt_anchor, self);
	untyped_make_boot_cap(&w->boot[KW_UT], (paddr_t)w->mem, mem_bits);
	w->ut = &w->boot[KW_UT];
}

void kw_fini(struct kworld *w)
{
	panic_jmp = NULL;
	arch_set_current(NULL);
	cdt_init();
	space_table_init();
	thread_table_init();
	container_table_init();
	free(w->mem);
	free(w->boot);
	memset(w, 0, sizeof(*w));
}

void kw_task(struct kworld *w)
{
	struct cap *t = &w->boot[KW_THREAD], *s = &w->boot[KW_SPACE];
	if (kw_retype(w->ut, CAP_THREAD, 0, t, 1) ||
	    kw_retype(w->ut, CAP_SPACE, 0, s, 1))
		panic("kw_task: retype failed");
	w->thread = (struct thread *)t->obj;
	w->space = (struct space *)s->obj;
	if (cspace_check_copy(&w->boot[KW_SELF], space_root_cspace(w->space)))
		panic("kw_task: no root CSpace");
	cspace_copy(&w->boot[KW_SELF], space_root_cspace(w->space));
	thread_set_space(w->thread, w->space);
	if (thread_bind(w->thread, 0))
		panic("kw_task: no thread id");
	w->thread->state = TS_RUNNABLE;
	arch_set_current(w->thread);
}

int kw_retype(struct cap *u, u32 type, u64 bits, struct cap *dest, u64 num)
{
	u64 offset;
	u32 sb;
	int r = untyped_check_retype(u, type, bits, num, &offset, &sb);

	if (r)
		return r;
	for (u64 i = 0; i < num; i++)
		if (!cap_is_null(&dest[i]))
			return -E_OCCUPIED;
	untyped_retype(u, type, sb, offset, dest, num, false);
	return 0;
}

/*
 * Run a delete or revoke to the end as the kernel does across restarts: a
 * preempted call leaves its unfinished zombie in the current thread's
 * pending slot, and the repeat finishes that first (preempt.c).
 */
static int finish(bool revoke, struct cap *c, u64 max_tries, u64 *tries)
{
	/* Without a bound current thread (no kw_task) the zombie stays in
	 * its slot and the repeat starts at the capability again. */
	bool pending = arch_current() && arch_current()->tid;
	u64 n = 1;
	int r;

	percpu()->need_resched = false;
	r = preempt_finish_pending(); /* work an earlier call left */
	while (r == -E_RESTART && n++ < max_tries)
		r = preempt_finish_pending();
	if (r == 0)
		r = revoke ? cap_revoke(c, NULL) : cap_delete(c);
	while (r == -E_RESTART && n < max_tries) {
		invariants_check();
		percpu()->need_resched = false;
		n++;
		if (!pending) {
			r = revoke ? cap_revoke(c, NULL) : cap_delete(c);
			continue;
		}
		r = preempt_finish_pending();
		if (r == 0 && revoke && !cap_is_null(c))
			r = cap_revoke(c, NULL);
	}
	percpu()->need_resched = false;
	if (tries)
		*tries = n;
	return r;
}

int kw_delete(struct cap *c, u64 max_tries, u64 *tries)
{
	return finish(false, c, max_tries, tries);
}

int kw_revoke(struct cap *c, u64 max_tries, u64 *tries)
{
	return finish(true, c, max_tries, tries);
}

u64 kw_tree_size(void)
{
	u64 n = 0;
	for (const struct cap *c = cdt_anchor.child; c;
	     c = cdt_walk_next(c, &cdt_anchor))
		n++;
	return n;
}

int kw_invariants_ok(void)
{
	jmp_buf jb, *saved = panic_jmp;
	volatile int ok = 0;

	if (setjmp(jb) == 0) {
		panic_jmp = &jb;
		invariants_check();
		ok = 1;
	}
	panic_jmp = saved;
	return ok;
}

void kw_device_cap(struct cap *slot, u8 type, u32 rights, u64 badge)
{
	memset(slot, 0, sizeof(*slot));
	slot->type = type;
	slot->rights = rights;
	slot->data[0] = badge;
	cdt_insert_child(&cdt_anchor, slot);
}
