/*
 * Building the root task at boot: its space, its thread, its image (the
 * first boot module, an ELF64 file), its stack, the boot-info page and the
 * other modules mapped read-only.  Everything here comes from boot memory;
 * what is left afterwards becomes Untyped memory for the root task.
 */
#include "cpu.h"
#include "arch.h"
#include "paging.h"
#include "multiboot.h"
#include "core/bootmem.h"
#include "core/elf.h"
#include "core/root.h"
#include "core/space.h"
#include "core/thread.h"
#include "tessera/bootinfo.h"
#include "regs.h"
#include "arch/hooks.h"

static struct bootinfo *bootinfo;

static paddr_t alloc_zeroed(u64 size, u64 align)
{
	paddr_t p = bootmem_alloc(size, align);
	memset(phys_to_virt(p), 0, size);
	return p;
}

static void load_elf(struct space *s, const u8 *img, u64 size, u64 *entry)
{
	const char *err = elf_check(img, size, USER_TOP);
	const struct elf64_ehdr *eh = (const void *)img;

	if (err)
		panic("root task image: %s", err);
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph =
			(const void *)(img + eh->phoff + i * sizeof(*ph));
		if (ph->type != PT_LOAD || ph->memsz == 0)
			continue;
		u64 flags = (ph->flags & PF_W ? PTE_W : 0) |
			    (ph->flags & PF_X || !arch_has_nx() ? 0 : PTE_NX);
		u64 first = ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
		u64 end = ALIGN_UP(ph->vaddr + ph->memsz, PAGE_SIZE);
		for (u64 va = first; va < end; va += PAGE_SIZE) {
			bool ok;
			paddr_t pa = user_translate(s, va, false, &ok);
			if (!ok) {
				pa = alloc_zeroed(PAGE_SIZE, PAGE_SIZE);
				boot_map_user_page(s, va, pa, flags);
			}
			pa = ALIGN_DOWN(pa, PAGE_SIZE);
			/* Copy the file bytes that fall in this page. */
			u64 lo = MAX(va, ph->vaddr);
			u64 hi = MIN(va + PAGE_SIZE, ph->vaddr + ph->filesz);
			if (lo < hi)
				memcpy((u8 *)phys_to_virt(pa) + (lo - va),
				       img + ph->offset + (lo - ph->vaddr), hi - lo);
		}
	}
	*entry = eh->entry;
}

/* Create the root task from module 0 and make its thread runnable. */
struct thread *root_task_create(struct boot_params *bp)
{
	struct space *s;
	struct thread *t;
	u64 entry;

	if (bp->nmodules == 0)
		panic("no boot modules: the root task must be the first module");

	/* The space: a PML4 page and a page for its bookkeeping. */
	s = phys_to_virt(alloc_zeroed(PAGE_SIZE, PAGE_SIZE));
	space_arch_init(s, phys_to_virt(alloc_zeroed(PAGE_SIZE, PAGE_SIZE)));
	s->spid = 0;

	struct boot_module *m0 = &bp->modules[0];
	load_elf(s, phys_to_virt(m0->start), m0->end - m0->start, &entry);

	for (u64 i = 0; i < ROOT_STACK_PAGES; i++)
		boot_map_user_page(s, ROOT_STACK_TOP - (i + 1) * PAGE_SIZE,
				   alloc_zeroed(PAGE_SIZE, PAGE_SIZE),
				   PTE_W | (arch_has_nx() ? PTE_NX : 0));

	paddr_t bi = alloc_zeroed(PAGE_SIZE, PAGE_SIZE);
	bootinfo = phys_to_virt(bi);
	boot_map_user_page(s, BOOTINFO_ADDR, bi, arch_has_nx() ? PTE_NX : 0);

	/* Modules 1.. are mapped read-only, one after another. */
	vaddr_t va = MODULE_AREA;
	for (unsigned i = 1; i < bp->nmodules && i <= BOOTINFO_MAX_MODULES; i++) {
		struct boot_module *m = &bp->modules[i];
		struct bootinfo_module *bm = &bootinfo->modules[bootinfo->n_modules++];
		bm->vaddr = va;
		bm->size = m->end - m->start;
		memcpy(bm->name, m->name, sizeof(bm->name) - 1);
		for (paddr_t p = ALIGN_DOWN(m->start, PAGE_SIZE); p < m->end;
		     p += PAGE_SIZE, va += PAGE_SIZE)
			boot_map_user_page(s, va, p, arch_has_nx() ? PTE_NX : 0);
		va += PAGE_SIZE; /* a guard page between modules */
	}

	t = phys_to_virt(alloc_zeroed(THREAD_OBJ_SIZE, THREAD_OBJ_SIZE));
	arch_thread_init(t);
	t->tid = 1;
	t->prio = 100;
	t->space = s;
	s->nthreads = 1;
	memcpy(t->name, "root", 5);
	struct trapframe *tf = arch_thread_tf(t);
	tf->rip = entry;
	tf->rsp = ROOT_STACK_TOP - 8;
	tf->rdi = BOOTINFO_ADDR;
	root_thread = t;

	bootinfo->magic = BOOTINFO_MAGIC;
	memcpy(bootinfo->cmdline, bp->cmdline, sizeof(bootinfo->cmdline) - 1);
	return t;
}

/* After every boot allocation: hand the rest of memory out as untyped. */
void root_task_finish(struct boot_params *bp, u64 boot_tsc)
{
	struct phys_range r[BOOTMEM_MAX_RANGES];
	unsigned nr = bootmem_ranges(r, BOOTMEM_MAX_RANGES);

	bootmem_finish();
	bootinfo->tsc_hz = tsc_hz;
	bootinfo->tick_hz = TIMER_HZ;
	bootinfo->boot_tsc = boot_tsc;
	bootinfo->mem_total = bp->mem_total;
	for (unsigned i = 0; i < nr; i++) {
		struct untyped_block b[BOOTINFO_MAX_UNTYPED];
		unsigned room = BOOTINFO_MAX_UNTYPED - bootinfo->n_untyped;
		unsigned n = untyped_split(r[i].start, r[i].end, b, room);
		for (unsigned j = 0; j < n; j++) {
			struct bootinfo_untyped *u =
				&bootinfo->untyped[bootinfo->n_untyped++];
			u->phys = b[j].phys;
			u->bits = b[j].bits;
		}
	}
	bootinfo->user_tsc = rdtsc();
}
