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

#define BOOTINFO_MAX_UNTYPED 64
#define BOOTINFO_MAX_MODULES 16
#define BOOTINFO_NAME_LEN 48
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
	uint64_t tsc_hz;         /* TSC frequency measured at boot */
	uint64_t tick_hz;        /* timer interrupts per second */
	uint64_t boot_tsc;       /* TSC at kernel entry */
	uint64_t user_tsc;       /* TSC just before the root task starts */
	uint64_t mem_total;      /* bytes of usable RAM the kernel found */
	uint32_t n_untyped;
	uint32_t n_modules;
	struct bootinfo_untyped untyped[BOOTINFO_MAX_UNTYPED];
	struct bootinfo_module modules[BOOTINFO_MAX_MODULES];
	char cmdline[BOOTINFO_CMDLINE_LEN]; /* the kernel command line */
};

#endif
