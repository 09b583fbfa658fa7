/*
 * Fuzzer programs (see fuzz.h): how calls and their arguments are drawn,
 * and how a program of the corpus is mutated into the next one.
 *
 * Every argument has a type (the call's signature) that says which values
 * find edges: slot addresses of what the worker's CSpace really holds, of
 * slots earlier calls of the program filled, of nested CSpaces and of
 * nothing; thread ids of the program's table; pointers into the worker's
 * scratch memory, across its ends, into pages the pager fills on demand,
 * into read-only and kernel memory; sizes, bits and rights around their
 * limits.  Structs (thread_create, exregs, ...) are filled by the worker
 * from a seed, field by field with the same types.  Everything here is a
 * function of the random numbers, so a campaign repeats from its seed.
 */
#include <string.h>
#include <tap.h>
#include <tess.h>

#include "fuzz.h"

uint64_t fz_next(struct fz_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ull;
}

static uint64_t pick(struct fz_rng *r, const uint64_t *v, unsigned n)
{
	return v[fz_below(r, n)];
}
#define PICK(r, a) pick((r), (a), sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ signatures */

#define S(...)                                                                 \
	(const uint8_t[])                                                      \
	{                                                                      \
		__VA_ARGS__, T_NONE                                            \
	}

static const uint8_t *const signatures[FZ_CALLS] = {
    [SYS_null] = S(T_NONE),
    [SYS_console_write] = S(T_SLOT, T_PTR, T_LEN),
    [SYS_ipc] = S(T_TID, T_TID, T_IPCFLAGS, T_ANY, T_ANY, T_ANY, T_ANY, T_ANY,
		  T_ANY, T_PTR, T_DEADLINE),
    [SYS_thread_switch] = S(T_TID),
    [SYS_thread_control] = S(T_TCOP, T_STRUCT, T_STRUCT),
    [SYS_exchange_registers] = S(T_STRUCT, T_TID),
    [SYS_getid] = S(T_PTR),
    [SYS_capability_control] = S(T_CAPREQ, T_CAPFLAGS, T_STRUCT),
    [SYS_mutex_control] = S(T_MUTEXPTR, T_MUTEXOP),
    [SYS_time] = S(T_PTR, T_CLOCK),
    [SYS_container_control] = S(T_NUM, T_SLOT, T_CID),
    [SYS_retype] = S(T_SLOT, T_TYPE, T_BITS, T_DEST, T_NUM),
    [SYS_remaining] = S(T_SLOT),
    [SYS_cap_copy] = S(T_SLOT, T_DEST),
    [SYS_cap_mint] = S(T_SLOT, T_DEST, T_RIGHTS, T_BADGE),
    [SYS_cap_move] = S(T_SLOT, T_DEST),
    [SYS_cap_delete] = S(T_SLOT),
    [SYS_cap_revoke] = S(T_SLOT),
    [SYS_cap_info] = S(T_SLOT, T_PTR),
    [SYS_map] = S(T_SLOT, T_SPACE, T_VADDR, T_RIGHTS),
    [SYS_unmap] = S(T_SLOT),
    [SYS_console_putc] = S(T_SLOT, T_ANY),
    [SYS_window_putc] = S(T_SLOT, T_ANY),
    [SYS_window_cls] = S(T_SLOT),
    [SYS_window_set_attr] = S(T_SLOT, T_ANY),
    [SYS_timer_ticks] = S(T_SLOT),
    [SYS_alloc_buffer] = S(T_SLOT, T_VADDR),
    [SYS_print_buffer] = S(T_SLOT),
    [SYS_print_string] = S(T_SLOT, T_PTR),
    [SYS_debug_dump] = S(T_SLOT, T_ANY),
    [SYS_page_copy] = S(T_SLOT, T_SLOT),
    [SYS_sleep] = S(T_DEADLINE),
    [SYS_input_read] = S(T_SLOT, T_PTR, T_LEN, T_NUM),
    [SYS_input_info] = S(T_SLOT, T_PTR),
    [SYS_debug_coverage] = S(T_SLOT, T_NUM, T_PTR, T_LEN),
    [FZ_TOUCH] = S(T_LAZY, T_ANY),
};

