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
	SYS_null = 0,		    /* () */
	SYS_console_write = 1,	    /* (console cap, ptr, len) */
	SYS_exit = 2,		    /* (status) */
	SYS_ipc = 3,		    /* (to, from, flags) + message registers */
	SYS_thread_switch = 4,	    /* (tid or TID_NIL) */
	SYS_thread_control = 5,	    /* (action|flags, ids*, create*) */
	SYS_exchange_registers = 6, /* (exregs*, tid) */
	SYS_getid = 7,		    /* (ids*) */
	SYS_capability_control = 8, /* (req, flags, buf*) */
	SYS_mutex_control = 9,	    /* (addr, op) */
	SYS_time = 10,		    /* (timeval*, clock) */
	SYS_container_control = 11, /* (req, container cap, cid) */
	SYS_retype = 12,	    /* (untyped, type, bits, dest, num) */
	SYS_remaining = 13,	    /* (untyped) */
	SYS_cap_copy = 14,	    /* (src, dst) */
	SYS_cap_mint = 15,	    /* (src, dst, rights, badge) */
	SYS_cap_move = 16,	    /* (src, dst) */
	SYS_cap_delete = 17,	    /* (slot) */
	SYS_cap_revoke = 18,	    /* (slot) */
	SYS_cap_info = 19,	    /* (slot, cap_info*) */
	SYS_map = 20,	/* (cap, space cap or SPACE_SELF, vaddr, rights) */
	SYS_unmap = 21, /* (cap) */
	SYS_console_putc = 22,	  /* (console cap, ch) */
	SYS_window_putc = 23,	  /* (window cap, ch) */
	SYS_window_cls = 24,	  /* (window cap) */
	SYS_window_set_attr = 25, /* (window cap, attr) */
	SYS_timer_ticks = 26,	  /* (timer cap) */
	SYS_alloc_buffer = 27,	  /* (untyped, addr) */
	SYS_print_buffer = 28,	  /* (window cap) */
	SYS_print_string = 29,	  /* (window cap, addr) */
	SYS_debug_dump = 30,	  /* (debug cap, what) */
	SYS_page_copy = 31,	  /* (src page cap, dst page cap) */
	SYS_sleep = 32,		  /* (deadline) */
	SYS_input_read = 33,	  /* (input cap, buf*, len, flags) */
	SYS_input_info = 34,	  /* (input cap, input_info*) */
	SYS_debug_coverage = 35,  /* (debug cap, op, buf, size) */
	SYS_COUNT
};

/* User addresses are [0, USER_ADDR_TOP).  The page below the canonical
 * hole is never mappable. */
#define USER_ADDR_TOP 0x00007ffffffff000ull

/* map(): the space argument meaning "the caller's own space". */
#define SPACE_SELF ((unsigned long)-1)

/* debug_dump(): what to print. */
#define DUMP_CSPACE 1	/* the caller's root CSpace, slot by slot */
#define DUMP_CDT 2	/* the derivation tree below each of those caps */
#define DUMP_CAPLISTS 4 /* the caller's capability lists */
#define DUMP_THREADS 8	/* every thread: id, state, priority, space */
/* every capability in the system, machine-readable (tools/captree.py) */
#define DUMP_CAPTREE 16
/* the kernel's counters, written to the struct tess_counters at rdx */
#define DUMP_COUNTERS 32

/* debug_dump DUMP_COUNTERS: what the kernel has counted since boot. */
struct tess_counters {
	unsigned long ticks;	    /* timer ticks */
	unsigned long idle_ticks;   /* of those, ticks the idle thread ran */
	unsigned long idle_entries; /* times nothing was runnable: the
				       scheduler chose the idle thread */
	/* Events that instruction counts do not show, counted only by the
	 * bench kernel (`make bench`); 0 in every other kernel. */
	unsigned long events;		/* 1: this kernel counts the events */
	unsigned long cr3_writes;	/* page-table root loads */
	unsigned long tlb_flushes;	/* whole-space TLB flushes */
	unsigned long tlb_page_flushes; /* one-page TLB flushes */
	unsigned long fpu_saves;	/* FPU/SSE state saved (fxsave) */
	unsigned long fpu_restores;	/* FPU/SSE state loaded (fxrstor) */
	unsigned long fpu_traps;	/* #NM: a thread's first FPU use */
};

/* debug_coverage() operations (kernels built with coverage: kfuzz). */
#define COVERAGE_EDGES 0 /* the number of distinct edges seen so far */
#define COVERAGE_READ 1	 /* copy the edge map (a byte per edge) to buf */
#define COVERAGE_RESET 2 /* forget every edge seen */
/* the kernel's state is no longer checked after the calls of the caller's
 * container (on: buf 1; off: buf 0), only after the others' */
#define COVERAGE_TRUST 3
#define COVERAGE_CHECK 4 /* check the kernel's whole state now */

/* container_control() requests. */
#define CONTAINER_CONFIGURE 1 /* give the container object its id */

/* mutex_control() operations. */
#define MUTEX_LOCK 1
#define MUTEX_UNLOCK 2

struct tess_timeval {
	long tv_sec;
	long tv_usec;
};

/* time(): the clocks.  TIME_MONOTONIC counts from boot and is the clock
 * of every deadline; TIME_REALTIME counts from 1970-01-01 00:00 UTC (the
 * CMOS clock at boot). */
#define TIME_MONOTONIC 0
#define TIME_REALTIME 1

/* Deadlines (sleep, ipc with IPC_TIMEOUT) are absolute, in microseconds
 * on the monotonic clock: tv_sec * 1000000 + tv_usec of time().  A
 * deadline at or before now has passed already; this one never comes. */
#define DEADLINE_NEVER 0xFFFFFFFFFFFFFFFFull

/* input_read() flags. */
#define INPUT_NONBLOCK 1u /* E_WOULDBLOCK rather than wait for input */

/* What input_info() reports: bytes since boot, and the buffer now. */
struct input_info {
	uint64_t received; /* bytes that arrived (kept or dropped) */
	uint64_t dropped;  /* bytes dropped because the buffer was full */
	uint32_t buffered; /* bytes waiting to be read */
	uint32_t size;	   /* the buffer's size */
};

#endif
