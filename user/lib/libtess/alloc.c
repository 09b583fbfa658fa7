/* User-level allocation over capabilities (see tess_alloc.h). */
#include <string.h>
#include <tess_alloc.h>

void tess_alloc_init(struct tess_alloc *a, cptr_t untyped, cptr_t first,
		     cptr_t end)
{
	memset(a, 0, sizeof(*a));
	a->untyped = untyped;
	a->first_slot = first;
	a->next_slot = first;
	a->end_slot = end - first > TESS_ALLOC_MAX_SLOTS
			  ? first + TESS_ALLOC_MAX_SLOTS
			  : end;
}

struct tess_alloc *tess_alloc_default(void)
{
	static struct tess_alloc def;
	static int ready;
	const struct bootinfo *bi = tess_bootinfo;
	if (!ready && bi) {
		unsigned best = 0;
		for (unsigned i = 1; i < bi->n_untyped; i++)
			if (bi->untyped[i].bits > bi->untyped[best].bits)
				best = i;
		tess_alloc_init(&def, bi->untyped[best].cptr,
				bi->first_free_slot, 0x0c00);
		ready = 1;
	}
	return ready ? &def : 0;
}

cptr_t tess_slot(struct tess_alloc *a)
{
	cptr_t n = a->end_slot - a->first_slot;
	for (cptr_t k = 0; k < n; k++) {
		cptr_t s = a->next_slot + k;
		if (s >= a->end_slot)
			s -= n;
		cptr_t i = s - a->first_slot;
		if (!(a->used[i / 64] & (1ull << (i % 64)))) {
			a->used[i / 64] |= 1ull << (i % 64);
			a->next_slot =
			    s + 1 < a->end_slot ? s + 1 : a->first_slot;
			return s;
		}
	}
	return 0;
}

void tess_slot_free(struct tess_alloc *a, cptr_t slot)
{
	if (slot < a->first_slot || slot >= a->end_slot)
		return;
	cptr_t i = slot - a->first_slot;
	a->used[i / 64] &= ~(1ull << (i % 64));
}

long tess_delete(struct tess_alloc *a, cptr_t slot)
{
	long r = tess_cap_delete(slot);
	if (r == 0 || r == -E_EMPTY)
		tess_slot_free(a, slot);
	return r;
}

long tess_new(struct tess_alloc *a, unsigned type, unsigned bits, cptr_t *out)
{
	cptr_t s = tess_slot(a);
	long r;
	if (!s)
		return -E_LIMIT;
	r = tess_retype(a->untyped, type, bits, s, 1);
	if (r) {
		tess_slot_free(a, s);
		return r;
	}
	*out = s;
	return 0;
}

static const unsigned table_types[3] = {CAP_PT, CAP_PD, CAP_PDPT};
static const uintptr_t table_span[3] = {1ul << 21, 1ul << 30, 1ul << 39};

long tess_tables_ensure(cptr_t space, uintptr_t va,
			const struct tess_tables *src)
{
	cptr_t made[3] = {0, 0, 0};
	int level = 0;
	long r;

	/* Bottom up: find the lowest level whose table can be mapped (the
	 * one above it exists), then map back down. */
	for (;;) {
		if (!made[level]) {
			r = src->take(src->ctx, table_types[level],
				      &made[level]);
			if (r)
				break;
		}
		r = tess_map(made[level], space, va & ~(table_span[level] - 1),
			     0);
		if (r == -E_NOTMAPPED && level < 2) {
			level++;
			continue;
		}
		if (r == -E_MAPPED) {
			/* Someone else's table is there: ours is not needed. */
			src->give(src->ctx, table_types[level], made[level]);
		} else if (r) {
			break;
		} else if (src->mapped) {
			src->mapped(src->ctx, table_types[level], made[level]);
		}
		made[level] = 0;
		if (level == 0)
			return 0;
		level--;
	}
	for (int l = 0; l < 3; l++)
		if (made[l])
			src->give(src->ctx, table_types[l], made[l]);
	return r;
}

long tess_tables_map(cptr_t page, cptr_t space, uintptr_t va, unsigned rights,
		     const struct tess_tables *src)
{
	long r = tess_map(page, space, va, rights);
	if (r != -E_NOTMAPPED)
		return r;
	r = tess_tables_ensure(space, va, src);
	if (r)
		return r;
	return tess_map(page, space, va, rights);
}

static long alloc_take(void *ctx, unsigned type, cptr_t *out)
{
	return tess_new(ctx, type, 0, out);
}

static void alloc_give(void *ctx, unsigned type, cptr_t cap)
{
	(void)type;
	tess_delete(ctx, cap);
}

long tess_ensure_tables(struct tess_alloc *a, cptr_t space, uintptr_t va)
{
	struct tess_tables src = {alloc_take, alloc_give, NULL, a};
	return tess_tables_ensure(space, va, &src);
}

long tess_map_page(struct tess_alloc *a, cptr_t page, cptr_t space,
		   uintptr_t va, unsigned rights)
{
	struct tess_tables src = {alloc_take, alloc_give, NULL, a};
	return tess_tables_map(page, space, va, rights, &src);
}

long tess_new_page_at(struct tess_alloc *a, cptr_t space, uintptr_t va,
		      cptr_t *page)
{
	long r = tess_new(a, CAP_PAGE, 0, page);
	if (r)
		return r;
	r = tess_map_page(a, *page, space, va,
			  RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	if (r)
		tess_delete(a, *page);
	return r;
}
