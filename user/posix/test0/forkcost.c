/*
 * What fork costs mm0: the "done when" checks.
 *
 * Copy-on-write, counted: a process that has written 1,000 pages forks;
 * mm0's page_copies (PX_STATS) is the same in the child right after the
 * fork as before it (fork copies nothing), exactly 10 more after the
 * child writes 10 of the pages, and unchanged when the parent writes
 * pages after the child has gone (nobody shares them any more).  Any
 * other write to a private page would be counted too, so the measured
 * stretch is one assembly block that writes nothing but the region and a
 * MAP_SHARED page (never copied): no stack, no globals.
 *
 * Leaks: after a few warm-up forks, 500 fork + exit + wait leave mm0's
 * untyped remaining() (and its frame and task counts) where they were.
 */
#include <stddef.h>
#include <sys/mman.h>

#include "test0.h"

#define REGION_PAGES 1000
#define CHILD_WRITES 10
#define PARENT_WRITES 20
#define WARMUP_FORKS 10
#define LOOP_FORKS 500

/* Everything the measured stretch writes besides the region: in a
 * MAP_SHARED page, so writing it copies nothing. */
struct cow_probe {
	struct px_stats before, child_forked, child_wrote, parent_waited,
	    parent_wrote;
	int64_t child_pid, wait_result;
};

/*
 * The measured stretch.  rbx = the probe, r15 = the region, rdi = mm0
 * (the kernel preserves all three across ipc; r15 is the extended buffer,
 * unused by short messages).  mm0's answer comes back in r10.
 */
#define ASM_STATS(field)                                                       \
	"movq %[stats], %%r10\n\t"                                             \
	"leaq %c[" field "](%%rbx), %%r8\n\t"                                  \
	"movq %%rdi, %%rsi\n\t"                                                \
	"xorl %%edx, %%edx\n\t"                                                \
	"movl %[sys], %%eax\n\t"                                               \
	"syscall\n\t"

#define ASM_WRITE_PAGES(n, label)                                              \
	"xorl %%r12d, %%r12d\n" label ":\n\t"                                  \
	"movq %%r12, %%rax\n\t"                                                \
	"shlq $12, %%rax\n\t"                                                  \
	"incb (%%r15, %%rax)\n\t"                                              \
	"incq %%r12\n\t"                                                       \
	"cmpq %[" n "], %%r12\n\t"                                             \
	"jb " label "b\n\t"

static void measured_fork(struct cow_probe *probe, unsigned char *region)
{
	register struct cow_probe *rbx __asm__("rbx") = probe;
	register unsigned char *r15 __asm__("r15") = region;
	long rdi = posix_pager();

	/* clang-format off */
	__asm__ volatile(
	    ASM_STATS("before")
	    /* fork: the child comes back with r10 = 0 */
	    "movq %[fork], %%r10\n\t"
	    "movq %%rdi, %%rsi\n\t"
	    "xorl %%edx, %%edx\n\t"
	    "movl %[sys], %%eax\n\t"
	    "syscall\n\t"
	    "testq %%r10, %%r10\n\t"
	    "jz 3f\n\t"
	    /* the parent: wait for the child, then write pages */
	    "movq %%r10, %c[pid](%%rbx)\n\t"
	    "movq %[wait], %%r10\n\t"
	    "movq %c[pid](%%rbx), %%r8\n\t"
	    "xorl %%r9d, %%r9d\n\t"
	    "movq %%rdi, %%rsi\n\t"
	    "xorl %%edx, %%edx\n\t"
	    "movl %[sys], %%eax\n\t"
	    "syscall\n\t"
	    "movq %%r10, %c[waitr](%%rbx)\n\t"
	    ASM_STATS("pwaited")
	    ASM_WRITE_PAGES("pwrites", "1")
	    ASM_STATS("pwrote")
	    "jmp 9f\n"
	    /* the child: count, write pages, count, exit(0) */
	    "3:\n\t"
	    ASM_STATS("cforked")
	    ASM_WRITE_PAGES("cwrites", "2")
	    ASM_STATS("cwrote")
	    "movq %[exit], %%r10\n\t"
	    "xorl %%r8d, %%r8d\n\t"
	    "movq %%rdi, %%rsi\n\t"
	    "xorl %%edx, %%edx\n\t"
	    "movl %[sys], %%eax\n\t"
	    "syscall\n\t"
	    "ud2\n"
	    "9:"
	    : "+r"(rbx), "+r"(r15), "+D"(rdi)
	    : [stats] "i"(PX_STATS), [fork] "i"(PX_FORK), [wait] "i"(PX_WAIT),
	      [exit] "i"(PX_EXIT), [sys] "i"(SYS_ipc + TESS_SYS_BASE),
	      [cwrites] "i"(CHILD_WRITES), [pwrites] "i"(PARENT_WRITES),
	      [before] "i"(offsetof(struct cow_probe, before)),
	      [cforked] "i"(offsetof(struct cow_probe, child_forked)),
	      [cwrote] "i"(offsetof(struct cow_probe, child_wrote)),
	      [pwaited] "i"(offsetof(struct cow_probe, parent_waited)),
	      [pwrote] "i"(offsetof(struct cow_probe, parent_wrote)),
	      [pid] "i"(offsetof(struct cow_probe, child_pid)),
	      [waitr] "i"(offsetof(struct cow_probe, wait_result))
	    : "rax", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "r12", "r13",
	      "r14", "memory", "cc");
	/* clang-format on */
}

