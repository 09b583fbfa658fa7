/*
 * The coverage-guided system call fuzzer (`make fuzz`, and a short
 * campaign in `make test`).  ktest runs it instead of its suites when the
 * kernel command line says "fuzz"; it needs the kfuzz kernel, which
 * reports the edges it reaches through debug_coverage.
 *
 * A program is a short list of system calls, each assigned to one of the
 * workers: threads in several spaces of a container of their own, with
 * capabilities over each other and over the threads they create (which
 * go to a second container, so that they can never stop or redirect a
 * worker).  The campaign (fuzz_main.c) keeps a corpus of the programs
 * that reached new kernel edges and makes each next program by mutating
 * one of them, or by generating one (fuzz_prog.c, with the arguments of
 * fuzz_args.c); the world (fuzz_world.c) runs it, every worker its own
 * calls at once (fuzz_worker.c), with a pager serving their faults, and
 * then takes back everything the program made.  The checking kernel checks its
 * invariants after every call. Everything is drawn from one seed: see
 * docs/fuzzing.md for what makes a campaign repeat exactly.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>
#include <tess.h>

#define FZ_SPACES 3
#define FZ_THREADS 2 /* workers per space */
#define FZ_WORKERS (FZ_SPACES * FZ_THREADS)
#define FZ_MAX_CALLS 24
#define FZ_ARGS 6
#define FZ_VALS (FZ_ARGS + 5) /* ipc reads five more registers */
#define FZ_CID 0x50	      /* the workers' container */
#define FZ_VICTIM_CID 0x51    /* the threads they create */

/* Where things are in every worker space (and in the root task's).  The
 * spaces are copies of the root task's; what a worker uses is mapped
 * there afterwards, so that ktest's own image stays small. */
#define FZ_CTL_VA 0x00000b0000000000ul	   /* the control page (shared) */
#define FZ_SHARED_VA 0x00000b0000004000ul  /* a page for mutexes (shared) */
#define FZ_RO_VA 0x00000b0000006000ul	   /* a read-only page */
#define FZ_SCRATCH_VA 0x00000b0000010000ul /* the worker's own memory: */
#define FZ_SCRATCH_SIZE 16384		   /*   pointers point here */
#define FZ_STRUCTS_VA (FZ_SCRATCH_VA + FZ_SCRATCH_SIZE) /* structs it fills */
#define FZ_STRUCT_SIZE 1024				/* per worker */
#define FZ_UTCB_VA (FZ_STRUCTS_VA + 0x2000) /* one UTCB per thread */
#define FZ_UTCB_STRIDE 0x400
#define FZ_STACK_VA (FZ_UTCB_VA + 0x1000) /* one stack per thread */
#define FZ_STACK 16384
#define FZ_PRIVATE_PAGES                                                       \
	((FZ_STACK_VA + FZ_THREADS * FZ_STACK - FZ_SCRATCH_VA) / 4096)
/* The page of the program being run, its results and which program each
 * worker finished last (struct fz_run), in every space.  Not the control
 * page: fuzzed calls have the kernel write there (a getid with its struct
 * in the control page once made two workers that had finished look
 * stuck).  No address the fuzzer hands out is in this page, nor one bit
 * flip from one. */
#define FZ_RUN_VA 0x00000b0000028000ul
#define FZ_LAZY_VA 0x00000b0000200000ul /* 2 MiB the pager fills on fault */
#define FZ_LAZY_SIZE 0x200000ul
#define FZ_LAZY_PAGES 64  /* of which the pager serves these */
#define FZ_MUTEX_WORDS 16 /* at the start of the shared page */

/* The worker's CSpace (2^FZ_CSPACE_BITS slots) at the start of every
 * program: what the generator knows is there. */
#define FZ_CSPACE_BITS 6
enum fz_slot {
	FS_SELF = 0,	/* the CSpace itself */
	FS_UNTYPED = 1, /* 2^FZ_POOL_BITS - 1 bytes of the space's pool */
	FS_PAGE = 2,
	FS_PT = 3,
	FS_NESTED = 4, /* a CSpace of 2^4 slots */
	FS_TIMER = 5,
	FS_THREAD = 6,
	FS_SPACE = 7,
	FS_UNTYPED2 = 8, /* 2^16 bytes */
	FS_INPUT = 9,	 /* console input (nothing is ever typed) */
	FS_STANDARD	 /* the first slot programs fill */
};
#define FZ_POOL_BITS 22
#define FZ_ARENA_BITS 26 /* everything the campaign makes */

/* How a call's argument is made when the call runs. */
enum fz_kind {
	FA_VAL,	     /* the value itself */
	FA_TID,	     /* thread id number val of the program's table */
	FA_SPID,     /* space id number val of the workers */
	FA_STRUCT,   /* a struct for the call, filled from seed val */
	FA_DEADLINE, /* the monotonic time now plus (signed) val */
};

