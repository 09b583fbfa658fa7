/*
 * System call numbers and register conventions.
 *
 * A system call is the `syscall` instruction with the number in rax and the
 * arguments in rdi, rsi, rdx, r10, r8, r9 (the Linux order, so that C stubs
 * are short).  The result comes back in rax: >= 0 on success, -E_* on error.
 * rcx and r11 are clobbered by the instruction itself; every other register
 * is preserved unless a call documents it as an output (ipc returns message
 * registers).
 *
 * Tessera's numbers start at TESS_SYS_BASE.  A number outside
 * [TESS_SYS_BASE, TESS_SYS_BASE + SYS_COUNT) is not an error: it is an
 * "unknown system call" fault, sent to the thread's pager as an IPC (see
 * docs/ABI.md), which is how a user-level server can emulate another
 * kernel's system calls.  Linux numbers (0..~450) are therefore never ours.
 */
#ifndef TESSERA_SYSCALL_H
#define TESSERA_SYSCALL_H

#define TESS_SYS_BASE 0x1000

enum tess_syscall {
	SYS_null = 0,           /* does nothing; the benchmark's null call */
	SYS_debug_putstr = 1,   /* (ptr, len) write bytes to the debug console */
	SYS_exit = 2,           /* (status) stop the calling thread */
	SYS_COUNT
};

#endif
