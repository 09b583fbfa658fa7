/*
 * Fuzzer programs (see fuzz.h): how a program is generated, call by call
 * (with IPC between workers and revoke racing with IPC as ready-made
 * patterns), and how a program of the corpus is mutated into the next
 * one.  The argument values come from fuzz_args.c.  Everything here is a
 * function of the random numbers, so a campaign repeats from its seed.
 */
#include <string.h>
#include <tap.h>
#include <tess.h>

#include "fuzz.h"

/* The slots filled by calls [0, upto) of `p`. */
static void gen_context(const struct fz_prog *p, unsigned upto,
			struct fz_gen *g)
{
	g->n = 0;
	for (unsigned i = 0; i < upto && i < p->n; i++) {
		const uint8_t *sig = fz_signature(p->c[i].nr);
		for (unsigned a = 0; a < FZ_VALS && sig[a] != T_NONE; a++)
			if (sig[a] == T_DEST &&
			    g->n < sizeof(g->made) / sizeof(g->made[0]))
				g->made[g->n++] = p->c[i].val[a];
	}
}

static void make_call(struct fz_rng *r, struct fz_call *c, struct fz_gen *g,
		      unsigned worker)
{
	const uint8_t *sig;
	memset(c, 0, sizeof(*c));
	c->nr = (uint8_t)fz_pick_call(r);
	c->worker = (uint8_t)worker;
	sig = fz_signature(c->nr);
	for (unsigned a = 0; a < FZ_VALS && sig[a] != T_NONE; a++)
		fz_make_arg(r, sig[a], g, &c->kind[a], &c->val[a]);
}

/*
 * An IPC between two workers, both halves: a send (or call) from one and
 * the matching receive (or reply and wait) in the other, with the same
 * message type and, for an extended message, buffers that are often in
 * pages the pager has not filled yet.  Random ipc calls rarely meet.
 */
static unsigned make_ipc_pair(struct fz_rng *r, struct fz_call *c,
			      unsigned room)
{
	unsigned a = (unsigned)fz_below(r, FZ_WORKERS);
	unsigned b =
	    (a + 1 + (unsigned)fz_below(r, FZ_WORKERS - 1)) % FZ_WORKERS;
	uint64_t type = fz_below(r, 3), size = 0;
	struct fz_call *s = &c[0], *v = &c[1];
	if (room < 2)
		return 0;
	if (type == IPC_EXTENDED)
		size = fz_below(r, 2) ? 1 + fz_below(r, IPC_EXTENDED_MAX)
				      : IPC_EXTENDED_MAX;
	memset(c, 0, 2 * sizeof(*c));
	s->nr = v->nr = SYS_ipc;
	s->worker = (uint8_t)a;
	v->worker = (uint8_t)b;
	s->kind[0] = FA_TID; /* to b */
	s->val[0] = b;
	if (fz_below(r, 2)) { /* a call: wait for b's answer */
		s->kind[1] = FA_TID;
		s->val[1] = b;
	} else {
		s->val[1] = TID_NIL;
	}
	s->val[2] = type | IPC_SIZE(size) | (fz_below(r, 5) ? 0 : IPC_NONBLOCK);
	v->val[0] = TID_NIL;
	if (fz_below(r, 2)) { /* reply to a, from an earlier round */
		v->kind[0] = FA_TID;
		v->val[0] = a;
	}
	if (fz_below(r, 2)) {
		v->kind[1] = FA_TID;
		v->val[1] = a;
	} else {
		v->val[1] = TID_ANY;
	}
	v->val[2] =
	    type | IPC_SIZE(size + (fz_below(r, 4) ? 0 : fz_below(r, 64)));
	for (int i = 3; i < 9; i++) {
		s->val[i] = fz_any(r);
		v->val[i] = fz_any(r);
	}
	s->val[10] = v->val[10] = DEADLINE_NEVER;
	s->val[9] = fz_below(r, 3)
			? FZ_LAZY_VA + fz_below(r, FZ_LAZY_PAGES) * 4096 +
			      fz_below(r, 4096)
			: fz_ptr(r);
	v->val[9] = fz_below(r, 3)
			? FZ_LAZY_VA + fz_below(r, FZ_LAZY_PAGES) * 4096 +
			      fz_below(r, 4096)
			: fz_ptr(r);
	return 2;
}