static void copy_on_write_counted(void)
{
	struct cow_probe *probe = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned char *region =
	    mmap(NULL, REGION_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(probe != MAP_FAILED && region != MAP_FAILED,
		    "fork cost: map a probe page and %d pages", REGION_PAGES))
		return;
	memset(probe, 0, sizeof(*probe));
	for (int p = 0; p < REGION_PAGES; p++)
		region[p * PAGE_SIZE] = (unsigned char)p;

	measured_fork(probe, region);

	uint64_t base = probe->before.page_copies;
	tap_ok(probe->child_pid > 0 && probe->wait_result == probe->child_pid,
	       "fork cost: the measured fork made a child and reaped it");
	expect_eq(
	    probe->child_forked.page_copies - base, 0,
	    "fork cost: forking a process with %d written pages copies none",
	    REGION_PAGES);
	uint64_t used_before =
	    probe->before.frames_total - probe->before.frames_free;
	uint64_t used_forked =
	    probe->child_forked.frames_total - probe->child_forked.frames_free;
	tap_ok(used_forked - used_before < 10,
	       "fork cost: the fork took %lu frame(s), not one per page",
	       (unsigned long)(used_forked - used_before));
	expect_eq(probe->child_wrote.page_copies -
		      probe->child_forked.page_copies,
		  CHILD_WRITES,
		  "fork cost: the child writing %d of them copies exactly %d",
		  CHILD_WRITES, CHILD_WRITES);
	expect_eq(probe->parent_waited.page_copies,
		  probe->child_wrote.page_copies,
		  "fork cost: the child's exit copies nothing");
	expect_eq(probe->parent_wrote.page_copies -
		      probe->parent_waited.page_copies,
		  0,
		  "fork cost: the parent writing %d pages after the child is "
		  "gone copies none",
		  PARENT_WRITES);
	int intact = 1;
	for (int p = 0; p < REGION_PAGES; p++)
		intact &= region[p * PAGE_SIZE] ==
			  (unsigned char)(p + (p < PARENT_WRITES ? 1 : 0));
	tap_ok(intact, "fork cost: the parent's pages hold its own bytes, not "
		       "the child's");
	munmap(region, REGION_PAGES * PAGE_SIZE);
	munmap(probe, PAGE_SIZE);
}

static int fork_and_reap(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	return pid > 0 && wait_exit_status(pid) == 7;
}

static void forks_do_not_leak(void)
{
	struct px_stats before, after;
	int good = 0;

	for (int i = 0; i < WARMUP_FORKS; i++)
		fork_and_reap();
	expect_eq(posix_stats(&before), 0, "fork cost: PX_STATS answers");
	for (int i = 0; i < LOOP_FORKS; i++)
		good += fork_and_reap();
	posix_stats(&after);
	expect_eq(good, LOOP_FORKS,
		  "fork cost: %d forks, each child exits 7 and is reaped",
		  LOOP_FORKS);
	expect_eq(after.untyped_remaining, before.untyped_remaining,
		  "fork cost: after %d fork+exit+wait mm0's untyped "
		  "remaining() is where it was",
		  LOOP_FORKS);
	expect_eq(after.frames_total, before.frames_total,
		  "fork cost: ...and mm0 made no new frames");
	expect_eq(after.tasks, before.tasks,
		  "fork cost: ...and no task is left behind");
}

void test_fork_cost(void)
{
	forks_do_not_leak();
	copy_on_write_counted();
}