const uint8_t *fz_signature(unsigned nr)
{
	static const uint8_t none[] = {T_NONE};
	return nr < FZ_CALLS && signatures[nr] ? signatures[nr] : none;
}

/* How often each call is drawn: the calls with the most kernel behind
 * them most often.  exit is never drawn (it would end a worker); the
 * console and window calls rarely (workers hold no such capability). */
static const uint8_t weights[FZ_CALLS] = {
    [SYS_null] = 1,
    [SYS_console_write] = 1,
    [SYS_ipc] = 14,
    [SYS_thread_switch] = 3,
    [SYS_thread_control] = 12,
    [SYS_exchange_registers] = 8,
    [SYS_getid] = 1,
    [SYS_capability_control] = 10,
    [SYS_mutex_control] = 4,
    [SYS_time] = 1,
    [SYS_container_control] = 2,
    [SYS_retype] = 12,
    [SYS_remaining] = 2,
    [SYS_cap_copy] = 5,
    [SYS_cap_mint] = 5,
    [SYS_cap_move] = 4,
    [SYS_cap_delete] = 6,
    [SYS_cap_revoke] = 6,
    [SYS_cap_info] = 3,
    [SYS_map] = 10,
    [SYS_unmap] = 4,
    [SYS_console_putc] = 1,
    [SYS_window_putc] = 1,
    [SYS_window_cls] = 1,
    [SYS_window_set_attr] = 1,
    [SYS_timer_ticks] = 1,
    [SYS_alloc_buffer] = 3,
    [SYS_print_buffer] = 1,
    [SYS_print_string] = 1,
    [SYS_debug_dump] = 1,
    [SYS_page_copy] = 3,
    [SYS_sleep] = 2,
    [SYS_input_read] = 2,
    [SYS_input_info] = 1,
    [SYS_debug_coverage] = 1,
    [FZ_TOUCH] = 3,
};

static unsigned pick_call(struct fz_rng *r)
{
	unsigned total = 0, x;
	for (unsigned i = 0; i < FZ_CALLS; i++)
		total += weights[i];
	x = (unsigned)fz_below(r, total);
	for (unsigned i = 0; i < FZ_CALLS; i++) {
		if (x < weights[i])
			return i;
		x -= weights[i];
	}
	return SYS_null;
}

/* ------------------------------------------------------------ arguments */

static const uint64_t interesting[] = {
    0,
    1,
    2,
    3,
    4,
    7,
    8,
    15,
    16,
    31,
    32,
    63,
    64,
    127,
    128,
    255,
    256,
    1023,
    1024,
    2047,
    2048,
    2049,
    4095,
    4096,
    4097,
    0x7fff,
    0x8000,
    0xffff,
    0x10000,
    0x7fffffff,
    0x80000000ull,
    0xffffffffull,
    0x100000000ull,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    (uint64_t)-1,
    (uint64_t)-2,
    (uint64_t)-4096,
};

static uint64_t any_value(struct fz_rng *r)
{
	switch (fz_below(r, 5)) {
	case 0:
	case 1:
		return PICK(r, interesting);
	case 2:
		return fz_below(r, 64);
	case 3:
		return fz_next(r) >> fz_below(r, 64);
	default:
		return fz_next(r);
	}
}

/* Slots a program has filled so far (for its later calls to name). */
struct fz_gen {
	uint64_t made[FZ_MAX_CALLS * 2];
	unsigned n;
};