/*
 * Revoke racing with IPC: a worker maps its space's Page in the lazy
 * region (above what the pager fills) and sends an extended message from
 * it to a worker of another space, while the other worker of its own
 * space revokes the pool the Page came from, deletes or unmaps the Page,
 * or revokes the CSpace's copies.
 */
_Static_assert(FZ_THREADS == 2, "make_revoke_race pairs workers w, w ^ 1");

static unsigned make_revoke_race(struct fz_rng *r, struct fz_call *c,
				 unsigned room)
{
	static const uint8_t undo[] = {SYS_cap_revoke, SYS_cap_delete,
				       SYS_unmap, SYS_cap_revoke};
	static const uint64_t what[] = {FS_UNTYPED, FS_PAGE, FS_PAGE, FS_SELF};
	unsigned a = (unsigned)fz_below(r, FZ_WORKERS);
	unsigned sibling = a ^ 1; /* the other worker of its space */
	uint64_t page = FZ_LAZY_VA + (FZ_LAZY_PAGES + fz_below(r, 64)) * 4096;
	unsigned k = (unsigned)fz_below(r, 4);

	if (room < 4 || !make_ipc_pair(r, &c[1], 2))
		return 0;
	/* The pair's sender is worker a, in a space other than b's. */
	if (c[2].worker / FZ_THREADS == a / FZ_THREADS)
		c[2].worker =
		    (uint8_t)((c[2].worker + FZ_THREADS) % FZ_WORKERS);
	c[1].worker = (uint8_t)a;
	c[1].val[0] = c[2].worker;
	if (c[1].kind[1] == FA_TID)
		c[1].val[1] = c[2].worker;
	if (c[2].kind[0] == FA_TID)
		c[2].val[0] = a;
	if (c[2].kind[1] == FA_TID)
		c[2].val[1] = a;
	c[1].val[2] = (c[1].val[2] & ~(uint64_t)IPC_TYPE_MASK) | IPC_EXTENDED;
	c[2].val[2] = (c[2].val[2] & ~(uint64_t)IPC_TYPE_MASK) | IPC_EXTENDED;
	c[1].val[9] = page + fz_below(r, 2048);
	memset(&c[0], 0, sizeof(c[0]));
	c[0].nr = SYS_map;
	c[0].worker = (uint8_t)a;
	c[0].val[0] = FS_PAGE;
	c[0].val[1] = SPACE_SELF;
	c[0].val[2] = page;
	c[0].val[3] = RIGHT_PAGE_READ | RIGHT_PAGE_WRITE;
	memset(&c[3], 0, sizeof(c[3]));
	c[3].nr = undo[k];
	c[3].worker = (uint8_t)sibling;
	c[3].val[0] = what[k];
	return 4;
}

static unsigned pick_worker(struct fz_rng *r, const struct fz_prog *p)
{
	/* Mostly a worker the program already uses, so that its calls
	 * build on each other. */
	if (p->n && fz_below(r, 3))
		return p->c[fz_below(r, p->n)].worker;
	return (unsigned)fz_below(r, FZ_WORKERS);
}

void fz_generate(struct fz_rng *r, struct fz_prog *p)
{
	struct fz_gen g = {.n = 0};
	unsigned n = 2 + (unsigned)fz_below(r, FZ_MAX_CALLS / 2);
	p->n = 0;
	while (p->n < n) {
		if (fz_below(r, 8) == 0 &&
		    make_ipc_pair(r, &p->c[p->n], n - p->n)) {
			p->n += 2;
			continue;
		}
		if (fz_below(r, 16) == 0 &&
		    make_revoke_race(r, &p->c[p->n], n - p->n)) {
			p->n += 4;
			continue;
		}
		unsigned w = pick_worker(r, p);
		make_call(r, &p->c[p->n], &g, w);
		p->n++;
	}
}

/* ------------------------------------------------------------ mutation */

