/*
 * The LLP lab's layout, for a container whose manifest block says `layout
 * lab` (docs/manifest.md): its pager finds its capabilities where the
 * lab's kernel.c puts a process's (include/tessera/pager.h, LAB_*), and
 * its space is shaped like the lab's.
 *
 * What must hold: the lab's 256 slots hold only what the manifest asks
 * for (own CSpace, console, window, memory, timer); Tessera's Space,
 * Thread and the kmapPage reserve sit beyond them; the thread has no UTCB
 * (container.c leaves it out), so the lab's allocBuffer can make one; and
 * page directories cover [0, LAB_USER_TOP), so a lab program maps a page
 * table there without knowing about x86_64's upper levels.  The tables
 * come from the root's memory, like the pager's image, never from the
 * container's own.
 */
#include "root.h"

#define GIB (1ull << 30)

static int fail(const struct container *c, const char *what, long err)
{
	root_log("container %s: %s: %s", c->spec->name, what,
		 tess_strerror(err));
	return -1;
}

/* cptr of slot `slot` in the pager's CSpace (two-level address). */
static cptr_t lab_slot(const struct container *c, unsigned slot)
{
	return (c->cspace << CPTR_DIGIT_BITS) | slot;
}

/* A table of `type` mapped at `va` in the pager's space, unless one is
 * there already. */
static long put_table(struct container *c, unsigned type, uint64_t va)
{
	cptr_t t;
	long r = tess_new(&c->alloc, type, 0, &t);

	if (r)
		return r;
	r = tess_map(t, c->space, va, 0);
	if (r)
		tess_delete(&c->alloc, t);
	return r == -E_MAPPED ? 0 : r;
}

int lab_shape_space(struct container *c)
{
	long r;

	if (!c->spec->lab.on)
		return 0;
	if ((r = put_table(c, CAP_PDPT, 0)))
		return fail(c, "the lab layout's PDPT", r);
	for (uint64_t va = 0; va < LAB_USER_TOP; va += GIB)
		if ((r = put_table(c, CAP_PD, va)))
			return fail(c, "the lab layout's page directories", r);
	return 0;
}

/* The kmapPage reserve: an untyped of the root's, moved to the pager. */
static long give_reserve(struct container *c)
{
	struct tess_alloc *def = tess_alloc_default();
	cptr_t u;
	long r = tess_new(def, CAP_UNTYPED, LAB_RESERVE_BITS, &u);

	if (r)
		return r;
	r = tess_cap_move(u, lab_slot(c, LAB_SLOT_RESERVE));
	if (r)
		tess_delete(def, u);
	else
		tess_slot_free(def, u);
	return r;
}

int lab_fill_cspace(struct container *c)
{
	const struct container_spec *s = c->spec;
	const struct lab_layout *lab = &s->lab;
	long r;

	if (!lab->noconsole &&
	    (r = tess_cap_mint(BOOT_SLOT_CONSOLE, lab_slot(c, LAB_SLOT_CONSOLE),
			       ~0u, s->colour)))
		return fail(c, "its console capability", r);
	if (s->window >= 0 &&
	    (r = tess_cap_mint(BOOT_SLOT_WINDOW0 + s->window,
			       lab_slot(c, LAB_SLOT_WINDOW), lab->perms, 0)))
		return fail(c, "its window capability", r);
	if ((r = tess_cap_move(c->memory, lab_slot(c, LAB_SLOT_UNTYPED))))
		return fail(c, "giving it its memory", r);
	tess_slot_free(tess_alloc_default(), c->memory);
	c->memory = 0;
	if (lab->timer_slot &&
	    (r = tess_cap_mint(BOOT_SLOT_TIMER, lab_slot(c, lab->timer_slot),
			       ~0u, lab->timer_bits)))
		return fail(c, "its timer capability", r);
	if ((r = tess_cap_copy(c->space, lab_slot(c, LAB_SLOT_SPACE))))
		return fail(c, "its Space capability", r);
	if ((r = tess_cap_copy(c->thread, lab_slot(c, LAB_SLOT_THREAD))))
		return fail(c, "its Thread capability", r);
	if ((r = give_reserve(c)))
		return fail(c, "its kmapPage reserve", r);
	return 0;
}