static uint64_t slot_value(struct fz_rng *r, const struct fz_gen *g)
{
	static const uint64_t weird[] = {
	    CPTR_NONE,
	    1ull << FZ_CSPACE_BITS,
	    (1ull << FZ_CSPACE_BITS) + 1,
	    0xffff,
	    ((uint64_t)FS_PAGE << 16) | 1,
	    ((uint64_t)FS_NESTED << 32) | ((uint64_t)FS_NESTED << 16) | 1,
	    ((uint64_t)FS_SELF << 16) | FS_UNTYPED,
	    ((uint64_t)FS_SELF << 32) | ((uint64_t)FS_NESTED << 16) | 2,
	    0x0005000500050005ull,
	};
	unsigned x = (unsigned)fz_below(r, 100);
	if (x < 50)
		return 1 + fz_below(r, FS_STANDARD - 1);
	if (x < 65 && g && g->n)
		return g->made[fz_below(r, g->n)];
	if (x < 75)
		return ((uint64_t)FS_NESTED << 16) | fz_below(r, 18);
	if (x < 85)
		return fz_below(r, 1u << FZ_CSPACE_BITS);
	if (x < 90)
		return FS_SELF;
	if (x < 97)
		return PICK(r, weird);
	return any_value(r);
}

static uint64_t dest_value(struct fz_rng *r, const struct fz_gen *g)
{
	unsigned x = (unsigned)fz_below(r, 100);
	if (x < 60)
		return FS_STANDARD + fz_below(r, 28);
	if (x < 75)
		return ((uint64_t)FS_NESTED << 16) | fz_below(r, 17);
	if (x < 85 && g && g->n)
		return g->made[fz_below(r, g->n)];
	return slot_value(r, g);
}

/* Pointers: into the worker's scratch memory (16 KiB, of which no call
 * can write more than the first half), into the shared page up to its
 * end (the page after it is not mapped), into pages the pager fills on
 * demand, read-only and kernel memory, and other bad places. */
static uint64_t ptr_value(struct fz_rng *r)
{
	static const uint64_t offs[] = {0,	  8,	4096 - 8,
					4096 - 1, 4096, 8192 - 16};
	static const uint64_t bad[] = {
	    0,
	    0x1000,
	    0x400000,
	    USER_ADDR_TOP - 8,
	    USER_ADDR_TOP,
	    0x0000800000000000ull,
	    0xffff800000000000ull,
	    0xffffffff80100000ull,
	    (uint64_t)-8,
	};
	unsigned x = (unsigned)fz_below(r, 100);
	if (x < 35)
		return FZ_SCRATCH_VA +
		       (fz_below(r, 2) ? PICK(r, offs) : fz_below(r, 8192));
	if (x < 45)
		return FZ_SHARED_VA + 64 + fz_below(r, 4096 - 64);
	if (x < 62)
		return FZ_LAZY_VA + fz_below(r, FZ_LAZY_PAGES) * 4096 +
		       (fz_below(r, 2) ? 0 : fz_below(r, 4096));
	if (x < 70)
		return FZ_RO_VA + fz_below(r, 4096);
	if (x < 95)
		return PICK(r, bad) + fz_below(r, 3) * 8;
	return any_value(r);
}

static uint64_t vaddr_value(struct fz_rng *r)
{
	static const uint64_t fixed[] = {
	    0,
	    0x1000,
	    0x400000,
	    FZ_LAZY_VA,
	    FZ_LAZY_VA + 0x1000,
	    FZ_CTL_VA,
	    0x0000400000000000ull,
	    0x0000400000200000ull,
	    0x0000408000000000ull,
	    0x0000008000000000ull,
	    USER_ADDR_TOP - 0x1000,
	    USER_ADDR_TOP,
	    USER_ADDR_TOP - 0x200000 + 0x1000,
	    0x00007fffffe00000ull,
	    0x00007f8000000000ull,
	    0x0000800000000000ull,
	    0xffff800000000000ull,
	};
	unsigned x = (unsigned)fz_below(r, 100);
	if (x < 40) /* the lazy region, above what the pager fills */
		return FZ_LAZY_VA +
		       (FZ_LAZY_PAGES + fz_below(r, 512 - FZ_LAZY_PAGES)) *
			   4096;
	if (x < 55)
		return 0x0000400000000000ull + fz_below(r, 8) * 0x200000 +
		       fz_below(r, 4) * 0x1000;
	if (x < 90)
		return PICK(r, fixed) +
		       (fz_below(r, 8) ? 0 : 1 + fz_below(r, 8));
	return any_value(r);
}

