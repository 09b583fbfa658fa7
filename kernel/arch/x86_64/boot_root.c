/*
 * Building the root task at boot: its CSpace, Space, Thread and container
 * 0 (kernel objects like any other, but carved from boot memory), its
 * image (the first boot module, an ELF64 file), its stack, the boot-info
 * page and the other modules mapped read-only, and its capabilities:
 * devices, its own objects, system-wide scope capabilities, and one Untyped
 * capability for each block of the memory left when boot is done.
 *
 * The page tables and pages of the image, stack and boot info have no
 * capabilities: the root task cannot unmap them.
 */
#include "cpu.h"
#include "arch.h"
#include "paging.h"
#include "multiboot.h"
#include "regs.h"
#include "core/bootmem.h"
#include "core/scope.h"
#include "core/container.h"
#include "core/cspace.h"
#include "core/devices.h"
#include "core/elf.h"
#include "core/input.h"
#include "core/root.h"
#include "core/space.h"
#include "core/thread.h"
#include "core/untyped.h"
#include "arch/hooks.h"
#include "tessera/bootinfo.h"

static struct bootinfo *bootinfo;
static struct cap *root_slots;
static struct space *root_space;

static paddr_t alloc_zeroed(u64 size, u64 align)
{
	paddr_t p = bootmem_alloc(size, align);
	memset(phys_to_virt(p), 0, size);
	return p;
}

static void *alloc_object(u32 bits)
{
	return phys_to_virt(alloc_zeroed(1ull << bits, 1ull << bits));
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
				       img + ph->offset + (lo - ph->vaddr),
				       hi - lo);
		}
	}
	*entry = eh->entry;
}

/* A boot object's capability in root slot `slot`. */
static struct cap *boot_cap(unsigned slot, u8 type, u64 obj)
{
	struct cap *c = &root_slots[slot];
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->obj = obj;
	cdt_insert_child(&cdt_anchor, c);
	return c;
}

/* Create the root task from module 0 and make its thread runnable. */
struct thread *root_task_create(struct boot_params *bp)
{
	struct container *c0;
	struct thread *t;
	struct cap *cs;
	u64 entry;

	if (bp->nmodules == 0)
		panic(
		    "no boot modules: the root task must be the first module");

	/* Container 0, the root CSpace, the Space, the Thread. */
	c0 = alloc_object(CONTAINER_BITS);
	container_object_init(c0);
	container_configure(c0, 0);
	root_slots = alloc_object(BOOT_CSPACE_BITS + CAP_SLOT_BITS);
	u8 *sobj = alloc_object(SPACE_BITS);
	root_space = (struct space *)(sobj + PAGE_SIZE);
	space_object_init(root_space, sobj);
	t = alloc_object(THREAD_BITS);
	thread_object_init(t);

	cs = boot_cap(BOOT_SLOT_CSPACE, CAP_CSPACE, (u64)root_slots);
	cs->cspace.bits = BOOT_CSPACE_BITS;
	cspace_copy(cs, space_root_cspace(root_space));
	device_make_boot_caps(
	    &root_slots[BOOT_SLOT_CONSOLE], &root_slots[BOOT_SLOT_WINDOW0],
	    &root_slots[BOOT_SLOT_TIMER], &root_slots[BOOT_SLOT_DEBUG]);
	boot_cap(BOOT_SLOT_THREAD, CAP_THREAD, (u64)t);
	boot_cap(BOOT_SLOT_SPACE, CAP_SPACE, (u64)root_space);
	boot_cap(BOOT_SLOT_CONTAINER, CAP_CONTAINER, (u64)c0);
	input_make_boot_cap(&root_slots[BOOT_SLOT_INPUT]);

	/* System-wide scope capabilities in the root space's list. */
	static const struct {
		u8 type;
		u32 ops;
	} scope[] = {
	    {CAP_IPC, CAP_IPC_ALL},	  {CAP_TCTRL, CAP_TCTRL_ALL},
	    {CAP_EXREGS, CAP_EXREGS_ALL}, {CAP_CAPCTRL, CAP_CAPCTRL_ALL},
	    {CAP_MUTEX, CAP_MUTEX_ALL},
	};
	for (unsigned i = 0; i < ARRAY_SIZE(scope); i++) {
		struct cap *sc = &root_space->slots[SPACE_SLOT_LIST + i];
		scope_cap_init(sc, scope[i].type,
			       scope[i].ops | CAP_GENERIC_ALL, SCOPE_SYSTEM, 0,
			       root_space->spid);
		cdt_insert_child(&cdt_anchor, sc);
	}

	/* The image, the stack, the boot info, the modules. */
	struct boot_module *m0 = &bp->modules[0];
	load_elf(root_space, phys_to_virt(m0->start), m0->end - m0->start,
		 &entry);
	for (u64 i = 0; i < ROOT_STACK_PAGES; i++)
		boot_map_user_page(root_space,
				   ROOT_STACK_TOP - (i + 1) * PAGE_SIZE,
				   alloc_zeroed(PAGE_SIZE, PAGE_SIZE),
				   PTE_W | (arch_has_nx() ? PTE_NX : 0));
	paddr_t bi = alloc_zeroed(PAGE_SIZE, PAGE_SIZE);
	bootinfo = phys_to_virt(bi);
	boot_map_user_page(root_space, BOOTINFO_ADDR, bi,
			   arch_has_nx() ? PTE_NX : 0);
	vaddr_t va = MODULE_AREA;
	for (unsigned i = 1; i < bp->nmodules && i <= BOOTINFO_MAX_MODULES;
	     i++) {
		struct boot_module *m = &bp->modules[i];
		struct bootinfo_module *bm =
		    &bootinfo->modules[bootinfo->n_modules++];
		bm->vaddr = va + (m->start & (PAGE_SIZE - 1));
		bm->size = m->end - m->start;
		memcpy(bm->name, m->name, sizeof(bm->name) - 1);
		for (paddr_t p = ALIGN_DOWN(m->start, PAGE_SIZE); p < m->end;
		     p += PAGE_SIZE, va += PAGE_SIZE)
			boot_map_user_page(root_space, va, p,
					   arch_has_nx() ? PTE_NX : 0);
		va += PAGE_SIZE; /* a guard page between modules */
	}

	thread_bind(t, 0);
	thread_set_space(t, root_space);
	t->prio = 200;
	t->flags = THREAD_F_ROOT;
	t->tgid = t->tid;
	memcpy(t->name, "root", 5);
	struct trapframe *tf = arch_thread_tf(t);
	tf->rip = entry;
	tf->rsp = ROOT_STACK_TOP - 8;
	tf->rdi = BOOTINFO_ADDR;
	root_thread = t;

	bootinfo->magic = BOOTINFO_MAGIC;
	bootinfo->root_tid = t->tid;
	memcpy(bootinfo->cmdline, bp->cmdline, sizeof(bootinfo->cmdline) - 1);
	return t;
}

/* After every boot allocation: hand the rest of memory out as untyped. */
void root_task_finish(struct boot_params *bp, u64 boot_tsc)
{
	struct phys_range r[BOOTMEM_MAX_RANGES];
	unsigned nr = bootmem_ranges(r, BOOTMEM_MAX_RANGES);
	unsigned slot = BOOT_SLOT_UNTYPED;

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
			u->cptr = slot;
			untyped_make_boot_cap(&root_slots[slot++], b[j].phys,
					      b[j].bits);
		}
	}
	bootinfo->first_free_slot = slot;
	bootinfo->user_tsc = rdtsc();
}
