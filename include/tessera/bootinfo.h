/*
 * The boot-info page: what the kernel tells the root task at start.
 *
 * The kernel maps one read-only page holding a struct bootinfo at
 * BOOTINFO_ADDR in the root task's space and passes its address in rdi to
 * the root task's entry point.  Boot modules (after the first, which is the
 * root task itself) are mapped read-only from MODULE_AREA upwards, each
 * starting on a page boundary.
 */
#ifndef TESSERA_BOOTINFO_H
#define TESSERA_BOOTINFO_H

#include <stdint.h>

#define BOOTINFO_MAGIC 0x7e55e4a0b0071f00ull
#define BOOTINFO_ADDR 0x00007fffff000000ull
#define MODULE_AREA 0x0000100000000000ull
#define ROOT_STACK_TOP 0x00007ffffe000000ull
#define ROOT_STACK_PAGES 16

/*
 * The root task's CSpace at start (2^BOOT_CSPACE_BITS slots):
 */
#define BOOT_CSPACE_BITS 12
#define BOOT_SLOT_CSPACE 0  /* the root CSpace itself */
#define BOOT_SLOT_CONSOLE 1 /* the kernel console */
#define BOOT_SLOT_WINDOW0 2 /* three windows on the right of the screen */
#define BOOT_SLOT_WINDOW1 3
#define BOOT_SLOT_WINDOW2 4
#define BOOT_SLOT_TIMER 5
#define BOOT_SLOT_DEBUG 6
#define BOOT_SLOT_THREAD 7    /* the root task's thread */
#define BOOT_SLOT_SPACE 8     /* its space */
#define BOOT_SLOT_CONTAINER 9 /* container 0 */
#define BOOT_SLOT_INPUT 10    /* console input (serial line and keyboard) */
#define BOOT_SLOT_UNTYPED 16  /* the untyped blocks, in bootinfo order */
/* The root space's capability list holds one system-wide scope capability
 * of each type (IPC, thread control, exchange registers, capability
 * control, mutex) with every right. */

#define BOOTINFO_MAX_UNTYPED 64
#define BOOTINFO_MAX_MODULES 16
#define BOOTINFO_NAME_LEN 112
#define BOOTINFO_CMDLINE_LEN 256

/* One block of free physical memory, naturally aligned, 2^bits bytes. */
struct bootinfo_untyped {
	uint64_t phys;
	uint32_t bits;
	uint32_t cptr; /* where its Untyped capability sits (0 if none yet) */
};

struct bootinfo_module {
	uint64_t vaddr; /* where the module's bytes are mapped, read-only */
	uint64_t size;
	char name[BOOTINFO_NAME_LEN]; /* the module's command line */
};

struct bootinfo {
	uint64_t magic;
	uint64_t tsc_hz;	  /* TSC frequency measured at boot */
	uint64_t tick_hz;	  /* timer interrupts per second */
	uint64_t boot_tsc;	  /* TSC at kernel entry */
	uint64_t user_tsc;	  /* TSC just before the root task starts */
	uint64_t mem_total;	  /* bytes of usable RAM the kernel found */
	uint32_t root_tid;	  /* the root task's thread id */
	uint32_t first_free_slot; /* the first root CSpace slot after the boot
				     caps */
	uint32_t n_untyped;
	uint32_t n_modules;
	struct bootinfo_untyped untyped[BOOTINFO_MAX_UNTYPED];
	struct bootinfo_module modules[BOOTINFO_MAX_MODULES];
	char cmdline[BOOTINFO_CMDLINE_LEN]; /* the kernel command line */
};

#endif