static void mutate_arg(struct fz_rng *r, struct fz_prog *p, unsigned i)
{
	struct fz_call *c = &p->c[i];
	const uint8_t *sig = fz_signature(c->nr);
	unsigned n = 0, a;
	struct fz_gen g;
	while (n < FZ_VALS && sig[n] != T_NONE)
		n++;
	if (!n)
		return;
	a = (unsigned)fz_below(r, n);
	if (c->kind[a] == FA_VAL && fz_below(r, 3) == 0) {
		switch (fz_below(r, 4)) {
		case 0:
			c->val[a] += 1;
			break;
		case 1:
			c->val[a] -= 1;
			break;
		case 2:
			c->val[a] ^= 1ull << fz_below(r, 64);
			break;
		default:
			c->val[a] = fz_interesting(r);
			break;
		}
		return;
	}
	gen_context(p, i, &g);
	fz_make_arg(r, sig[a], &g, &c->kind[a], &c->val[a]);
}

void fz_mutate(struct fz_rng *r, struct fz_prog *p, const struct fz_prog *other)
{
	unsigned rounds = 1 + (unsigned)fz_below(r, 3);
	for (unsigned k = 0; k < rounds; k++) {
		unsigned i = (unsigned)fz_below(r, p->n ? p->n : 1);
		switch (fz_below(r, 10)) {
		case 0:
		case 1:
		case 2:
		case 3:
			if (p->n)
				mutate_arg(r, p, i);
			break;
		case 4:
		case 5: { /* insert a new call, or an IPC pair */
			struct fz_gen g;
			if (p->n >= FZ_MAX_CALLS)
				break;
			if (fz_below(r, 4) == 0 && p->n + 2 <= FZ_MAX_CALLS) {
				memmove(&p->c[i + 2], &p->c[i],
					(p->n - i) * sizeof(p->c[0]));
				p->n += make_ipc_pair(r, &p->c[i], 2);
				break;
			}
			if (fz_below(r, 8) == 0 && p->n + 4 <= FZ_MAX_CALLS) {
				memmove(&p->c[i + 4], &p->c[i],
					(p->n - i) * sizeof(p->c[0]));
				p->n += make_revoke_race(r, &p->c[i], 4);
				break;
			}
			gen_context(p, i, &g);
			memmove(&p->c[i + 1], &p->c[i],
				(p->n - i) * sizeof(p->c[0]));
			make_call(r, &p->c[i], &g, pick_worker(r, p));
			p->n++;
			break;
		}
		case 6: /* delete a call */
			if (p->n > 1) {
				memmove(&p->c[i], &p->c[i + 1],
					(p->n - i - 1) * sizeof(p->c[0]));
				p->n--;
			}
			break;
		case 7: /* the same call again, maybe by another worker */
			if (p->n && p->n < FZ_MAX_CALLS) {
				p->c[p->n] = p->c[i];
				if (fz_below(r, 2))
					p->c[p->n].worker =
					    (uint8_t)fz_below(r, FZ_WORKERS);
				p->n++;
			}
			break;
		case 8: /* another worker makes it */
			if (p->n)
				p->c[i].worker =
				    (uint8_t)fz_below(r, FZ_WORKERS);
			break;
		default: /* splice: our head, the other program's tail */
			if (other && other->n) {
				unsigned from = (unsigned)fz_below(r, other->n);
				unsigned keep = i;
				unsigned take = other->n - from;
				if (keep + take > FZ_MAX_CALLS)
					take = FZ_MAX_CALLS - keep;
				memcpy(&p->c[keep], &other->c[from],
				       take * sizeof(p->c[0]));
				p->n = keep + take;
			}
			break;
		}
	}
	if (!p->n) {
		struct fz_gen g = {.n = 0};
		make_call(r, &p->c[0], &g, pick_worker(r, p));
		p->n = 1;
	}
}

void fz_print(const struct fz_prog *p)
{
	static const char kinds[] = "=TSsD";
	for (unsigned i = 0; i < p->n; i++) {
		const struct fz_call *c = &p->c[i];
		const uint8_t *sig = fz_signature(c->nr);
		printf("#   %2u: w%u sys %2u", i, c->worker, c->nr);
		for (unsigned a = 0; a < FZ_VALS && sig[a] != T_NONE; a++)
			printf(" %c%lx", kinds[c->kind[a] % 5],
			       (unsigned long)c->val[a]);
		printf("\n");
	}
}
