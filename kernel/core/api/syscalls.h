/*
 * The system calls, by family: one file each in kernel/core/api/, the
 * objects they work on in kernel/core.  The dispatch table (syscall.c)
 * calls these.
 *
 * Every call is a decode and an invoke.  The decode reads the arguments,
 * copies and checks user memory (usercopy.h), looks up capabilities and
 * checks rights and state, in the order docs/ABI.md lists the errors, and
 * fills the call's argument structure; it changes nothing.  The invoke
 * makes the change and cannot fail, except by preemption (-E_RESTART: the
 * preemptible calls, preempt.c) or by what a wait comes to (a blocking
 * call's -E_ABORTED, -E_TIMEOUT; ipc's transfer errors, which the partner
 * decides).  A preemptible call takes `again` (preempt.c).
 */
#ifndef CORE_API_SYSCALLS_H
#define CORE_API_SYSCALLS_H

#include "core/kernel.h"

/* thread.c */
long sys_exit(const u64 *a);
long sys_thread_switch(const u64 *a);
long sys_thread_control(const u64 *a);
long sys_getid(const u64 *a);

/* exregs.c */
long sys_exchange_registers(const u64 *a);

/* ipc: kernel/core/ipc.c (ipc.h), beside its fast path and the engine */

/* cap.c */
long sys_capability_control(const u64 *a, bool again);

/* memory.c */
long sys_retype(const u64 *a, bool again);
long sys_remaining(const u64 *a);
long sys_cap_copy(const u64 *a);
long sys_cap_mint(const u64 *a);
long sys_cap_move(const u64 *a);
long sys_cap_delete(const u64 *a, bool again);
long sys_cap_revoke(const u64 *a, bool again);
long sys_cap_info(const u64 *a);
long sys_map(const u64 *a);
long sys_unmap(const u64 *a);
long sys_page_copy(const u64 *a);

/* devices.c */
long sys_console_write(const u64 *a);
long sys_console_putc(const u64 *a);
long sys_window_putc(const u64 *a);
long sys_window_cls(const u64 *a);
long sys_window_set_attr(const u64 *a);
long sys_timer_ticks(const u64 *a);
long sys_alloc_buffer(const u64 *a);
long sys_print_buffer(const u64 *a);
long sys_print_string(const u64 *a);
long sys_input_read(const u64 *a);
long sys_input_info(const u64 *a);

/* time.c */
long sys_time(const u64 *a);
long sys_sleep(const u64 *a);

/* mutex.c */
long sys_mutex_control(const u64 *a);

/* container.c */
long sys_container_control(const u64 *a);

/* debug.c */
long sys_debug_dump(const u64 *a);
long sys_debug_coverage(const u64 *a);

#endif
