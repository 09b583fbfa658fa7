/*
 * System call dispatch: the table from number to handler.
 *
 * A handler takes the six argument registers and returns the value for rax
 * (>= 0, or -E_*).  ipc works on the trapframe itself (message registers).
 * A handler whose thread blocks with a user-mode continuation never
 * returns here; one preempted in a long operation returns -E_RESTART and
 * the call is made again from the start.  Numbers outside the table are
 * faults for the thread's pager (fault.c).
 */
#include "kernel.h"
#include "syscall.h"
#include "capctrl.h"
#include "container.h"
#include "coverage.h"
#include "cspace.h"
#include "devices.h"
#include "fault.h"
#include "input.h"
#include "invariants.h"
#include "ipc.h"
#include "mutex.h"
#include "space.h"
#include "sys_memory.h"
#include "tctrl.h"
#include "thread.h"
#include "time.h"
#include "arch/hooks.h"
#include "arch/x86_64/regs.h"
#include "tessera/syscall.h"

static long sys_null(const u64 *a)
{
	(void)a;
	return 0;
}

static long sys_exit(const u64 *a)
{
	thread_exit(arch_current(), (int)a[0]);
	return 0; /* not reached */
}

static long sys_getid(const u64 *a)
{
	struct thread *cur = arch_current();
	struct task_ids ids = {cur->tid, cur->space ? cur->space->spid : 0,
			       cur->tgid, 0};
	if (arch_copy_to_user(cur->space, a[0], &ids, sizeof(ids), NULL))
		return -E_FAULT;
	return 0;
}

/* thread_switch(tid): yield; or, naming a runnable thread, run it next. */
static long sys_thread_switch(const u64 *a)
{
	u32 tid = (u32)a[0];
	if (a[0] >> 32)
		return -E_NOTHREAD;
	if (tid != TID_NIL) {
		struct thread *t = thread_lookup(tid);
		if (!t)
			return -E_NOTHREAD;
		if (t != arch_current() && t->state == TS_RUNNABLE &&
		    sched_queued(t) && t->prio >= arch_current()->prio) {
			arch_current()->timeslice = 0;
			sched_run_next(t);
			return 0;
		}
	}
	sched_yield();
	return 0;
}

static long sys_container_control(const u64 *a)
{
	struct cap *c;
	int r;
	if (a[0] != CONTAINER_CONFIGURE)
		return -E_INVAL;
	r = cap_lookup_type(a[1], CAP_CONTAINER, &c);
	if (r)
		return r;
	return container_configure((struct container *)c->obj, (u32)a[2]);
}

typedef long (*syscall_fn)(const u64 *args);

static const syscall_fn syscall_table[SYS_COUNT] = {
    [SYS_null] = sys_null,
    [SYS_console_write] = sys_console_write,
    [SYS_exit] = sys_exit,
    [SYS_thread_switch] = sys_thread_switch,
    [SYS_thread_control] = sys_thread_control,
    [SYS_exchange_registers] = sys_exchange_registers,
    [SYS_getid] = sys_getid,
    [SYS_capability_control] = sys_capability_control,
    [SYS_mutex_control] = sys_mutex_control,
    [SYS_time] = sys_time,
    [SYS_container_control] = sys_container_control,
    [SYS_retype] = sys_retype,
    [SYS_remaining] = sys_remaining,
    [SYS_cap_copy] = sys_cap_copy,
    [SYS_cap_mint] = sys_cap_mint,
    [SYS_cap_move] = sys_cap_move,
    [SYS_cap_delete] = sys_cap_delete,
    [SYS_cap_revoke] = sys_cap_revoke,
    [SYS_cap_info] = sys_cap_info,
    [SYS_map] = sys_map,
    [SYS_unmap] = sys_unmap,
    [SYS_console_putc] = sys_console_putc,
    [SYS_window_putc] = sys_window_putc,
    [SYS_window_cls] = sys_window_cls,
    [SYS_window_set_attr] = sys_window_set_attr,
    [SYS_timer_ticks] = sys_timer_ticks,
    [SYS_alloc_buffer] = sys_alloc_buffer,
    [SYS_print_buffer] = sys_print_buffer,
    [SYS_print_string] = sys_print_string,
    [SYS_debug_dump] = sys_debug_dump,
    [SYS_page_copy] = sys_page_copy,
    [SYS_sleep] = sys_sleep,
    [SYS_input_read] = sys_input_read,
    [SYS_input_info] = sys_input_info,
    [SYS_debug_coverage] = sys_debug_coverage,
};

void syscall_dispatch(struct trapframe *tf)
{
	struct thread *cur = arch_current();
	u64 nr = tf->rax - TESS_SYS_BASE;
	long r;

	coverage_call_begin(cur, nr);
	if (likely(nr == SYS_ipc)) {
		ipc_fastpath(tf, cur);
		r = sys_ipc(tf);
	} else if (likely(nr < SYS_COUNT)) {
		r = syscall_table[nr](tf_args(tf));
	} else {
		fault_unknown_syscall(cur);
		goto out;
	}
	if (unlikely(r == -E_RESTART)) {
		tf->rip -= 2; /* the syscall instruction, again */
		need_resched = true;
	} else {
		tf->rax = (u64)r;
		coverage_call_end(cur, tf->rax);
	}
out:
#ifdef TESS_CHECK
	invariants_check();
#endif
	if (cur->state != TS_RUNNABLE)
		schedule(); /* it stopped itself, or was stopped */
	sched_check_preempt();
}