/* What an argument means, for making and mutating it. */
enum fz_type {
	T_NONE,
	T_ANY,
	T_SLOT,
	T_DEST, /* a slot the call fills */
	T_TID,
	T_PTR,
	T_LEN,
	T_TYPE,
	T_BITS,
	T_NUM,
	T_RIGHTS,
	T_BADGE,
	T_IPCFLAGS,
	T_VADDR,
	T_TCOP,
	T_CAPREQ,
	T_CAPFLAGS,
	T_MUTEXOP,
	T_SPACE,
	T_CID,
	T_STRUCT,
	T_MUTEXPTR,
	T_LAZY,	    /* an offset in the lazy region */
	T_DEADLINE, /* a deadline (sleep, ipc with IPC_TIMEOUT) */
	T_CLOCK,
	T_TYPE_COUNT
};

/* Not a system call: the worker touches the pager's lazy region (val[0]:
 * where, val[1] & 1: write), so that the pager serves page faults. */
#define FZ_TOUCH SYS_COUNT
#define FZ_CALLS (SYS_COUNT + 1)

struct fz_call {
	uint8_t nr;	/* SYS_* or FZ_TOUCH */
	uint8_t worker; /* 0 .. FZ_WORKERS-1 */
	uint8_t kind[FZ_VALS];
	uint64_t val[FZ_VALS]; /* ipc: 3..8 MR0..MR5, 9 the buffer, 10 rbx */
};

struct fz_prog {
	uint32_t n;
	struct fz_call c[FZ_MAX_CALLS];
};

/* The control page, mapped at FZ_CTL_VA in every space: how many calls
 * each worker made (a hint of progress) and the table of thread ids the
 * fuzzer names.  Workers write
 * calls[] and the table (a worker that creates a thread adds it).  It is
 * the workers' memory, which fuzzed calls may have the kernel write over:
 * nothing the root task relies on is here (struct fz_run), and it counts
 * the campaign's calls itself. */
#define FZ_TIDS 64
struct fz_ctl {
	volatile uint64_t calls[FZ_WORKERS];
	volatile uint32_t ntids; /* the table: workers, pager, root, made */
	volatile uint32_t tids[FZ_TIDS];
	uint32_t spids[FZ_SPACES];
	uint32_t root;
};
/* At FZ_RUN_VA: the program, written by the root task before it starts
 * the workers; each call's result, and the last program each worker
 * finished, written by the workers. */
struct fz_run {
	struct fz_prog prog;
	volatile long result[FZ_MAX_CALLS]; /* of each call, once made */
	volatile uint32_t done[FZ_WORKERS];
};
_Static_assert(sizeof(struct fz_run) <= 4096, "struct fz_run fits a page");
#define FZ_FIXED_TIDS (FZ_WORKERS + 2)
#define FZ_CHECK_SEQ 0xffffffffu /* the program fuzz_main.c runs first */

/* The pseudo-random numbers of one campaign (xorshift64*). */
struct fz_rng {
	uint64_t s;
};
uint64_t fz_next(struct fz_rng *r);
static inline uint64_t fz_below(struct fz_rng *r, uint64_t n)
{
	return n ? fz_next(r) % n : 0;
}

/* fuzz_args.c: calls and their arguments. */
/* Slots a program has filled so far (for its later calls to name). */
struct fz_gen {
	uint64_t made[FZ_MAX_CALLS * 2];
	unsigned n;
};
unsigned fz_pick_call(struct fz_rng *r);
uint64_t fz_value(struct fz_rng *r, unsigned type); /* a T_* value */
uint64_t fz_any(struct fz_rng *r);
uint64_t fz_interesting(struct fz_rng *r);
uint64_t fz_ptr(struct fz_rng *r);
/* Argument `type` of a call: how it is made (FA_*) and its value; a slot
 * a call fills is added to *g (if given). */
void fz_make_arg(struct fz_rng *r, unsigned type, struct fz_gen *g,
		 uint8_t *kind, uint64_t *val);

/* The signature of call `nr`: the type of each argument (T_NONE after the
 * last); ipc's other registers follow (fz_call). */
const uint8_t *fz_signature(unsigned nr);

/* fuzz_prog.c: programs. */
void fz_generate(struct fz_rng *r, struct fz_prog *p);
void fz_mutate(struct fz_rng *r, struct fz_prog *p,
	       const struct fz_prog *other);
void fz_print(const struct fz_prog *p);

/* fuzz_world.c: the workers' spaces and threads, the pager. */
long fz_world_build(void);
long fz_world_reset(const struct fz_prog *last, int *leaked);
long fz_world_run(const struct fz_prog *p, uint32_t seq, int *stuck);
uint64_t fz_world_calls(void);
uint64_t fz_world_faults(void);
uint64_t fz_world_restarts(void);
uint64_t fz_world_overwritten(void); /* programs that wrote over the
				      * control page's call counts */
cptr_t fz_world_arena(void);
long fz_world_free(void);
/* fuzz_worker.c: a worker's loop (started by the world with its number,
 * the control page and the root task's tid), and one call. */
void fz_worker_main(uint64_t w, uint64_t ctl_va, uint64_t root)
    __attribute__((noreturn));
long fz_exec_call(struct fz_ctl *ctl, const struct fz_call *c, unsigned w);

/* fuzz_main.c */
void fuzz_campaign(const char *cmdline);

#endif
