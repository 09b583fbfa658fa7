/*
 * exchange_registers: read and write another thread's registers, pager
 * and UTCB address.  Each group written needs its own right on an
 * exchange-registers scope capability covering the target; writes are
 * allowed only to a thread that is not running, to one the caller pages,
 * or to the caller itself.  Reading returns the values from before the
 * writes.  The FPU/SSE state travels as a 512-byte FXSAVE image at a
 * separate user address (x.fpu); a call that both writes and reads it
 * swaps: the new image is taken before the old one is written there.
 * The register file itself is the architecture's (arch_regs_*).
 */
#include "syscalls.h"
#include "core/preempt.h"
#include "core/scope.h"
#include "core/thread.h"
#include "core/usercopy.h"
#include "arch/hooks.h"
#include "tessera/thread.h"

struct exregs_args {
	vaddr_t ptr;
	struct thread *t;
	struct exregs x;
	u8 fpu_new[EXREGS_FPU_SIZE];
};

/* The rights the groups written (and the FPU read) need. */
static u32 exregs_rights(const struct exregs *x)
{
	u32 need = 0;
	if (x->valid & (EXREGS_SET_REGS | EXREGS_SET_FPU) ||
	    x->flags & EXREGS_READ_FPU)
		need |= CAP_EXREGS_RW_REGS;
	if (x->valid & EXREGS_SET_SP)
		need |= CAP_EXREGS_RW_SP;
	if (x->valid & EXREGS_SET_PC)
		need |= CAP_EXREGS_RW_PC;
	if (x->valid & EXREGS_SET_PAGER)
		need |= CAP_EXREGS_RW_PAGER;
	if (x->valid & EXREGS_SET_UTCB)
		need |= CAP_EXREGS_RW_UTCB;
	return need;
}

static int decode_exregs(const u64 *a, struct exregs_args *e)
{
	struct thread *cur = arch_current();
	const struct exregs *x = &e->x;
	int err;

	e->ptr = a[0];
	if (user_read_rw(cur->space, &e->x, e->ptr, sizeof(e->x)))
		return -E_FAULT;
	e->t = a[1] >> 32 ? NULL : thread_lookup((u32)a[1]);
	if (!e->t)
		return -E_NOTHREAD;
	if (x->valid & ~EXREGS_VALID_MASK || x->flags & ~EXREGS_FLAGS_MASK)
		return -E_INVAL;
	if (!scope_authorized(cur, CAP_EXREGS, e->t, exregs_rights(x)))
		return -E_NOCAP;
	if (x->valid && e->t != cur && e->t->state == TS_RUNNABLE &&
	    e->t->pager != cur->tid)
		return -E_ACTIVE;
	err = arch_regs_check(x);
	if (err)
		return err;
	if (x->valid & EXREGS_SET_PAGER && x->pager != TID_NIL &&
	    !thread_lookup(x->pager))
		return -E_NOTHREAD;
	if (x->valid & EXREGS_SET_UTCB) {
		err = thread_utcb_check(x->utcb);
		if (err)
			return err;
	}
	if (x->valid & EXREGS_SET_FPU) {
		if (user_read(cur->space, e->fpu_new, x->fpu,
			      sizeof(e->fpu_new)))
			return -E_FAULT;
		err = arch_fpu_check(e->fpu_new);
		if (err)
			return err;
	}
	if (x->flags & EXREGS_READ_FPU &&
	    user_check(cur->space, x->fpu, EXREGS_FPU_SIZE, true))
		return -E_FAULT;
	return 0;
}

/* Everything the call can read: registers, pager, UTCB, state. */
static void read_regs(struct thread *t, struct exregs *x)
{
	arch_regs_read(t, x);
	x->utcb = t->utcb;
	x->pager = t->pager;
	x->state = t->state;
}

static long invoke_exregs(const struct exregs_args *e)
{
	struct thread *cur = arch_current(), *t = e->t;
	const struct exregs *x = &e->x;
	struct exregs old;

	if (x->flags & EXREGS_READ_FPU) {
		u8 fpu_old[EXREGS_FPU_SIZE];
		arch_fpu_read(t, fpu_old);
		user_write(cur->space, x->fpu, fpu_old, sizeof(fpu_old));
	}
	read_regs(t, &old);
	arch_regs_write(t, x);
	if (x->valid & EXREGS_SET_PC)
		preempt_forget(t); /* not at the preempted call any more */
	if (x->valid & EXREGS_SET_PAGER) {
		thread_set_pager(t, x->pager);
		scope_authority_changed(); /* t sees another pager's shared
					      list now */
	}
	if (x->valid & EXREGS_SET_UTCB)
		t->utcb = x->utcb;
	if (x->valid & EXREGS_SET_FPU)
		arch_fpu_write(t, e->fpu_new);
	if (x->flags & EXREGS_READ) {
		old.valid = x->valid;
		old.flags = x->flags;
		user_write(cur->space, e->ptr, &old, sizeof(old));
	}
	return 0;
}

long sys_exchange_registers(const u64 *a)
{
	struct exregs_args e;
	int r = decode_exregs(a, &e);
	return r ? r : invoke_exregs(&e);
}
