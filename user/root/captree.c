/*
 * The `captree` boot option.  With the word `captree` on the kernel
 * command line (QEMU -append, or GRUB's `multiboot` line), the root task
 * has the kernel print every capability in the system (debug_dump
 * DUMP_CAPTREE) while the containers run; `make captree` turns that dump
 * into a picture (tools/captree.py).
 *
 * The root thread itself is blocked in THREAD_WAIT while the containers
 * run, so a second thread asks: it runs at the containers' priority (no
 * higher, or it would starve them), yields until CAPTREE_DELAY_MS of timer
 * time have passed since they started, dumps once and exits (the root
 * thread reaps it with the pagers and says nothing).
 */
#include <string.h>
#include <tess_thread.h>
#include "root.h"

#define CAPTREE_DELAY_MS 200
#define CAPTREE_STACK_SIZE 8192

static uint8_t captree_stack[CAPTREE_STACK_SIZE] __attribute__((aligned(16)));
static long captree_deadline;

int captree_requested(const struct bootinfo *bi)
{
	size_t n = strnlen(bi->cmdline, sizeof(bi->cmdline));
	const char *s = bi->cmdline, *end = s + n;

	while (s < end) {
		const char *w = s;
		while (s < end && *s != ' ' && *s != '\t')
			s++;
		if (s - w == 7 && !memcmp(w, "captree", 7))
			return 1;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
	}
	return 0;
}

static void __attribute__((noreturn)) captree_thread(void)
{
	long r;

	while (tess_timer_ticks(BOOT_SLOT_TIMER) < captree_deadline)
		tess_thread_switch(TID_NIL);
	root_log("captree: dumping the capability tree");
	if ((r = tess_debug_dump(BOOT_SLOT_DEBUG, DUMP_CAPTREE)))
		root_log("captree: debug_dump: %s", tess_strerror(r));
	tess_exit(0);
}

long captree_start(uint32_t prio)
{
	const struct bootinfo *bi = tess_bootinfo;
	struct tess_alloc *a = tess_alloc_default();
	struct thread_create tc;
	struct task_ids ids;
	uint64_t hz = bi->tick_hz ? bi->tick_hz : 100;
	cptr_t thread;
	long r, now;

	if ((now = tess_timer_ticks(BOOT_SLOT_TIMER)) < 0)
		return now;
	captree_deadline = now + (long)(CAPTREE_DELAY_MS * hz / 1000);
	if ((r = tess_new(a, CAP_THREAD, 0, &thread)))
		return r;
	memset(&tc, 0, sizeof(tc));
	tc.thread = thread;
	tc.space = tc.cspace = tc.untyped = tc.dest = CPTR_NONE;
	tc.pager = TID_NIL;
	tc.cid = 0;
	tc.prio = prio;
	memset(&ids, 0, sizeof(ids));
	tess_getid(&ids);
	if ((r = tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids,
				     &tc))) {
		tess_delete(a, thread);
		return r;
	}
	/* As if called: rsp + 8 is 16-byte aligned. */
	return tess_thread_start_at(
	    ids.tid, (uint64_t)captree_thread,
	    (uint64_t)(captree_stack + CAPTREE_STACK_SIZE) - 8, 0, 0, 0);
}
