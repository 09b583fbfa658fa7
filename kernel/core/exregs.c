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
#include "arch/hooks.h"
#include "arch/x86_64/regs.h"
#include "tessera/thread.h"

static void read_regs(struct thread *t, struct exregs *x)
{
	struct trapframe *tf = arch_thread_tf(t);
	x->rax = tf->rax;
	x->rbx = tf->rbx;
	x->rcx = tf->rcx;
	x->rdx = tf->rdx;
	x->rsi = tf->rsi;
	x->rdi = tf->rdi;
	x->rbp = tf->rbp;
	x->rsp = tf->rsp;
	x->r8 = tf->r8;
	x->r9 = tf->r9;
	x->r10 = tf->r10;
	x->r11 = tf->r11;
	x->r12 = tf->r12;
	x->r13 = tf->r13;
	x->r14 = tf->r14;
	x->r15 = tf->r15;
	x->rip = tf->rip;
	x->rflags = tf->rflags;
	x->fs_base = t->arch.fs_base;
	x->gs_base = t->arch.gs_base;
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

	if (arch_copy_from_user(cur->space, &x, ptr, sizeof(x), NULL) ||
	    arch_copy_to_user(cur->space, ptr, &x, sizeof(x), NULL))
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
	if (x.valid & EXREGS_SET_PC && x.rip >= USER_CANONICAL_END)
		return -E_RANGE;
	if (x.valid & EXREGS_SET_REGS && (x.fs_base >= USER_CANONICAL_END ||
					  x.gs_base >= USER_CANONICAL_END))
		return -E_RANGE;
	if (x.valid & EXREGS_SET_PAGER && x.pager != TID_NIL &&
	    !thread_lookup(x.pager))
		return -E_NOTHREAD;
	if (x.valid & EXREGS_SET_UTCB) {
		err = utcb_check(x.utcb);
		if (err)
			return err;
	}
	if (x.valid & EXREGS_SET_FPU) {
		if (arch_copy_from_user(cur->space, fpu_new, x.fpu,
					sizeof(fpu_new), NULL))
			return -E_FAULT;
		err = arch_fpu_check(fpu_new);
		if (err)
			return err;
	}
	if (x.flags & EXREGS_READ_FPU) {
		/* Probe the image's room before anything changes. */
		arch_fpu_read(t, fpu_old);
		if (arch_copy_to_user(cur->space, x.fpu, fpu_old,
				      sizeof(fpu_old), NULL))
			return -E_FAULT;
	}

	read_regs(t, &old);
	struct trapframe *tf = arch_thread_tf(t);
	if (x.valid & EXREGS_SET_REGS) {
		tf->rax = x.rax;
		tf->rbx = x.rbx;
		tf->rcx = x.rcx;
		tf->rdx = x.rdx;
		tf->rsi = x.rsi;
		tf->rdi = x.rdi;
		tf->rbp = x.rbp;
		tf->r8 = x.r8;
		tf->r9 = x.r9;
		tf->r10 = x.r10;
		tf->r11 = x.r11;
		tf->r12 = x.r12;
		tf->r13 = x.r13;
		tf->r14 = x.r14;
		tf->r15 = x.r15;
		tf->rflags = arch_user_rflags(x.rflags);
		arch_set_tls(t, x.fs_base, x.gs_base);
	}
	if (x.valid & EXREGS_SET_SP)
		tf->rsp = x.rsp;
	if (x.valid & EXREGS_SET_PC) {
		tf->rip = x.rip;
		t->restart_nr = 0; /* not at the preempted call any more */
	}
	if (x.valid & (EXREGS_SET_REGS | EXREGS_SET_SP | EXREGS_SET_PC))
		tf->vector =
		    VEC_RESUME; /* return with iretq: any rip, rflags */
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
		arch_copy_to_user(cur->space, ptr, &old, sizeof(old), NULL);
	}
	return 0;
}
