/*
 * What the root task gives the pager of each container it starts (read by
 * mm0 and by native demo pagers).
 *
 * The pager's root CSpace (2^PAGER_CSPACE_BITS slots) holds, at start:
 */
#ifndef TESSERA_PAGER_H
#define TESSERA_PAGER_H

#include <stdint.h>

#define PAGER_CSPACE_BITS 12
#define PAGER_SLOT_CSPACE 0  /* its root CSpace */
#define PAGER_SLOT_CONSOLE 1 /* the kernel console, badged in its colour */
#define PAGER_SLOT_WINDOW                                                      \
	2 /* its container's window (if the manifest gives one) */
#define PAGER_SLOT_TIMER 3   /* the timer */
#define PAGER_SLOT_UNTYPED 4 /* its memory: all its to use */
#define PAGER_SLOT_SPACE 5   /* its own space */
#define PAGER_SLOT_THREAD 6  /* its own thread */
#define PAGER_SLOT_INPUT 7   /* console input (if the manifest gives it) */
#define PAGER_SLOT_FREE 16   /* the first free slot */

/* Its space's capability list holds container-wide (SCOPE_CONTAINER)
 * capabilities of the types the manifest names (IPC, thread control,
 * exchange registers, capability control, mutex), with every right and
 * the generic bits, so it can replicate, deduce, share and grant them. */

/* The boot-info page: read-only, its address passed in rdi. */
#define PAGER_BOOTINFO_ADDR 0x00007fffff000000ull
#define PAGER_MODULE_AREA 0x0000100000000000ull /* modules, read-only */
#define PAGER_STACK_TOP 0x00007ffffe000000ull
#define PAGER_STACK_PAGES 16
#define PAGER_UTCB_ADDR                                                        \
	(PAGER_BOOTINFO_ADDR + 0x1000) /* its UTCB, read-write */
/* Its ELF segments must lie in [PAGER_IMAGE_START, PAGER_IMAGE_END): the
 * root task refuses an image that reaches further.  It starts at its entry
 * point with rsp = PAGER_STACK_TOP - 8 and rdi = PAGER_BOOTINFO_ADDR. */
#define PAGER_IMAGE_START 0x1000ull
#define PAGER_IMAGE_END PAGER_MODULE_AREA
/* Its image is at the addresses its ELF file gives; everything else below
 * PAGER_FREE_VA_END and not listed here is free for it to map. */
#define PAGER_FREE_VA_START 0x0000200000000000ull
#define PAGER_FREE_VA_END 0x0000700000000000ull

/*
 * The LLP lab's layout (manifest `layout lab`, docs/manifest.md), for
 * programs written for the lab (user/lib/llp, docs/llp.md).  A lab
 * capability address is one byte per level, so it reaches root slots
 * 0..255 only (LAB_SLOTS): those hold what the lab's kernel.c gives a
 * process, its own CSpace, the console (unless `noconsole`), its window
 * (rights CAN_setAttr|CAN_putchar unless `perms` says otherwise) and its
 * memory, and are otherwise empty but for `timer SLOT BITS`.  Tessera's
 * own capabilities sit beyond them: its Space and Thread, and an untyped
 * of 2^LAB_RESERVE_BITS bytes for the lab's kmapPage (which takes no
 * capability in the lab); from LAB_SLOT_FREE on, the lab layer's own.
 */
#define LAB_SLOT_CSPACE 0
#define LAB_SLOT_CONSOLE 1
#define LAB_SLOT_WINDOW 2
#define LAB_SLOT_UNTYPED 3
#define LAB_SLOTS 256
#define LAB_SLOT_SPACE 0x100
#define LAB_SLOT_THREAD 0x101
#define LAB_SLOT_RESERVE 0x102
#define LAB_SLOT_FREE 0x110
#define LAB_RESERVE_BITS 20
/* Its thread has no UTCB (the lab's allocBuffer makes one), and page
 * directories cover the lab's user space [0, LAB_USER_TOP), so that there,
 * as with the lab's two-level paging, a page table is all mapPageTable
 * needs.  LAB_USER_TOP is the lab's KERNEL_SPACE. */
#define LAB_USER_TOP 0xc0000000ull

#define PAGER_BOOTINFO_MAGIC 0x7e55e4a9a9e70001ull
#define PAGER_MAX_MODULES 4

struct pager_module {
	uint64_t vaddr;
	uint64_t size;
	char name[48];
};

struct pager_bootinfo {
	uint64_t magic;
	uint32_t cid;	       /* its container */
	uint32_t tid;	       /* its own thread id */
	uint32_t root_tid;     /* the root task (its pager) */
	uint32_t untyped_bits; /* size of the untyped in PAGER_SLOT_UNTYPED */
	uint64_t tsc_hz;
	uint32_t n_modules;
	uint32_t spare;
	struct pager_module modules[PAGER_MAX_MODULES]; /* e.g. the initrd */
	char name[32];	/* the container's name */
	char args[256]; /* the manifest's `args` line (mm0: the init program) */
};

#endif