static uint64_t tcop_value(struct fz_rng *r)
{
	static const uint32_t space_flags[] = {TC_SHARE_SPACE,
					       TC_COPY_SPACE,
					       TC_NEW_SPACE,
					       TC_NEW_SPACE,
					       0,
					       TC_NEW_SPACE | TC_COPY_SPACE};
	uint64_t action = fz_below(r, 100) < 35 ? 0 : 1 + fz_below(r, 6);
	uint64_t v = action << 28;
	if (action == 0) {
		v |= space_flags[fz_below(r, 6)];
		if (fz_below(r, 4) == 0)
			v |= TC_SHARE_GROUP;
		if (fz_below(r, 4) == 0)
			v |= TC_SHARE_UTCB;
	}
	switch (fz_below(r, 20)) {
	case 0:
		v |= 1ull << fz_below(r, 28);
		break;
	case 1:
		v |= 1ull << (32 + fz_below(r, 32));
		break;
	case 2:
		v = any_value(r);
		break;
	}
	return v;
}

static uint64_t typed_value(struct fz_rng *r, unsigned type,
			    const struct fz_gen *g);

uint64_t fz_value(struct fz_rng *r, unsigned type)
{
	return typed_value(r, type, NULL);
}

static uint64_t typed_value(struct fz_rng *r, unsigned type,
			    const struct fz_gen *g)
{
	static const uint64_t lens[] = {0,    1,    8,	  16,	48,
					183,  184,  768,  2048, 2049,
					4095, 4096, 4097, 8192, 1u << 20};
	static const uint64_t bits[] = {0,  1,	2,  4,	6,  10, 11, 12, 13, 14,
					16, 20, 21, 22, 23, 30, 47, 48, 63, 64};
	static const uint64_t nums[] = {0, 1, 1,  1,  2,    3,
					4, 8, 16, 64, 4096, 4097};
	static const uint64_t badges[] = {
	    0, 0, 1, 3, 63, 64, 255, 256, 4096, 0xffffffffull, 1ull << 32};
	static const uint64_t capflags[] = {0,
					    1,
					    2,
					    3,
					    4,
					    32,
					    1000,
					    CAP_GRANT_SINGLE,
					    CAP_GRANT_SINGLE |
						CAP_GRANT_IMMUTABLE,
					    CAP_GRANT_IMMUTABLE};
	static const uint64_t mutexops[] = {MUTEX_LOCK, MUTEX_UNLOCK,
					    MUTEX_UNLOCK, 0, 3};
	static const uint64_t cids[] = {FZ_VICTIM_CID,
					FZ_VICTIM_CID,
					FZ_VICTIM_CID,
					FZ_CID,
					0,
					0x52,
					254,
					255};
	switch (type) {
	case T_SLOT:
		return slot_value(r, g);
	case T_DEST:
		return dest_value(r, g);
	case T_PTR:
		return ptr_value(r);
	case T_LEN:
		return fz_below(r, 4) ? PICK(r, lens) : any_value(r);
	case T_TYPE:
		if (fz_below(r, 10) < 7)
			return 1 + fz_below(r, CAP_CONTAINER);
		return fz_below(r, 4) ? fz_below(r, 0x100)
				      : (1ull << 32) | CAP_PAGE;
	case T_BITS:
		return fz_below(r, 6) ? PICK(r, bits) : any_value(r);
	case T_NUM:
		return fz_below(r, 6) ? PICK(r, nums) : any_value(r);
	case T_RIGHTS:
		return fz_below(r, 6) ? fz_below(r, 8) : any_value(r);
	case T_BADGE:
		return fz_below(r, 6) ? PICK(r, badges) : any_value(r);
	case T_IPCFLAGS: {
		uint64_t f = fz_below(r, 4);
		if (fz_below(r, 2))
			f |= IPC_NONBLOCK;
		else if (fz_below(r, 3) == 0)
			f |= IPC_TIMEOUT;
		switch (fz_below(r, 4)) {
		case 0:
			f |= IPC_SIZE(fz_below(r, 2049));
			break;
		case 1:
			f |= IPC_SIZE(fz_below(r, 2) ? 2048 : 2049);
			break;
		case 2:
			f |= IPC_SIZE(8 * fz_below(r, 64));
			break;
		}
		if (fz_below(r, 16) == 0)
			f |= 1ull << fz_below(r, 64);
		return f;
	}
	case T_VADDR:
		return vaddr_value(r);
	case T_TCOP:
		return tcop_value(r);
	case T_CAPREQ:
		return fz_below(r, 12) ? fz_below(r, 10) : any_value(r);
	case T_CAPFLAGS:
		return fz_below(r, 6) ? PICK(r, capflags) : any_value(r);
	case T_MUTEXOP:
		return fz_below(r, 8) ? PICK(r, mutexops) : any_value(r);
	case T_SPACE:
		return fz_below(r, 2) ? SPACE_SELF : slot_value(r, g);
	case T_CID:
		return fz_below(r, 8) ? PICK(r, cids) : any_value(r);
	case T_LAZY:
		return fz_below(r, FZ_LAZY_PAGES) * 4096 + fz_below(r, 4096);
	case T_CLOCK:
		return fz_below(r, 4) ? fz_below(r, 2) : any_value(r);
	case T_MUTEXPTR:
		if (fz_below(r, 4))
			return FZ_SHARED_VA + 4 * fz_below(r, FZ_MUTEX_WORDS);
		return fz_below(r, 2) ? FZ_SHARED_VA + 1 : ptr_value(r);
	default:
		return any_value(r);
	}
}

