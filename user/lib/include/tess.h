/*
 * libtess: the system call stubs.  One inline function per call, named as
 * the call; see docs/ABI.md for what each does and the errors it returns.
 */
#ifndef TESS_H
#define TESS_H

#include <stddef.h>
#include <stdint.h>
#include <tessera/bootinfo.h>
#include <tessera/capctrl.h>
#include <tessera/caps.h>
#include <tessera/errors.h>
#include <tessera/ipc.h>
#include <tessera/syscall.h>
#include <tessera/thread.h>

static inline long tess_syscall0(long nr)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr + TESS_SYS_BASE)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall1(long nr, long a0)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall2(long nr, long a0, long a1)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0), "S"(a1)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall3(long nr, long a0, long a1, long a2)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall4(long nr, long a0, long a1, long a2, long a3)
{
	long ret;
	register long r10 __asm__("r10") = a3;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+r"(r10)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall5(long nr, long a0, long a1, long a2, long a3,
				 long a4)
{
	long ret;
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+r"(r10), "+r"(r8)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long tess_syscall6(long nr, long a0, long a1, long a2, long a3,
				 long a4, long a5)
{
	long ret;
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+r"(r10), "+r"(r8), "+r"(r9)
			 : "a"(nr + TESS_SYS_BASE), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

/* ------------------------------------------------------------ misc */

static inline long tess_null(void)
{
	return tess_syscall0(SYS_null);
}

#ifdef TESS_GCOV
void tess_gcov_dump(void); /* coverage builds: the profile, before the end */
#endif

static inline __attribute__((noreturn)) void tess_exit(int status)
{
#ifdef TESS_GCOV
	tess_gcov_dump();
#endif
	tess_syscall1(SYS_exit, status);
	__builtin_unreachable();
}

/* time(tv, clock): TIME_MONOTONIC (since boot) or TIME_REALTIME. */
static inline long tess_clock(struct tess_timeval *tv, unsigned clock)
{
	return tess_syscall2(SYS_time, (long)tv, clock);
}

static inline long tess_time(struct tess_timeval *tv)
{
	return tess_clock(tv, TIME_MONOTONIC);
}

/* The monotonic clock in microseconds: the unit of every deadline. */
static inline uint64_t tess_now_us(void)
{
	struct tess_timeval tv;
	tess_clock(&tv, TIME_MONOTONIC);
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

/* sleep(deadline): until the monotonic clock reaches `deadline`. */
static inline long tess_sleep(uint64_t deadline)
{
	return tess_syscall1(SYS_sleep, (long)deadline);
}

static inline long tess_sleep_us(uint64_t us)
{
	return tess_sleep(tess_now_us() + us);
}

static inline long tess_debug_dump(cptr_t dcap, unsigned what)
{
	return tess_syscall2(SYS_debug_dump, (long)dcap, what);
}

/* debug_dump(DUMP_COUNTERS): the kernel's counters into *c (the events
 * only in the bench kernel, c->events 1). */
static inline long tess_debug_counters(cptr_t dcap, struct tess_counters *c)
{
	return tess_syscall3(SYS_debug_dump, (long)dcap, DUMP_COUNTERS,
			     (long)c);
}

static inline long tess_debug_coverage(cptr_t dcap, unsigned op, void *buf,
				       unsigned long size)
{
	return tess_syscall4(SYS_debug_coverage, (long)dcap, op, (long)buf,
			     (long)size);
}

/* ------------------------------------------------------------ devices */

static inline long tess_console_write(cptr_t ccap, const char *s, size_t len)
{
	return tess_syscall3(SYS_console_write, (long)ccap, (long)s, (long)len);
}

static inline long tess_console_putc(cptr_t ccap, int ch)
{
	return tess_syscall2(SYS_console_putc, (long)ccap, ch);
}

/* input_read(input, buf, len, flags): what was typed (INPUT_NONBLOCK:
 * E_WOULDBLOCK rather than wait); input_info: the buffer's counts. */
static inline long tess_input_read(cptr_t icap, void *buf, size_t len,
				   unsigned flags)
{
	return tess_syscall4(SYS_input_read, (long)icap, (long)buf, (long)len,
			     flags);
}

static inline long tess_input_info(cptr_t icap, struct input_info *info)
{
	return tess_syscall2(SYS_input_info, (long)icap, (long)info);
}

static inline long tess_window_putc(cptr_t wcap, int ch)
{
	return tess_syscall2(SYS_window_putc, (long)wcap, ch);
}

static inline long tess_window_cls(cptr_t wcap)
{
	return tess_syscall1(SYS_window_cls, (long)wcap);
}

static inline long tess_window_set_attr(cptr_t wcap, unsigned attr)
{
	return tess_syscall2(SYS_window_set_attr, (long)wcap, attr);
}

static inline long tess_timer_ticks(cptr_t tcap)
{
	return tess_syscall1(SYS_timer_ticks, (long)tcap);
}

static inline long tess_alloc_buffer(cptr_t ucap, uintptr_t addr)
{
	return tess_syscall2(SYS_alloc_buffer, (long)ucap, (long)addr);
}

static inline long tess_print_buffer(cptr_t wcap)
{
	return tess_syscall1(SYS_print_buffer, (long)wcap);
}

static inline long tess_print_string(cptr_t wcap, const char *s)
{
	return tess_syscall2(SYS_print_string, (long)wcap, (long)s);
}

/* ------------------------------------------------------------ capabilities */

static inline long tess_retype(cptr_t ucap, unsigned type, unsigned bits,
			       cptr_t dest, unsigned long num)
{
	return tess_syscall5(SYS_retype, (long)ucap, type, bits, (long)dest,
			     (long)num);
}

static inline long tess_remaining(cptr_t ucap)
{
	return tess_syscall1(SYS_remaining, (long)ucap);
}

static inline long tess_cap_copy(cptr_t src, cptr_t dst)
{
	return tess_syscall2(SYS_cap_copy, (long)src, (long)dst);
}

static inline long tess_cap_mint(cptr_t src, cptr_t dst, uint32_t rights,
				 uint64_t badge)
{
	return tess_syscall4(SYS_cap_mint, (long)src, (long)dst, rights,
			     (long)badge);
}

static inline long tess_cap_move(cptr_t src, cptr_t dst)
{
	return tess_syscall2(SYS_cap_move, (long)src, (long)dst);
}

static inline long tess_cap_delete(cptr_t slot)
{
	return tess_syscall1(SYS_cap_delete, (long)slot);
}

static inline long tess_cap_revoke(cptr_t slot)
{
	return tess_syscall1(SYS_cap_revoke, (long)slot);
}

static inline long tess_cap_info(cptr_t slot, struct cap_info *info)
{
	return tess_syscall2(SYS_cap_info, (long)slot, (long)info);
}

static inline long tess_map(cptr_t cap, cptr_t space, uintptr_t vaddr,
			    unsigned rights)
{
	return tess_syscall4(SYS_map, (long)cap, (long)space, (long)vaddr,
			     rights);
}

static inline long tess_unmap(cptr_t cap)
{
	return tess_syscall1(SYS_unmap, (long)cap);
}

static inline long tess_page_copy(cptr_t src, cptr_t dst)
{
	return tess_syscall2(SYS_page_copy, (long)src, (long)dst);
}

/* ------------------------------------------------------------ threads */

static inline long tess_thread_control(uint32_t action, struct task_ids *ids,
				       struct thread_create *create)
{
	return tess_syscall3(SYS_thread_control, action, (long)ids,
			     (long)create);
}

static inline long tess_exchange_registers(struct exregs *x, uint32_t tid)
{
	return tess_syscall2(SYS_exchange_registers, (long)x, tid);
}

static inline long tess_getid(struct task_ids *ids)
{
	return tess_syscall1(SYS_getid, (long)ids);
}

static inline long tess_thread_switch(uint32_t tid)
{
	return tess_syscall1(SYS_thread_switch, tid);
}

static inline long tess_capability_control(unsigned req, unsigned long flags,
					   void *buf)
{
	return tess_syscall3(SYS_capability_control, req, (long)flags,
			     (long)buf);
}

static inline long tess_mutex_control(void *addr, unsigned op)
{
	return tess_syscall2(SYS_mutex_control, (long)addr, op);
}

static inline long tess_container_control(unsigned req, cptr_t ccap,
					  uint32_t cid)
{
	return tess_syscall3(SYS_container_control, req, (long)ccap, cid);
}

/* ------------------------------------------------------------ IPC */

/*
 * A message: six message registers, and after a receive the sender's id
 * and what arrived (its type | size << IPC_SIZE_SHIFT).
 */
struct tess_msg {
	uint64_t mr[IPC_SHORT_MRS];
	uint32_t sender;
	uint32_t info;
};

/* ipc(to, from, flags): see tessera/ipc.h.  `xbuf` is the extended-IPC
 * buffer (sent from, or received into), or NULL.
 *
 * The asm stores what arrived itself: the compiler would merge its own
 * stores of the six registers into SSE stores, and a thread whose code
 * does not use the FPU would then use it at every IPC.  The kernel saves
 * and loads FPU state only for threads that use it. */
static inline long tess_ipc(uint32_t to, uint32_t from, uint32_t flags,
			    struct tess_msg *m, void *xbuf)
{
	long ret;
	register uint64_t r10 __asm__("r10") = m->mr[0];
	register uint64_t r8 __asm__("r8") = m->mr[1];
	register uint64_t r9 __asm__("r9") = m->mr[2];
	register uint64_t r12 __asm__("r12") = m->mr[3];
	register uint64_t r13 __asm__("r13") = m->mr[4];
	register uint64_t r14 __asm__("r14") = m->mr[5];
	register uint64_t r15 __asm__("r15") = (uint64_t)xbuf;
	uint64_t rsi = from, rdx = flags;
	_Static_assert(__builtin_offsetof(struct tess_msg, info) == 52,
		       "the asm below stores struct tess_msg");
	__asm__ volatile("syscall\n\t"
			 "movq %%r10, 0(%[m])\n\t"
			 "movq %%r8, 8(%[m])\n\t"
			 "movq %%r9, 16(%[m])\n\t"
			 "movq %%r12, 24(%[m])\n\t"
			 "movq %%r13, 32(%[m])\n\t"
			 "movq %%r14, 40(%[m])\n\t"
			 "movl %%esi, 48(%[m])\n\t"
			 "movl %%edx, 52(%[m])"
			 : "=a"(ret), "+S"(rsi), "+d"(rdx), "+r"(r8), "+r"(r9),
			   "+r"(r10), "+r"(r12), "+r"(r13), "+r"(r14)
			 : "a"((long)SYS_ipc + TESS_SYS_BASE),
			   "D"((uint64_t)to), "r"(r15), [m] "r"(m)
			 : "rcx", "r11", "memory");
	return ret;
}

/* tess_ipc that gives up with -E_TIMEOUT when the monotonic clock
 * reaches `deadline` (IPC_TIMEOUT, the deadline in rbx). */
static inline long tess_ipc_until(uint32_t to, uint32_t from, uint32_t flags,
				  struct tess_msg *m, void *xbuf,
				  uint64_t deadline)
{
	long ret;
	register uint64_t r10 __asm__("r10") = m->mr[0];
	register uint64_t r8 __asm__("r8") = m->mr[1];
	register uint64_t r9 __asm__("r9") = m->mr[2];
	register uint64_t r12 __asm__("r12") = m->mr[3];
	register uint64_t r13 __asm__("r13") = m->mr[4];
	register uint64_t r14 __asm__("r14") = m->mr[5];
	register uint64_t r15 __asm__("r15") = (uint64_t)xbuf;
	register uint64_t rbx __asm__("rbx") = deadline;
	uint64_t rsi = from, rdx = flags | IPC_TIMEOUT;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+S"(rsi), "+d"(rdx), "+r"(r8), "+r"(r9),
			   "+r"(r10), "+r"(r12), "+r"(r13), "+r"(r14)
			 : "a"((long)SYS_ipc + TESS_SYS_BASE),
			   "D"((uint64_t)to), "r"(r15), "r"(rbx)
			 : "rcx", "r11", "memory");
	m->mr[0] = r10;
	m->mr[1] = r8;
	m->mr[2] = r9;
	m->mr[3] = r12;
	m->mr[4] = r13;
	m->mr[5] = r14;
	m->sender = (uint32_t)rsi;
	m->info = (uint32_t)rdx;
	return ret;
}

/* Receive from `from` (or TID_ANY), giving up at `deadline`. */
static inline long tess_receive_until(uint32_t from, struct tess_msg *m,
				      uint64_t deadline)
{
	return tess_ipc_until(TID_NIL, from, IPC_SHORT, m, 0, deadline);
}

static inline long tess_send(uint32_t to, struct tess_msg *m)
{
	return tess_ipc(to, TID_NIL, IPC_SHORT, m, 0);
}

static inline long tess_receive(uint32_t from, struct tess_msg *m)
{
	return tess_ipc(TID_NIL, from, IPC_SHORT, m, 0);
}

/* Send to `to` and wait for its answer (the L4 call). */
static inline long tess_call(uint32_t to, struct tess_msg *m)
{
	return tess_ipc(to, to, IPC_SHORT, m, 0);
}

/* Answer `to` and wait for the next message from anyone (seL4's
 * ReplyRecv).  The answer goes only to a thread waiting for it (in a call
 * to us, or for our answer to its fault) and is dropped otherwise: the
 * send never blocks, so a client that sent without waiting cannot hold
 * the server.  `to` may be TID_NIL (nothing to answer).  The result is
 * the receive's. */
static inline long tess_reply_wait(uint32_t to, struct tess_msg *m)
{
	return tess_ipc(to, TID_ANY, IPC_SHORT | IPC_REPLY, m, 0);
}

/* Answer `to`, a thread waiting for our answer, without receiving: 0,
 * -E_WOULDBLOCK (it is not waiting for one from us) or -E_NOTHREAD (it
 * is gone). */
static inline long tess_reply(uint32_t to, struct tess_msg *m)
{
	return tess_ipc(to, TID_NIL, IPC_SHORT | IPC_REPLY, m, 0);
}

/* ------------------------------------------------------------ mutexes */

/*
 * A user mutex: a 32-bit word, 0 free, 1 held, 2 held with waiters.  The
 * uncontended lock and unlock are one atomic instruction each and never
 * enter the kernel.
 */
struct tess_mutex {
	volatile uint32_t word;
};

static inline void tess_mutex_init(struct tess_mutex *m)
{
	m->word = 0;
}

static inline void tess_mutex_lock(struct tess_mutex *m)
{
	uint32_t c = __sync_val_compare_and_swap(&m->word, 0, 1);
	if (c == 0)
		return;
	if (c != 2)
		c = __atomic_exchange_n(&m->word, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		tess_mutex_control((void *)&m->word, MUTEX_LOCK);
		c = __atomic_exchange_n(&m->word, 2, __ATOMIC_ACQUIRE);
	}
}

static inline void tess_mutex_unlock(struct tess_mutex *m)
{
	if (__atomic_exchange_n(&m->word, 0, __ATOMIC_RELEASE) == 2)
		tess_mutex_control((void *)&m->word, MUTEX_UNLOCK);
}

/* ------------------------------------------------------------ helpers */

/* The boot-info page, for the root task (NULL in other programs). */
extern const struct bootinfo *tess_bootinfo;

/* A name for each E_* code, for messages. */
const char *tess_strerror(long err);

/* The first scope capability of `type` the caller sees (READ order). */
long tess_cap_find(uint32_t type, struct capability *out);
/* Replicate the caller's capability of `type` and share the replica
 * (CAP_SHARE_CHILD, _SIBLINGS or _CONTAINER); *capid gets its id. */
long tess_cap_share_copy(uint32_t type, unsigned share_to, uint32_t *capid);

/* Where printf goes: a Console capability (colour from its badge) or a
 * Window capability.  Programs start with output on the boot console if
 * they are the root task, else nowhere until they choose. */
void tess_use_console(cptr_t ccap);
void tess_use_window(cptr_t wcap);

#endif
