/* Starting threads from user code (see tess_thread.h). */
#include <string.h>
#include <tess_thread.h>

#define COPY_CSPACE_BITS 11

static void __attribute__((noreturn))
thread_start(tess_entry_fn entry, void *arg)
{
	entry(arg);
	tess_exit(0);
}

long tess_thread_start_at(uint32_t tid, uint64_t rip, uint64_t rsp, uint64_t a0,
			  uint64_t a1, uint64_t a2)
{
	struct exregs x;
	struct task_ids ids;
	long r;

	memset(&x, 0, sizeof(x));
	x.rdi = a0;
	x.rsi = a1;
	x.rdx = a2;
	x.rsp = rsp;
	x.rip = rip;
	x.rflags = 0x202;
	x.valid = EXREGS_SET_REGS | EXREGS_SET_SP | EXREGS_SET_PC;
	r = tess_exchange_registers(&x, tid);
	if (r)
		return r;
	memset(&ids, 0, sizeof(ids));
	ids.tid = tid;
	return tess_thread_control(THREAD_RUN, &ids, NULL);
}

static long start(uint32_t tid, tess_entry_fn entry, void *arg, void *stack_top)
{
	/* As if called: rsp + 8 is 16-byte aligned. */
	return tess_thread_start_at(tid, (uint64_t)thread_start,
				    ((uint64_t)stack_top & ~15ul) - 8,
				    (uint64_t)entry, (uint64_t)arg, 0);
}

static void init_create(struct thread_create *tc, cptr_t thread, uint32_t pager)
{
	struct task_ids me;
	memset(tc, 0, sizeof(*tc));
	tess_getid(&me);
	tc->thread = thread;
	tc->space = CPTR_NONE;
	tc->cspace = CPTR_NONE;
	tc->untyped = CPTR_NONE;
	tc->dest = CPTR_NONE;
	tc->pager = pager;
	tc->cid = TID_CID(me.tid);
	tc->prio = PRIO_INHERIT;
}

long tess_thread_spawn_in(struct tess_alloc *a, uint32_t in_tid,
			  tess_entry_fn entry, void *arg, void *stack_top,
			  uint32_t pager, struct tess_thread *t)
{
	struct thread_create tc;
	struct task_ids ids;
	long r;

	memset(t, 0, sizeof(*t));
	r = tess_new(a, CAP_THREAD, 0, &t->thread_cap);
	if (r)
		return r;
	init_create(&tc, t->thread_cap, pager);
	memset(&ids, 0, sizeof(ids));
	ids.tid = in_tid;
	r = tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc);
	if (!r) {
		t->tid = ids.tid;
		r = start(t->tid, entry, arg, stack_top);
	}
	if (r)
		tess_thread_free(a, t);
	return r;
}

long tess_thread_spawn(struct tess_alloc *a, tess_entry_fn entry, void *arg,
		       void *stack_top, uint32_t pager, struct tess_thread *t)
{
	struct task_ids me;
	tess_getid(&me);
	return tess_thread_spawn_in(a, me.tid, entry, arg, stack_top, pager, t);
}

long tess_thread_spawn_copy(struct tess_alloc *a, tess_entry_fn entry,
			    void *arg, void *stack_top, uint32_t pager,
			    unsigned untyped_bits, struct tess_thread *t)
{
	struct thread_create tc;
	struct task_ids ids;
	long r;

	memset(t, 0, sizeof(*t));
	if ((r = tess_new(a, CAP_THREAD, 0, &t->thread_cap)) ||
	    (r = tess_new(a, CAP_SPACE, 0, &t->space_cap)) ||
	    (r = tess_new(a, CAP_CSPACE, COPY_CSPACE_BITS, &t->copy_cspace)) ||
	    (r = tess_new(a, CAP_UNTYPED, untyped_bits, &t->copy_untyped)))
		goto fail;
	init_create(&tc, t->thread_cap, pager);
	tc.space = t->space_cap;
	tc.cspace = BOOT_SLOT_CSPACE; /* share the caller's root CSpace */
	tc.untyped = t->copy_untyped;
	tc.dest = t->copy_cspace << CPTR_DIGIT_BITS;
	tess_getid(&ids);
	r = tess_thread_control(THREAD_CREATE | TC_COPY_SPACE, &ids, &tc);
	if (r)
		goto fail;
	t->tid = ids.tid;
	r = start(t->tid, entry, arg, stack_top);
	if (!r)
		return 0;
fail:
	tess_thread_free(a, t);
	return r;
}

void tess_thread_free(struct tess_alloc *a, struct tess_thread *t)
{
	if (t->tid) {
		struct task_ids ids;
		memset(&ids, 0, sizeof(ids));
		ids.tid = t->tid;
		tess_thread_control(THREAD_DESTROY, &ids, NULL);
	}
	if (t->thread_cap)
		tess_delete(a, t->thread_cap);
	if (t->space_cap)
		tess_delete(a, t->space_cap);
	if (t->copy_untyped) {
		tess_cap_revoke(t->copy_untyped);
		tess_delete(a, t->copy_untyped);
	}
	if (t->copy_cspace)
		tess_delete(a, t->copy_cspace);
	memset(t, 0, sizeof(*t));
}
