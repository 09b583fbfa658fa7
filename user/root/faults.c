/*
 * The pagers' pager.  Every pager the root starts names this thread as its
 * pager, so the kernel turns a pager's page fault, exception or unknown
 * system call into a message here.  A pager has nobody to fix its faults
 * for it: the thread prints one line saying what happened and replies
 * FAULT_KILL, and the main thread sees the pager finish with status -1.
 */
#include <stdio.h>
#include <string.h>
#include <tess_thread.h>
#include "root.h"

#define FAULT_STACK_SIZE 16384
#define FAULT_MAX_ERRORS 8 /* receive errors in a row before giving up */

static uint8_t fault_stack[FAULT_STACK_SIZE] __attribute__((aligned(16)));

static const char *vector_name(uint64_t v)
{
	static const char *const names[] = {
	    [0] = "#DE divide error",	  [1] = "#DB debug",
	    [3] = "#BP breakpoint",	  [4] = "#OF overflow",
	    [5] = "#BR bound range",	  [6] = "#UD invalid opcode",
	    [7] = "#NM no FPU",		  [13] = "#GP general protection",
	    [14] = "#PF page fault",	  [16] = "#MF x87 error",
	    [17] = "#AC alignment check", [19] = "#XM SIMD error",
	};
	if (v < sizeof(names) / sizeof(names[0]) && names[v])
		return names[v];
	return "exception";
}

/* What the fault message `m` says, in words. */
static void describe(const struct tess_msg *m, char *buf, size_t size)
{
	const uint64_t *mr = m->mr;

	switch (mr[0]) {
	case IPC_TAG_PAGEFAULT:
		snprintf(buf, size, "page fault at 0x%lx (%s, %s), rip 0x%lx",
			 (unsigned long)mr[1],
			 mr[2] & FAULT_EXEC    ? "exec"
			 : mr[2] & FAULT_WRITE ? "write"
					       : "read",
			 mr[2] & FAULT_PROTECTION ? "protection" : "not mapped",
			 (unsigned long)mr[3]);
		break;
	case IPC_TAG_EXCEPTION:
		snprintf(buf, size,
			 "%s (vector %lu, error code 0x%lx), rip 0x%lx",
			 vector_name(mr[1]), (unsigned long)mr[1],
			 (unsigned long)mr[2], (unsigned long)mr[3]);
		break;
	default:
		snprintf(buf, size, "unknown system call %lu, rip 0x%lx",
			 (unsigned long)mr[1], (unsigned long)mr[5]);
		break;
	}
}

static int is_fault(uint64_t tag)
{
	return tag == IPC_TAG_PAGEFAULT || tag == IPC_TAG_EXCEPTION ||
	       tag == IPC_TAG_SYSCALL;
}

/* Report the fault in `m` and make `m` the answer that kills the thread
 * that took it. */
static void kill_faulter(struct tess_msg *m)
{
	const struct container *c = container_by_tid(m->sender);
	char what[160];

	describe(m, what, sizeof(what));
	if (c)
		root_log("pager %s faulted: %s; killing it", c->spec->name,
			 what);
	else
		root_log("thread 0x%x faulted: %s; killing it", m->sender,
			 what);
	memset(m->mr, 0, sizeof(m->mr));
	m->mr[0] = FAULT_KILL;
}

/* Answer faults for ever, each answer and the next receive one call (a
 * reply never blocks us); stop only if receiving keeps failing. */
static void serve(void *arg)
{
	struct tess_msg m;
	uint32_t reply_to = TID_NIL;
	unsigned errors = 0;
	long r;

	(void)arg;
	memset(&m, 0, sizeof(m));
	for (;;) {
		r = tess_reply_wait(reply_to, &m);
		reply_to = TID_NIL;
		if (r) {
			root_log("fault thread: receive: %s", tess_strerror(r));
			if (++errors == FAULT_MAX_ERRORS)
				tess_exit(1);
			continue;
		}
		errors = 0;
		if ((m.info & IPC_FROM_KERNEL) && is_fault(m.mr[0])) {
			kill_faulter(&m);
			reply_to = m.sender;
		} else
			root_log("fault thread: ignored a message (tag "
				 "0x%lx) from thread 0x%x",
				 (unsigned long)m.mr[0], m.sender);
	}
}

long faults_start(uint32_t *tid)
{
	static struct tess_thread t;
	long r = tess_thread_spawn(tess_alloc_default(), serve, NULL,
				   fault_stack + FAULT_STACK_SIZE, TID_NIL, &t);
	if (r == 0)
		*tid = t.tid;
	return r;
}
