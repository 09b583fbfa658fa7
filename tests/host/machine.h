/*
 * The host unit tests' machine: the inline half of kernel/arch/hooks.h
 * (see there) over a made-up register frame.  kernel/core compiles against
 * this and never against an x86_64 header: that it builds here is the
 * proof that the core is portable (tools/core-check.sh checks the host
 * build's dependencies).
 *
 * The frame has one field per thing the core asks for; the host tests read
 * them directly (a blocked call's result is `result`).
 */
#ifndef HOST_MACHINE_H
#define HOST_MACHINE_H

#include "core/kernel.h"
#include "core/percpu.h"

struct thread;

/* The one CPU (arch_host.c). */
extern struct percpu host_cpu;
static inline struct percpu *percpu(void)
{
	return &host_cpu;
}

struct trapframe {
	u64 nr;		/* the call number (TESS_SYS_BASE + n) */
	u64 args[6];	/* its arguments */
	u64 result;	/* what it returns */
	u64 mr[6];	/* the message registers */
	u64 ipc_buffer; /* ipc: the extended buffer */
	u64 deadline;	/* ipc: the deadline */
	u64 from, tag;	/* a receive's sender and what arrived */
	u64 pc, sp;	/* the user instruction and stack pointers */
	u64 restarts;	/* times arch_syscall_rewind ran */
};

/* arch_host.c: the current thread is whatever the test says it is; the
 * frame is at the top of the Thread object. */
struct thread *arch_current(void);
struct trapframe *arch_thread_tf(struct thread *t);

static inline u64 arch_syscall_nr(const struct trapframe *tf)
{
	return tf->nr - TESS_SYS_BASE;
}

static inline const u64 *arch_syscall_args(const struct trapframe *tf)
{
	return tf->args;
}

static inline void arch_set_result(struct trapframe *tf, u64 v)
{
	tf->result = v;
}

static inline u64 arch_result(const struct trapframe *tf)
{
	return tf->result;
}

static inline void arch_syscall_rewind(struct trapframe *tf)
{
	tf->restarts++;
}

static inline u64 *arch_msg_regs(struct trapframe *tf)
{
	return tf->mr;
}

static inline vaddr_t arch_ipc_buffer(const struct trapframe *tf)
{
	return tf->ipc_buffer;
}

static inline u64 arch_ipc_deadline(const struct trapframe *tf)
{
	return tf->deadline;
}

static inline void arch_ipc_set_received(struct trapframe *tf, u32 from,
					 u64 tag)
{
	tf->from = from;
	tf->tag = tag;
}

static inline vaddr_t arch_user_pc(const struct trapframe *tf)
{
	return tf->pc;
}

static inline vaddr_t arch_user_sp(const struct trapframe *tf)
{
	return tf->sp;
}

static inline bool arch_user_pc_ok(vaddr_t pc)
{
	return pc < USER_ADDR_TOP;
}

static inline void arch_set_user_pc(struct trapframe *tf, vaddr_t pc)
{
	tf->pc = pc;
}

/* Physical addresses are host addresses. */
static inline u64 arch_phys_to_kernel(paddr_t p)
{
	return p;
}

static inline paddr_t arch_kernel_to_phys(u64 kaddr)
{
	return kaddr;
}

#endif
