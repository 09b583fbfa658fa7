/*
 * Thread ids, thread_control, exchange_registers, getid.
 *
 * A thread id is 32 bits: the container id in bits 24..31, the raw id
 * below.  Container id 0xFF is reserved for the two special ids.  Threads
 * in another container are named by their full id; what may be done to
 * them is decided by capabilities alone.
 */
#ifndef TESSERA_THREAD_H
#define TESSERA_THREAD_H

#include <stdint.h>
#include "caps.h"

#define TID_NIL 0xFFFFFFFFu
#define TID_ANY 0xFFFFFFFEu
#define TID_CID_SHIFT 24
#define TID_RAW_MASK 0x00FFFFFFu
#define TID_CID(tid) ((uint32_t)(tid) >> TID_CID_SHIFT)
#define TID_RAW(tid) ((uint32_t)(tid)&TID_RAW_MASK)
#define TID_MAKE(cid, raw)                                                     \
	(((uint32_t)(cid) << TID_CID_SHIFT) | ((raw)&TID_RAW_MASK))
#define CID_MAX 254

struct task_ids {
	uint32_t tid;  /* thread id (with container id) */
	uint32_t spid; /* space id */
	uint32_t
	    tgid; /* thread group id: the tid of the group's first thread */
	int32_t status; /* THREAD_WAIT: the exit status */
};

/* thread_control actions (top nibble) and CREATE flags (low bits). */
#define THREAD_CREATE 0x00000000u
#define THREAD_RUN 0x10000000u
#define THREAD_SUSPEND 0x20000000u
#define THREAD_DESTROY 0x30000000u
#define THREAD_RECYCLE 0x40000000u
#define THREAD_WAIT 0x50000000u
#define THREAD_ACTION_MASK 0xF0000000u

#define TC_SHARE_UTCB (1u << 0)	 /* use the reference thread's UTCB address */
#define TC_SHARE_GROUP (1u << 1) /* join thread group ids->tgid */
#define TC_SHARE_SPACE (1u << 2) /* run in the space of thread ids->tid */
#define TC_COPY_SPACE (1u << 3)	 /* new space, a copy of ids->tid's space */
#define TC_NEW_SPACE (1u << 4)	 /* new, empty space */
#define TC_FLAGS_MASK 0x1fu

/* The objects and settings for THREAD_CREATE. */
struct thread_create {
	cptr_t thread; /* an unused Thread object */
	cptr_t space;  /* NEW/COPY_SPACE: an unused Space object */
	cptr_t
	    cspace; /* NEW/COPY_SPACE: root CSpace of the space, or CPTR_NONE */
	cptr_t untyped; /* COPY_SPACE: memory for the copied tables and pages */
	cptr_t dest;   /* COPY_SPACE: first of the empty slots for their caps */
	uint64_t utcb; /* UTCB address, or 0 */
	uint32_t pager;	 /* the pager's tid; TID_NIL: the caller */
	uint32_t cid;	 /* the container to create the thread in */
	uint32_t prio;	 /* 0..255; PRIO_INHERIT: the caller's */
	uint32_t copied; /* out (COPY_SPACE): capabilities made at dest.. */
};
#define PRIO_INHERIT 0xFFFFFFFFu

/* exchange_registers: the register file and the settings it can change. */
struct exregs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags, fs_base, gs_base;
	uint64_t utcb;
	uint32_t pager;
	uint32_t valid; /* EXREGS_SET_*: which fields to write */
	uint32_t flags; /* EXREGS_READ: first return the current values */
	uint32_t state; /* out: the thread's state (THREAD_STATE_*) */
	uint64_t fpu;	/* EXREGS_SET_FPU / EXREGS_READ_FPU: the user address
			   of a 512-byte FXSAVE image (x87, MMX, SSE, MXCSR) */
};

#define EXREGS_SET_REGS (1u << 0) /* general registers, rflags, fs/gs base */
#define EXREGS_SET_SP (1u << 1)
#define EXREGS_SET_PC (1u << 2)
#define EXREGS_SET_PAGER (1u << 3)
#define EXREGS_SET_UTCB (1u << 4)
#define EXREGS_SET_FPU (1u << 5) /* FPU/SSE state from the image at fpu */
#define EXREGS_VALID_MASK 0x3fu
#define EXREGS_READ (1u << 0)
#define EXREGS_READ_FPU                                                        \
	(1u << 1) /* the FPU/SSE state into the image at fpu                   \
		   */
#define EXREGS_FLAGS_MASK 0x3u
#define EXREGS_FPU_SIZE 512

#define THREAD_STATE_INACTIVE 0
#define THREAD_STATE_RUNNABLE 1
#define THREAD_STATE_BLOCKED 2
#define THREAD_STATE_DEAD 3

#endif
