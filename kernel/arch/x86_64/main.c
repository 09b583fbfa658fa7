/*
 * kmain: the boot sequence on x86_64, entered from boot.S in long mode on
 * the boot stack.  After setting up the CPU, memory and time it creates the
 * root task and becomes the idle thread.
 */
#include "cpu.h"
#include "arch.h"
#include "multiboot.h"
#include "paging.h"
#include "core/bootmem.h"
#include "core/thread.h"
#include "core/cap.h"
#include "core/space.h"
#include "core/container.h"
#include "core/time.h"
#include "arch/hooks.h"

struct thread *root_task_create(struct boot_params *bp);
void root_task_finish(struct boot_params *bp, u64 boot_tsc);
void timer_set_boot_tsc(u64 tsc);

static struct boot_params boot_params;
/* The idle thread's object; kmain itself runs as the idle thread. */
static u8 idle_object[THREAD_OBJ_SIZE]
    __attribute__((aligned(THREAD_OBJ_SIZE)));

void kmain(u32 magic, u64 info_phys, u64 entry_tsc)
{
	struct thread *idle = (struct thread *)idle_object;
	struct thread *root;

	console_init();
	kprintf("Tessera microkernel (x86_64), built " __DATE__ " " __TIME__
		"\n");
	gdt_init();
	idt_init();
	cpu_init();
	multiboot_parse(magic, info_phys, &boot_params);
	paging_init(boot_params.mem_top);
	timer_set_boot_tsc(entry_tsc);
	timer_init();
	time_set_epoch(rtc_read_unix());
	serial_input_init();
	keyboard_init();
	kprintf("memory: %lu MiB usable; TSC %lu MHz; timer %d Hz\n",
		boot_params.mem_total >> 20, tsc_hz / 1000000, TIMER_HZ);

	cdt_init();
	thread_table_init();
	space_table_init();
	container_table_init();
	idle->tid = 0;
	memcpy(idle->name, "idle", 5);
	*thread_stack_canary(idle) = THREAD_STACK_CANARY;
	arch_set_current(idle);
	sched_init(idle);

	root = root_task_create(&boot_params);
	root_task_finish(&boot_params, entry_tsc);
	kprintf("boot: %lu us from kernel entry to the root task\n",
		tsc_to_us(rdtsc() - entry_tsc));
	sched_make_runnable(root);
	schedule();

	/* Idle: wait for interrupts; run whatever they make runnable. */
	for (;;) {
		arch_idle_wait();
		sched_check_preempt();
	}
}