static void make_arg(struct fz_rng *r, unsigned type, struct fz_gen *g,
		     uint8_t *kind, uint64_t *val)
{
	*kind = FA_VAL;
	if (type == T_STRUCT) {
		*kind = FA_STRUCT;
		*val = fz_next(r);
		return;
	}
	if (type == T_TID && fz_below(r, 10) < 7) {
		*kind = FA_TID;
		*val = fz_below(r, FZ_TIDS);
		return;
	}
	if (type == T_TID) {
		static const uint64_t tids[] = {TID_NIL,
						TID_ANY,
						0,
						1,
						TID_MAKE(FZ_CID, 0x9999),
						TID_MAKE(FZ_VICTIM_CID, 1),
						1ull << 32,
						TID_MAKE(0xff, 1)};
		*val = fz_below(r, 5) ? PICK(r, tids) : any_value(r);
		return;
	}
	if (type == T_DEADLINE && fz_below(r, 8)) {
		/* Mostly now give or take a few ticks; else an absolute one
		 * (0, DEADLINE_NEVER, anything). */
		static const int64_t offs[] = {-1000000, -1, 0, 1, 5000, 20000};
		*kind = FA_DEADLINE;
		*val = (uint64_t)offs[fz_below(r, 6)];
		return;
	}
	*val = typed_value(r, type, g);
	if (type == T_DEADLINE && fz_below(r, 2))
		*val = fz_below(r, 2) ? DEADLINE_NEVER : 0;
	if (type == T_DEST && g && g->n < sizeof(g->made) / sizeof(g->made[0]))
		g->made[g->n++] = *val;
}

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
	c->nr = (uint8_t)pick_call(r);
	c->worker = (uint8_t)worker;
	sig = fz_signature(c->nr);
	for (unsigned a = 0; a < FZ_VALS && sig[a] != T_NONE; a++)
		make_arg(r, sig[a], g, &c->kind[a], &c->val[a]);
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
		s->val[i] = any_value(r);
		v->val[i] = any_value(r);
	}
	s->val[10] = v->val[10] = DEADLINE_NEVER;
	s->val[9] = fz_below(r, 3)
			? FZ_LAZY_VA + fz_below(r, FZ_LAZY_PAGES) * 4096 +
			      fz_below(r, 4096)
			: ptr_value(r);
	v->val[9] = fz_below(r, 3)
			? FZ_LAZY_VA + fz_below(r, FZ_LAZY_PAGES) * 4096 +
			      fz_below(r, 4096)
			: ptr_value(r);
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
			c->val[a] = PICK(r, interesting);
			break;
		}
		return;
	}
	gen_context(p, i, &g);
	make_arg(r, sig[a], &g, &c->kind[a], &c->val[a]);
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
