/*
 * Building a container and starting its pager, as include/tessera/pager.h
 * promises: a Container object with the manifest's id; the pager's Thread,
 * Space and 2^PAGER_CSPACE_BITS CSpace (slot 0 naming itself); its image,
 * stack, boot info, UTCB and modules mapped in its space; its capabilities
 * in the CSpace slots pager.h lists; container-wide scope capabilities in
 * its space's list; and its thread, whose pager is the root's fault
 * thread, running at its entry point.  A container with `layout lab`
 * gets the LLP lab's slots and space instead (lab.c), and no UTCB.
 *
 * Everything but the pager's memory is made from the root's own untyped.
 * The capabilities of the pages, tables, Thread and Space go in a CSpace
 * of their own (`hold`, 4096 slots), so a container costs the root four
 * root slots and one delete undoes a failed start.
 */
#include <stdbool.h>
#include <string.h>
#include "root.h"

#define HOLD_BITS 12
#define HOLD_SLOTS (1ul << HOLD_BITS)

struct container containers[ROOT_MAX_CONTAINERS];
unsigned n_containers;

static int fail(const struct container *c, const char *what, long err)
{
	root_log("container %s: %s: %s", c->spec->name, what,
		 tess_strerror(err));
	return -1;
}

/* cptr of slot `slot` in the pager's CSpace (two-level address). */
static cptr_t pager_slot(const struct container *c, unsigned slot)
{
	return (c->cspace << CPTR_DIGIT_BITS) | slot;
}

