/*
 * IPC: flags, the UTCB, and the fault protocol between the kernel and
 * pagers.
 *
 * ipc(to, from, flags): send to `to` (unless TID_NIL), then receive from
 * `from` (TID_ANY for anyone, TID_NIL for no receive).  Registers:
 *   in:  rdi = to, rsi = from, rdx = flags,
 *        r10, r8, r9, r12, r13, r14 = message registers MR0..MR5,
 *        r15 = the extended buffer (IPC_EXTENDED),
 *        rbx = the deadline (IPC_TIMEOUT; see DEADLINE_NEVER in syscall.h)
 *   out: rax = 0 or -E_*, rsi = the sender's tid (from the kernel),
 *        rdx = what arrived (its type | size << IPC_SIZE_SHIFT),
 *        r10, r8, r9, r12, r13, r14 = the received MR0..MR5.
 * A short message is MR0..MR5; a full message adds utcb->mr[6..63]; an
 * extended message adds up to IPC_EXTENDED_MAX bytes copied from the
 * sender's buffer to the receiver's (each names its buffer in r15 and its
 * size in the flags: bytes to send, or room to receive).
 */
#ifndef TESSERA_IPC_H
#define TESSERA_IPC_H

#include <stdint.h>

#define IPC_SHORT 0u
#define IPC_FULL 1u
#define IPC_EXTENDED 2u
#define IPC_TYPE_MASK 3u
#define IPC_NONBLOCK (1u << 2) /* fail with E_WOULDBLOCK rather than wait */
#define IPC_TIMEOUT (1u << 4)  /* fail with E_TIMEOUT if not done by rbx */
/* The send phase is a reply: delivered only to a thread waiting for one
 * from the caller (in a call to it, or for its pager's answer to a fault),
 * otherwise dropped at once; the receive phase follows either way.  Never
 * blocks the caller in its send, needs no capability; not extended. */
#define IPC_REPLY (1u << 5)
#define IPC_SIZE_SHIFT 16
#define IPC_SIZE_MASK (0xfffu << IPC_SIZE_SHIFT)
#define IPC_EXTENDED_MAX 2048
#define IPC_FLAGS_MASK                                                         \
	(IPC_TYPE_MASK | IPC_NONBLOCK | IPC_TIMEOUT | IPC_REPLY | IPC_SIZE_MASK)
#define IPC_SIZE(bytes) ((uint32_t)(bytes) << IPC_SIZE_SHIFT)
/* In what arrived (rdx after a receive): the kernel made this message (a
 * fault, in the faulting thread's name).  No thread can set it, so a
 * pager can tell a real fault from a message that only looks like one. */
#define IPC_FROM_KERNEL (1u << 3)

#define IPC_SHORT_MRS 6
#define UTCB_MRS 64

/* The UTCB: the thread's IPC buffer, at an 8-byte aligned user address
 * (usually a page of its own).  The kernel reads and writes it through the
 * thread's page tables: full IPC to or from a thread whose UTCB is not
 * mapped fails with E_FAULT (it is not paged in, unlike an extended
 * buffer). */
struct utcb {
	uint64_t mr[UTCB_MRS]; /* mr[0..5] travel in registers */
	uint64_t user[32];     /* free for the user library (TLS, ...) */
};

/*
 * Faults: the kernel sends the faulting thread's pager a message in the
 * thread's name (the pager sees the thread's tid as sender) and waits for
 * the reply.  MR0 is the tag.
 *   IPC_TAG_PAGEFAULT  MR1 address, MR2 access (FAULT_*), MR3 rip, MR4 rsp
 *   IPC_TAG_EXCEPTION  MR1 vector, MR2 error code, MR3 rip, MR4 rsp
 *   IPC_TAG_SYSCALL    MR1 rax (the number), MR2 rdi, MR3 rsi, MR4 rdx,
 *                      MR5 rip after the syscall instruction; and, when
 *                      the pager's UTCB is mapped, as a full message:
 *                      mr[6] r10, mr[7] r8, mr[8] r9, mr[9] rsp (all six
 *                      argument registers of the Linux convention, so
 *                      one message and one reply emulate a call)
 * The reply's MR0 decides: FAULT_RESUME (retry the instruction; for
 * IPC_TAG_SYSCALL, continue after it with rax = MR1), FAULT_RESUME_AT
 * (continue at the user address in MR1; for IPC_TAG_SYSCALL, rax is
 * unchanged), or FAULT_KILL (any other value kills too).
 * The pager may change the thread's registers with exchange_registers
 * before replying.  Replying needs no capability: only the faulting
 * thread's pager can answer it.
 */
#define IPC_TAG_PAGEFAULT 0xFFFF0001ull
#define IPC_TAG_EXCEPTION 0xFFFF0002ull
#define IPC_TAG_SYSCALL 0xFFFF0003ull
/* A syscall fault's full message: the words after MR5 (see above). */
#define FAULT_SYSCALL_R10 6
#define FAULT_SYSCALL_R8 7
#define FAULT_SYSCALL_R9 8
#define FAULT_SYSCALL_RSP 9
#define FAULT_MSG_WORDS 10

#define FAULT_WRITE (1u << 0)
#define FAULT_EXEC (1u << 1)
#define FAULT_PROTECTION (1u << 2) /* the page was present */
#define FAULT_KERNEL (1u << 3)	   /* the kernel touched a user buffer */

#define FAULT_RESUME 0
#define FAULT_KILL 1
#define FAULT_RESUME_AT 2

#endif
