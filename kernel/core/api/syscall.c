/*
 * System call dispatch: the table from number to call, and the dispatcher.
 *
 * A reader's path: docs/ABI.md for what each call does; this table for
 * where it lives (the family files beside this one: thread.c, cap.c,
 * memory.c, devices.c, time.c, mutex.c, container.c, debug.c; ipc is
 * core/ipc.c's, beside its fast path); there, the call's decode and invoke
 * (syscalls.h says what they promise).
 *
 * A call returns the value for the thread's result register (>= 0, or
 * -E_*).  One whose thread blocks with a user-mode continuation never
 * returns here.  The preemptible calls (PREEMPTIBLE below) run inside the
 * restart protocol (preempt.c): the dispatcher alone finishes a thread's
 * pending work, tells a repeated call it is one, and on -E_RESTART rewinds
 * the thread to make the call again.  Numbers outside the table are faults
 * for the thread's pager (fault.c).  ipc goes first, through its fast path
 * (ipc.c), which hands the call back (syscall_ipc) when it does not
 * apply: the architecture's entry sends it there before anything else
 * (x86_64: entry.S), and every other call to syscall_slow.
 */
#include "syscalls.h"
#include "core/syscall.h"
#include "core/coverage.h"
#include "core/fault.h"
#include "core/invariants.h"
#include "core/ipc.h"
#include "core/preempt.h"
#include "core/thread.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

/* null(): nothing; what a system call costs. */
static long sys_null(const u64 *a)
{
	return 0;
}

#define PREEMPTIBLE(name)                                                      \
	static long preemptible_##name(const u64 *a)                           \
	{                                                                      \
		return preempt_run(SYS_##name, a, sys_##name);                 \
	}
PREEMPTIBLE(retype)
PREEMPTIBLE(cap_delete)
PREEMPTIBLE(cap_revoke)
PREEMPTIBLE(capability_control)

typedef long (*syscall_fn)(const u64 *args);

static const syscall_fn syscall_table[SYS_COUNT] = {
    [SYS_null] = sys_null,
    [SYS_console_write] = sys_console_write,
    [SYS_exit] = sys_exit,
    [SYS_ipc] = sys_ipc,
    [SYS_thread_switch] = sys_thread_switch,
    [SYS_thread_control] = sys_thread_control,
    [SYS_exchange_registers] = sys_exchange_registers,
    [SYS_getid] = sys_getid,
    [SYS_capability_control] = preemptible_capability_control,
    [SYS_mutex_control] = sys_mutex_control,
    [SYS_time] = sys_time,
    [SYS_container_control] = sys_container_control,
    [SYS_retype] = preemptible_retype,
    [SYS_remaining] = sys_remaining,
    [SYS_cap_copy] = sys_cap_copy,
    [SYS_cap_mint] = sys_cap_mint,
    [SYS_cap_move] = sys_cap_move,
    [SYS_cap_delete] = preemptible_cap_delete,
    [SYS_cap_revoke] = preemptible_cap_revoke,
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

long syscall_call(u64 nr, const u64 *args)
{
	return syscall_table[nr](args);
}

/* The running thread's call has returned `r`: its result (or its call
 * made again), the invariants (test builds), and the switch the call may
 * have asked for.  The thread and its frame are found again rather than
 * kept across the call (the thread is the one that made it: a call that
 * blocked returns here only when that thread runs again), which keeps
 * the null call's path free of saved registers. */
static inline __attribute__((always_inline)) void finish(long r)
{
	struct thread *cur = arch_current();
	struct trapframe *tf = arch_thread_tf(cur);
	if (unlikely(r == -E_RESTART)) {
		arch_syscall_rewind(tf); /* the call is made again */
		percpu()->need_resched = true;
	} else {
		arch_set_result(tf, (u64)r);
		coverage_call_end(cur, (u64)r);
	}
#ifdef TESS_CHECK
	invariants_after_call(cur);
#endif
	if (cur->state != TS_RUNNABLE)
		schedule(); /* it stopped itself, or was stopped */
	sched_check_preempt();
}

/* Every call but ipc (entry.S sends ipc to ipc_fastpath): the table; an
 * unknown number goes to the pager. */
void syscall_slow(struct trapframe *tf)
{
	u64 nr = arch_syscall_nr(tf);

	coverage_call_begin(arch_current(), nr);
	if (unlikely(nr >= SYS_COUNT)) {
		struct thread *cur = arch_current();
		fault_unknown_syscall(cur);
#ifdef TESS_CHECK
		invariants_after_call(cur);
#endif
		if (cur->state != TS_RUNNABLE)
			schedule();
		sched_check_preempt();
		return;
	}
	finish(syscall_table[nr](arch_syscall_args(tf)));
}

/* ipc when its fast path does not apply (ipc.c comes here). */
void syscall_ipc(struct trapframe *tf)
{
	coverage_call_begin(arch_current(), SYS_ipc);
	finish(sys_ipc(arch_syscall_args(tf)));
}
