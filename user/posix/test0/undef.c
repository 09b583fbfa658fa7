/*
 * Faults that end a process: Codezero's undeftest and its relatives.  A
 * forked child executes an undefined instruction (ud2), writes through a
 * NULL pointer, or divides by zero; mm0 ends it (the kernel turns the
 * exception into a message to mm0), logs one line, and the parent's wait
 * sees 132, 139 or 136 (tessera/posix.h).  The parent lives on, and the
 * runner checks that mm0's log line for the NULL write appeared.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "test0.h"

/* The faulting instructions, at addresses the log line will name. */
void ud2_insn(void);
void null_store(void);
extern char null_store_insn[];
long divide_by_zero(void);
__asm__(".text\n"
	".globl ud2_insn\n"
	"ud2_insn:\n\t"
	"ud2\n\t"
	"ret\n"
	".globl null_store\n"
	"null_store:\n\t"
	"xorl %eax, %eax\n"
	".globl null_store_insn\n"
	"null_store_insn:\n\t"
	"movb $1, (%rax)\n\t"
	"ret\n"
	".globl divide_by_zero\n"
	"divide_by_zero:\n\t"
	"movl $1, %eax\n\t"
	"xorl %edx, %edx\n\t"
	"xorl %ecx, %ecx\n\t"
	"divl %ecx\n\t"
	"ret\n");

/* Where a child writes its thread id (mm0's log line names it), in a
 * page shared with the parent. */
static volatile uint32_t *child_tid;

/* Fork a child that runs `fn`; its exit status (0 if fn returned). */
static int child_status(void (*fn)(void), pid_t *pid_out)
{
	pid_t pid = fork();
	if (pid == 0) {
		*child_tid = posix_self_tid();
		fn();
		_exit(0);
	}
	*pid_out = pid;
	return wait_exit_status(pid);
}

static void run_divide(void)
{
	divide_by_zero();
}

void test_undef(void)
{
	pid_t pid;

	child_tid = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(child_tid != MAP_FAILED,
		    "undef: a shared page for the children's thread ids"))
		return;

	expect_eq(child_status(ud2_insn, &pid), PX_STATUS_ILL,
		  "undef: a child executing ud2 is ended with status 132");

	expect_eq(
	    child_status(null_store, &pid), PX_STATUS_SEGV,
	    "undef: a child writing through NULL is ended with status 139");
	/* mm0's log line for it (task.c task_kill, main.c handle_fault). */
	tap_diag("expect: mm0: process %x (thread %x) touched 0 outside its "
		 "memory (rip %lx): killed",
		 pid, *child_tid, (unsigned long)(uintptr_t)null_store_insn);

	expect_eq(child_status(run_divide, &pid), PX_STATUS_FPE,
		  "undef: a child dividing by zero is ended with status 136");
	expect_eq(posix_sync(), 0, "undef: mm0 still serves the parent");
	munmap((void *)child_tid, PAGE_SIZE);
}
