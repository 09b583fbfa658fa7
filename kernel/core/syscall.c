/*
 * System call dispatch: the table from number to handler.
 *
 * Each handler takes the six argument registers and returns the value for
 * rax (>= 0, or -E_*).  A handler that blocks or switches threads arranges
 * its own return value in the trapframe (see ipc.c) and does not return
 * through here with a stale one.  Unknown numbers become faults for the
 * thread's pager.
 */
#include "kernel.h"
#include "syscall.h"
#include "thread.h"
#include "space.h"
#include "arch/hooks.h"
#include "arch/x86_64/regs.h"
#include "tessera/syscall.h"

static long sys_null(const u64 *a)
{
	(void)a;
	return 0;
}

#define DEBUG_PUTSTR_MAX 4096

/* debug_putstr(ptr, len): the whole range must be readable, or nothing
 * is printed. */
static long sys_debug_putstr(const u64 *a)
{
	struct thread *cur = arch_current();
	vaddr_t ptr = a[0];
	u64 len = a[1];
	char buf[128];

	if (len > DEBUG_PUTSTR_MAX)
		return -E_TOOBIG;
	/* Check every page first so that a bad tail prints nothing. */
	for (u64 off = 0; off < len; off += sizeof(buf)) {
		u64 n = MIN(sizeof(buf), len - off);
		if (arch_copy_from_user(cur->space, buf, ptr + off, n, NULL))
			return -E_FAULT;
	}
	for (u64 off = 0; off < len; off += sizeof(buf)) {
		u64 n = MIN(sizeof(buf), len - off);
		arch_copy_from_user(cur->space, buf, ptr + off, n, NULL);
		for (u64 i = 0; i < n; i++)
			arch_console_putc(buf[i]);
	}
	return (long)len;
}

static long sys_exit(const u64 *a)
{
	thread_exit(arch_current(), (int)a[0]);
	return 0; /* not reached */
}

typedef long (*syscall_fn)(const u64 *args);

static const syscall_fn syscall_table[SYS_COUNT] = {
	[SYS_null] = sys_null,
	[SYS_debug_putstr] = sys_debug_putstr,
	[SYS_exit] = sys_exit,
};

void syscall_dispatch(struct trapframe *tf)
{
	u64 nr = tf->rax - TESS_SYS_BASE;
	u64 args[6] = { tf->rdi, tf->rsi, tf->rdx, tf->mr[2], tf->mr[0], tf->mr[1] };

	if (likely(nr < SYS_COUNT && syscall_table[nr])) {
		tf->rax = (u64)syscall_table[nr](args);
	} else {
		struct thread *cur = arch_current();
		kprintf("fault: thread %x (%s): unknown system call %lx at rip %lx: "
			"thread stopped\n", cur->tid, cur->name, tf->rax, tf->rip);
		thread_exit(cur, -1);
	}
	sched_check_preempt();
}