static uint64_t pages_of(uint64_t bytes)
{
	return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* The most page tables (PT, PD, PDPT) that mapping [start, end) can make. */
static uint64_t tables_for(uint64_t start, uint64_t end)
{
	uint64_t n = 0;
	if (end <= start)
		return 0;
	for (unsigned shift = 21; shift <= 39; shift += 9)
		n += ((end - 1) >> shift) - (start >> shift) + 1;
	return n;
}

/* ------------------------------------------------------------ checks */

/* Lay the modules out from PAGER_MODULE_AREA, a guard page between them;
 * returns the objects they need (pages and tables). */
static uint64_t place_modules(struct container *c)
{
	uint64_t va = PAGER_MODULE_AREA, need = 0;

	for (unsigned i = 0; i < c->spec->n_modules; i++) {
		uint64_t n = pages_of(c->mods[i]->size);
		c->mod_va[i] = va;
		need += n + tables_for(va, va + n * PAGE_SIZE);
		va += (n + 1) * PAGE_SIZE;
	}
	return need;
}

int container_check(struct container *c, const struct container_spec *spec)
{
	const char *err;
	uint64_t need;

	memset(c, 0, sizeof(*c));
	c->spec = spec;
	c->pager = module_find(spec->pager);
	if (!c->pager) {
		root_log("container %s: no boot module named \"%s\" "
			 "for its pager",
			 spec->name, spec->pager);
		return -1;
	}
	for (unsigned i = 0; i < spec->n_modules; i++) {
		c->mods[i] = module_find(spec->modules[i]);
		if (!c->mods[i]) {
			root_log("container %s: no boot module named \"%s\"",
				 spec->name, spec->modules[i]);
			return -1;
		}
	}
	err = elf_check(c->pager->data, c->pager->size, PAGER_IMAGE_START,
			PAGER_IMAGE_END, &c->image);
	if (err) {
		root_log("container %s: pager module \"%s\" is not a usable "
			 "image: %s",
			 spec->name, spec->pager, err);
		return -1;
	}
	/* Every object made for it has a slot in `hold`: count them. */
	need = 2 + elf_page_count(&c->image) + place_modules(c) +
	       PAGER_STACK_PAGES + 2 +
	       tables_for(PAGER_STACK_TOP - PAGER_STACK_PAGES * PAGE_SIZE,
			  PAGER_STACK_TOP) +
	       tables_for(PAGER_BOOTINFO_ADDR, PAGER_UTCB_ADDR + PAGE_SIZE) +
	       (spec->lab.on ? LAB_TABLES : 0);
	for (unsigned i = 0; i < c->image.n; i++) {
		const struct elf_segment *s = &c->image.seg[i];
		need += tables_for(s->vaddr, s->vaddr + s->memsz);
	}
	if (need > HOLD_SLOTS) {
		root_log("container %s: its image and modules need up to %lu "
			 "objects; the root keeps at most %lu per container",
			 spec->name, (unsigned long)need, HOLD_SLOTS);
		return -1;
	}
	return 0;
}

/*
 * A container's memory is an Untyped cut from the smallest of the boot
 * untypeds that can hold it, so that one big container does not use up
 * the block the root makes its own objects from (the default allocator's,
 * the largest, tried last).
 */
long container_carve_memory(struct container *c)
{
	const struct bootinfo *bi = tess_bootinfo;
	struct tess_alloc *a = tess_alloc_default();
	unsigned bits = c->spec->mem_bits;
	bool tried[BOOTINFO_MAX_UNTYPED] = {false};
	long r = -E_NOMEM;
	cptr_t slot = tess_slot(a);

	if (!slot)
		return -E_LIMIT;
	for (;;) {
		int best = -1;
		for (unsigned i = 0; i < bi->n_untyped; i++) {
			const struct bootinfo_untyped *u = &bi->untyped[i];
			if (tried[i] || !u->cptr || u->bits < bits)
				continue;
			bool own = u->cptr == a->untyped;
			bool best_own =
			    best >= 0 && bi->untyped[best].cptr == a->untyped;
			if (best < 0 || (best_own && !own) ||
			    (own == best_own &&
			     u->bits < bi->untyped[best].bits))
				best = (int)i;
		}
		if (best < 0)
			break;
		tried[best] = true;
		r = tess_retype(bi->untyped[best].cptr, CAP_UNTYPED, bits, slot,
				1);
		if (r == 0) {
			c->memory = slot;
			return 0;
		}
	}
	tess_slot_free(a, slot);
	return r;
}

/* ------------------------------------------------------------ objects */

static int make_objects(struct container *c)
{
	struct tess_alloc *def = tess_alloc_default();
	long r;

	if ((r = tess_new(def, CAP_CONTAINER, 0, &c->container)))
		return fail(c, "Container object", r);
	if ((r = tess_container_control(CONTAINER_CONFIGURE, c->container,
					c->spec->cid)))
		return fail(c, "configuring its container id", r);
	if ((r = tess_new(def, CAP_CSPACE, HOLD_BITS, &c->hold)))
		return fail(c, "CSpace for its objects", r);
	tess_alloc_init(&c->alloc, def->untyped, c->hold << CPTR_DIGIT_BITS,
			(c->hold << CPTR_DIGIT_BITS) + HOLD_SLOTS);
	if ((r = tess_new(def, CAP_CSPACE, PAGER_CSPACE_BITS, &c->cspace)))
		return fail(c, "the pager's CSpace", r);
	if ((r = tess_cap_copy(c->cspace, pager_slot(c, PAGER_SLOT_CSPACE))))
		return fail(c, "the pager's CSpace in its own slot 0", r);
	if ((r = tess_new(&c->alloc, CAP_THREAD, 0, &c->thread)))
		return fail(c, "the pager's Thread", r);
	if ((r = tess_new(&c->alloc, CAP_SPACE, 0, &c->space)))
		return fail(c, "the pager's Space", r);
	return 0;
}

static int create_thread(struct container *c, uint32_t fault_tid)
{
	struct thread_create tc;
	struct task_ids ids;
	long r;

	memset(&tc, 0, sizeof(tc));
	memset(&ids, 0, sizeof(ids));
	tc.thread = c->thread;
	tc.space = c->space;
	tc.cspace = c->cspace;
	tc.untyped = CPTR_NONE;
	tc.dest = CPTR_NONE;
	tc.utcb = c->spec->lab.on ? 0 : PAGER_UTCB_ADDR; /* lab: allocBuffer */
	tc.pager = fault_tid;
	tc.cid = c->spec->cid;
	tc.prio = c->spec->prio;
	r = tess_thread_control(THREAD_CREATE | TC_NEW_SPACE, &ids, &tc);
	if (r == -E_PERM) {
		root_log("container %s: priority %u is above the root's own",
			 c->spec->name, c->spec->prio);
		return -1;
	}
	if (r)
		return fail(c, "creating the pager's thread", r);
	c->tid = ids.tid;
	return 0;
}

/* ------------------------------------------------------------ memory */

static void fill_image(const void *ctx, uint64_t va, uint8_t *page)
{
	elf_fill_page(ctx, va, page);
}

/* Load segment `i`'s pages (those no earlier segment loaded). */
static int load_segment(struct container *c, unsigned i)
{
	const struct elf_image *img = &c->image;
	const struct elf_segment *s = &img->seg[i];
	uint64_t end = s->vaddr + s->memsz;

	for (uint64_t va = s->vaddr & ~(PAGE_SIZE - 1); va < end;
	     va += PAGE_SIZE) {
		long r;
		if (elf_page_seen(img, i, va))
			continue;
		r = space_put_page(&c->alloc, c->space, va,
				   elf_page_rights(img, va), fill_image, img);
		if (r) {
			root_log("container %s: the pager's page at 0x%lx: %s",
				 c->spec->name, (unsigned long)va,
				 tess_strerror(r));
			return -1;
		}
	}
	return 0;
}

static int load_image(struct container *c)
{
	for (unsigned i = 0; i < c->image.n; i++)
		if (load_segment(c, i))
			return -1;
	return 0;
}

struct module_at {
	const struct module *m;
	uint64_t base;
};

static void fill_module(const void *ctx, uint64_t va, uint8_t *page)
{
	const struct module_at *ma = ctx;
	uint64_t off = va - ma->base, n = ma->m->size - off;
	memcpy(page, ma->m->data + off, n < PAGE_SIZE ? n : PAGE_SIZE);
}

static int map_modules(struct container *c)
{
	for (unsigned i = 0; i < c->spec->n_modules; i++) {
		struct module_at ma = {c->mods[i], c->mod_va[i]};
		for (uint64_t off = 0; off < ma.m->size; off += PAGE_SIZE) {
			uint64_t va = ma.base + off;
			long r =
			    space_put_page(&c->alloc, c->space, va,
					   RIGHT_PAGE_READ, fill_module, &ma);
			if (r) {
				root_log("container %s: module %s at 0x%lx: %s",
					 c->spec->name, ma.m->name,
					 (unsigned long)va, tess_strerror(r));
				return -1;
			}
		}
	}
	return 0;
}

static void fill_bootinfo(const void *ctx, uint64_t va, uint8_t *page)
{
	memcpy(page, ctx, sizeof(struct pager_bootinfo));
}

static int map_bootinfo(struct container *c, uint32_t fault_tid)
{
	static struct pager_bootinfo pb;
	const struct container_spec *s = c->spec;
	long r;

	memset(&pb, 0, sizeof(pb));
	pb.magic = PAGER_BOOTINFO_MAGIC;
	pb.cid = s->cid;
	pb.tid = c->tid;
	pb.root_tid = fault_tid;
	pb.untyped_bits = s->mem_bits;
	pb.tsc_hz = tess_bootinfo->tsc_hz;
	pb.n_modules = s->n_modules;
	for (unsigned i = 0; i < s->n_modules; i++) {
		pb.modules[i].vaddr = c->mod_va[i];
		pb.modules[i].size = c->mods[i]->size;
		strlcpy(pb.modules[i].name, c->mods[i]->name,
			sizeof(pb.modules[i].name));
	}
	strlcpy(pb.name, s->name, sizeof(pb.name));
	strlcpy(pb.args, s->args, sizeof(pb.args));
	r = space_put_page(&c->alloc, c->space, PAGER_BOOTINFO_ADDR,
			   RIGHT_PAGE_READ, fill_bootinfo, &pb);
	return r ? fail(c, "its boot info page", r) : 0;
}

static int map_stack_and_utcb(struct container *c)
{
	const unsigned rw = RIGHT_PAGE_READ | RIGHT_PAGE_WRITE;
	long r;

	for (unsigned i = 1; i <= PAGER_STACK_PAGES; i++)
		if ((r = space_put_page(&c->alloc, c->space,
					PAGER_STACK_TOP - i * PAGE_SIZE, rw,
					NULL, NULL)))
			return fail(c, "its stack", r);
	if (c->spec->lab.on)
		return 0; /* no UTCB: the lab's allocBuffer makes one */
	if ((r = space_put_page(&c->alloc, c->space, PAGER_UTCB_ADDR, rw, NULL,
				NULL)))
		return fail(c, "its UTCB page", r);
	return 0;
}

/* ------------------------------------------------------------ capabilities */

static int fill_cspace(struct container *c)
{
	const struct container_spec *s = c->spec;
	long r;

	if ((r = tess_cap_mint(BOOT_SLOT_CONSOLE,
			       pager_slot(c, PAGER_SLOT_CONSOLE), ~0u,
			       s->colour)))
		return fail(c, "its console capability", r);
	if (s->window >= 0 &&
	    (r = tess_cap_copy(BOOT_SLOT_WINDOW0 + s->window,
			       pager_slot(c, PAGER_SLOT_WINDOW))))
		return fail(c, "its window capability", r);
	if ((r = tess_cap_copy(BOOT_SLOT_TIMER,
			       pager_slot(c, PAGER_SLOT_TIMER))))
		return fail(c, "its timer capability", r);
	if (s->input && (r = tess_cap_copy(BOOT_SLOT_INPUT,
					   pager_slot(c, PAGER_SLOT_INPUT))))
		return fail(c, "its input capability", r);
	if ((r = tess_cap_move(c->memory, pager_slot(c, PAGER_SLOT_UNTYPED))))
		return fail(c, "giving it its memory", r);
	tess_slot_free(tess_alloc_default(), c->memory);
	c->memory = 0;
	if ((r = tess_cap_copy(c->space, pager_slot(c, PAGER_SLOT_SPACE))))
		return fail(c, "its Space capability", r);
	if ((r = tess_cap_copy(c->thread, pager_slot(c, PAGER_SLOT_THREAD))))
		return fail(c, "its Thread capability", r);
	return 0;
}

/* The root's system-wide scope capability of each kind (read once). */
static int root_scope_cap(unsigned kind, struct capability *out)
{
	static struct capability found[SK_COUNT];
	static int ready;

	if (!ready) {
		struct capability caps[64];
		long n = tess_capability_control(CAP_CONTROL_READ, 64, caps);
		if (n < 0)
			return (int)n;
		for (long i = 0; i < n; i++)
			for (unsigned k = 0; k < SK_COUNT; k++)
				if (caps[i].type == scope_types[k] &&
				    caps[i].scope == SCOPE_SYSTEM &&
				    caps[i].list == CAP_LIST_SPACE &&
				    !found[k].capid)
					found[k] = caps[i];
		ready = 1;
	}
	if (!found[kind].capid)
		return -E_NOCAP;
	*out = found[kind];
	return 0;
}

/* Replicate the root's capability of `kind`, deduce the copy to container
 * `cid` with every right kept, and grant it to the pager. */
static long give_scope_cap(struct container *c, unsigned kind, uint32_t cid)
{
	struct capability cap;
	long r = root_scope_cap(kind, &cap);

	if (r)
		return r;
	if ((r = tess_capability_control(CAP_CONTROL_REPLICATE, 0, &cap)))
		return r;
	cap.scope = SCOPE_CONTAINER;
	cap.resid = cid;
	r = tess_capability_control(CAP_CONTROL_DEDUCE, 0, &cap);
	if (r == 0) {
		cap.owner = c->tid;
		r = tess_capability_control(CAP_CONTROL_GRANT, CAP_GRANT_SINGLE,
					    &cap);
	}
	if (r)
		tess_capability_control(CAP_CONTROL_DESTROY, 0, &cap);
	return r;
}

/* The manifest's `caps`, in its order: they land in the pager's space
 * list in that order, which is the order it finds them in. */
static int give_scope_caps(struct container *c)
{
	for (unsigned i = 0; i < c->spec->n_caps; i++) {
		const struct cap_entry *e = &c->spec->cap_list[i];
		uint32_t cid = e->cid == CAPS_OWN ? c->spec->cid : e->cid;
		long r = give_scope_cap(c, e->kind, cid);
		if (r) {
			root_log("container %s: its %s capability over "
				 "container %u: %s",
				 c->spec->name, scope_names[e->kind], cid,
				 tess_strerror(r));
			return -1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ start */

static int run_pager(struct container *c)
{
	struct exregs x;
	struct task_ids ids;
	long r;

	memset(&x, 0, sizeof(x));
	x.rip = c->image.entry;
	x.rsp = PAGER_STACK_TOP - 8;
	x.rdi = PAGER_BOOTINFO_ADDR;
	x.rflags = 0x202;
	x.valid = EXREGS_SET_REGS | EXREGS_SET_SP | EXREGS_SET_PC;
	if ((r = tess_exchange_registers(&x, c->tid)))
		return fail(c, "setting the pager's registers", r);
	memset(&ids, 0, sizeof(ids));
	ids.tid = c->tid;
	if ((r = tess_thread_control(THREAD_RUN, &ids, NULL)))
		return fail(c, "running the pager", r);
	return 0;
}

/* Take back what a failed start made: the thread first, then the pager's
 * CSpace (its slot 0 names itself, so that goes first), then every object
 * in `hold`, the container, and memory not yet given. */
static void undo(struct container *c)
{
	struct tess_alloc *def = tess_alloc_default();

	if (c->tid) {
		struct task_ids ids;
		memset(&ids, 0, sizeof(ids));
		ids.tid = c->tid;
		tess_thread_control(THREAD_DESTROY, &ids, NULL);
		c->tid = 0;
	}
	if (c->cspace) {
		tess_cap_delete(pager_slot(c, PAGER_SLOT_CSPACE));
		tess_delete(def, c->cspace);
	}
	if (c->hold)
		tess_delete(def, c->hold);
	if (c->container)
		tess_delete(def, c->container);
	if (c->memory)
		tess_delete(def, c->memory);
	c->cspace = c->hold = c->container = c->memory = 0;
}

int container_start(struct container *c, uint32_t fault_tid)
{
	if (make_objects(c) || create_thread(c, fault_tid) ||
	    lab_shape_space(c) || load_image(c) || map_stack_and_utcb(c) ||
	    map_modules(c) || map_bootinfo(c, fault_tid) ||
	    (c->spec->lab.on ? lab_fill_cspace(c) : fill_cspace(c)) ||
	    give_scope_caps(c) || run_pager(c)) {
		undo(c);
		c->state = CS_FAILED;
		return -1;
	}
	c->state = CS_RUNNING;
	return 0;
}

struct container *container_by_tid(uint32_t tid)
{
	for (unsigned i = 0; i < n_containers; i++)
		if (tid && containers[i].tid == tid)
			return &containers[i];
	return NULL;
}
