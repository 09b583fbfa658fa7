/* The Multiboot 1 information structure (the parts Tessera reads). */
#ifndef ARCH_MULTIBOOT_H
#define ARCH_MULTIBOOT_H

#include "core/kernel.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
#define MB_INFO_MEMORY (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS (1u << 3)
#define MB_INFO_MMAP (1u << 6)

struct mb_info {
	u32 flags;
	u32 mem_lower, mem_upper;
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mmap_entry {
	u32 size; /* of the rest of the entry */
	u64 addr, len;
	u32 type; /* 1 = available RAM */
} __attribute__((packed));

struct mb_module {
	u32 start, end, string, reserved;
};

#define BOOT_MAX_MODULES 16

struct boot_module {
	paddr_t start, end;
	char name[112];
};

/* What the rest of boot needs from the Multiboot information. */
struct boot_params {
	u64 mem_top;   /* end of the highest usable RAM */
	u64 mem_total; /* bytes of usable RAM */
	unsigned nmodules;
	struct boot_module modules[BOOT_MAX_MODULES];
	char cmdline[256];
};

void multiboot_parse(u32 magic, u64 info_phys, struct boot_params *bp);

#endif
