/*
 * Fuzzer arguments (see fuzz.h): which calls are drawn how often, the
 * type of each of their arguments, and the values drawn for each type.
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

unsigned fz_pick_call(struct fz_rng *r)
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

uint64_t fz_interesting(struct fz_rng *r)
{
	return PICK(r, interesting);
}

uint64_t fz_any(struct fz_rng *r)
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
	return fz_any(r);
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
uint64_t fz_ptr(struct fz_rng *r)
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
	return fz_any(r);
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
	return fz_any(r);
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
		v = fz_any(r);
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
		return fz_ptr(r);
	case T_LEN:
		return fz_below(r, 4) ? PICK(r, lens) : fz_any(r);
	case T_TYPE:
		if (fz_below(r, 10) < 7)
			return 1 + fz_below(r, CAP_CONTAINER);
		return fz_below(r, 4) ? fz_below(r, 0x100)
				      : (1ull << 32) | CAP_PAGE;
	case T_BITS:
		return fz_below(r, 6) ? PICK(r, bits) : fz_any(r);
	case T_NUM:
		return fz_below(r, 6) ? PICK(r, nums) : fz_any(r);
	case T_RIGHTS:
		return fz_below(r, 6) ? fz_below(r, 8) : fz_any(r);
	case T_BADGE:
		return fz_below(r, 6) ? PICK(r, badges) : fz_any(r);
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
		return fz_below(r, 12) ? fz_below(r, 10) : fz_any(r);
	case T_CAPFLAGS:
		return fz_below(r, 6) ? PICK(r, capflags) : fz_any(r);
	case T_MUTEXOP:
		return fz_below(r, 8) ? PICK(r, mutexops) : fz_any(r);
	case T_SPACE:
		return fz_below(r, 2) ? SPACE_SELF : slot_value(r, g);
	case T_CID:
		return fz_below(r, 8) ? PICK(r, cids) : fz_any(r);
	case T_LAZY:
		return fz_below(r, FZ_LAZY_PAGES) * 4096 + fz_below(r, 4096);
	case T_CLOCK:
		return fz_below(r, 4) ? fz_below(r, 2) : fz_any(r);
	case T_MUTEXPTR:
		if (fz_below(r, 4))
			return FZ_SHARED_VA + 4 * fz_below(r, FZ_MUTEX_WORDS);
		return fz_below(r, 2) ? FZ_SHARED_VA + 1 : fz_ptr(r);
	default:
		return fz_any(r);
	}
}

void fz_make_arg(struct fz_rng *r, unsigned type, struct fz_gen *g,
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
		*val = fz_below(r, 5) ? PICK(r, tids) : fz_any(r);
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
