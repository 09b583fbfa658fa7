/*
 * Read the Multiboot information: the memory map becomes the boot free
 * ranges, minus low memory, the kernel image, the modules and the
 * information structure itself.
 */
#include "cpu.h"
#include "multiboot.h"
#include "core/bootmem.h"

extern char _kernel_phys_start[], _kernel_phys_end[];

static void copy_string(char *dst, size_t size, u32 phys)
{
	const char *s = phys_to_virt(phys);
	size_t i;
	for (i = 0; i + 1 < size && s[i]; i++)
		dst[i] = s[i];
	dst[i] = '\0';
}

void multiboot_parse(u32 magic, u64 info_phys, struct boot_params *bp)
{
	struct mb_info *mbi = phys_to_virt(info_phys);

	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("not booted by a Multiboot loader (magic %x)", magic);
	if (!(mbi->flags & MB_INFO_MMAP))
		panic("the boot loader gave no memory map");

	memset(bp, 0, sizeof(*bp));
	if (mbi->flags & MB_INFO_CMDLINE)
		copy_string(bp->cmdline, sizeof(bp->cmdline), mbi->cmdline);

	for (u64 off = 0; off < mbi->mmap_length;) {
		struct mb_mmap_entry *e = phys_to_virt(mbi->mmap_addr + off);
		if (e->type == 1 && e->len > 0) {
			bootmem_add(e->addr, e->addr + e->len);
			bp->mem_total += e->len;
			if (e->addr + e->len > bp->mem_top)
				bp->mem_top = e->addr + e->len;
		}
		off += e->size + 4;
	}

	/* Low memory (BIOS data, VGA, ROMs) and the kernel image. */
	bootmem_reserve(0, 0x100000);
	bootmem_reserve((paddr_t)_kernel_phys_start, (paddr_t)_kernel_phys_end);
	bootmem_reserve(info_phys, info_phys + sizeof(*mbi));
	bootmem_reserve(mbi->mmap_addr, mbi->mmap_addr + mbi->mmap_length);

	if (mbi->flags & MB_INFO_MODS) {
		struct mb_module *m = phys_to_virt(mbi->mods_addr);
		bootmem_reserve(mbi->mods_addr,
				mbi->mods_addr + mbi->mods_count * sizeof(*m));
		for (u32 i = 0; i < mbi->mods_count && i < BOOT_MAX_MODULES;
		     i++) {
			struct boot_module *bm = &bp->modules[bp->nmodules++];
			bm->start = m[i].start;
			bm->end = m[i].end;
			if (m[i].string)
				copy_string(bm->name, sizeof(bm->name),
					    m[i].string);
			bootmem_reserve(m[i].start, m[i].end);
		}
	}
}
