/*
 * exchange_registers: read and write another thread's registers, pager and
 * UTCB address.  Each group written needs its own right on an
 * exchange-registers scope capability covering the target; writes are
 * allowed only to a thread that is not running, to one the caller pages,
 * or to the caller itself.  Reading returns the values from before the
 * writes.  The FPU/SSE state travels as a 512-byte FXSAVE image at a
 * separate user address (x.fpu); a call that both writes and reads it
 * swaps: the new image is taken before the old one is written there.
 */
#include "tctrl.h"
#include "capctrl.h"
#include "cspace.h"
#include "ipc.h"
#include "thread.h"
#include "space.h"
#include "usercopy.h"
#include "arch/hooks.h"
#include "tessera/thread.h"

/* Everything the call can read: registers, pager, UTCB, state. */
static void read_regs(struct thread *t, struct exregs *x)
{
	arch_regs_read(t, x);
	x->utcb = t->utcb;
	x->pager = t->pager;
	x->state = t->state;
}

long sys_exchange_registers(const u64 *a)
{
	struct thread *cur = arch_current(), *t;
	vaddr_t ptr = a[0];
	struct exregs x, old;
	u8 fpu_new[EXREGS_FPU_SIZE], fpu_old[EXREGS_FPU_SIZE];
	u32 need = 0;
	int err;

	if (user_read_rw(cur->space, &x, ptr, sizeof(x)))
		return -E_FAULT;
	t = a[1] >> 32 ? NULL : thread_lookup((u32)a[1]);
	if (!t)
		return -E_NOTHREAD;
	if (x.valid & ~EXREGS_VALID_MASK || x.flags & ~EXREGS_FLAGS_MASK)
		return -E_INVAL;
	if (x.valid & (EXREGS_SET_REGS | EXREGS_SET_FPU) ||
	    x.flags & EXREGS_READ_FPU)
		need |= CAP_EXREGS_RW_REGS;
	if (x.valid & EXREGS_SET_SP)
		need |= CAP_EXREGS_RW_SP;
	if (x.valid & EXREGS_SET_PC)
		need |= CAP_EXREGS_RW_PC;
	if (x.valid & EXREGS_SET_PAGER)
		need |= CAP_EXREGS_RW_PAGER;
	if (x.valid & EXREGS_SET_UTCB)
		need |= CAP_EXREGS_RW_UTCB;
	if (!scope_authorized(cur, CAP_EXREGS, t, need))
		return -E_NOCAP;
	if (x.valid && t != cur && t->state == TS_RUNNABLE &&
	    t->pager != cur->tid)
		return -E_ACTIVE;

	/* Check every value before writing any. */
	err = arch_regs_check(&x);
	if (err)
		return err;
	if (x.valid & EXREGS_SET_PAGER && x.pager != TID_NIL &&
	    !thread_lookup(x.pager))
		return -E_NOTHREAD;
	if (x.valid & EXREGS_SET_UTCB) {
		err = utcb_check(x.utcb);
		if (err)
			return err;
	}
	if (x.valid & EXREGS_SET_FPU) {
		if (user_read(cur->space, fpu_new, x.fpu, sizeof(fpu_new)))
			return -E_FAULT;
		err = arch_fpu_check(fpu_new);
		if (err)
			return err;
	}
	if (x.flags & EXREGS_READ_FPU) {
		/* Probe the image's room before anything changes. */
		arch_fpu_read(t, fpu_old);
		if (user_write(cur->space, x.fpu, fpu_old, sizeof(fpu_old)))
			return -E_FAULT;
	}

	read_regs(t, &old);
	arch_regs_write(t, &x);
	if (x.valid & EXREGS_SET_PC)
		t->restart_nr = 0; /* not at the preempted call any more */
	if (x.valid & EXREGS_SET_PAGER) {
		t->pager = x.pager;
		cap_epoch++; /* t sees another pager's shared list now */
	}
	if (x.valid & EXREGS_SET_UTCB)
		t->utcb = x.utcb;
	if (x.valid & EXREGS_SET_FPU)
		arch_fpu_write(t, fpu_new);
	if (x.flags & EXREGS_READ) {
		old.valid = x.valid;
		old.flags = x.flags;
		user_write(cur->space, ptr, &old, sizeof(old));
	}
	return 0;
}
